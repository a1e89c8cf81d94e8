ALTER TABLE ballots DROP COLUMN portal_key_sealed;
