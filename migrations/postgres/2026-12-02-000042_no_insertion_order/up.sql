-- SQLite only: sessions and audit_log stored by their random key (WITHOUT
-- ROWID). PostgreSQL heap order and xmin are discussed in SECURITY.md.
SELECT 1;
