ALTER TABLE audit_log DROP COLUMN ballot_id;
