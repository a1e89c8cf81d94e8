ALTER TABLE ballots DROP COLUMN protocol;
