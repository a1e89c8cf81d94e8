ALTER TABLE audit_log ADD COLUMN ballot_id TEXT;
