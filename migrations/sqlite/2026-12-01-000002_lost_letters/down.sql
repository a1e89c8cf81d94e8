DELETE FROM officer_acts WHERE act = 'reissue_credential';
CREATE TABLE officer_acts_old (
    id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    act TEXT NOT NULL CHECK (act IN ('open', 'close', 'tally', 'publish')),
    requested_by BIGINT NOT NULL REFERENCES accounts(id),
    requested_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES accounts(id),
    confirmed_at TIMESTAMP,
    CHECK (confirmed_by IS NULL OR confirmed_by <> requested_by)
);
INSERT INTO officer_acts_old SELECT id, ballot_id, act, requested_by, requested_at, confirmed_by, confirmed_at FROM officer_acts;
DROP TABLE officer_acts;
ALTER TABLE officer_acts_old RENAME TO officer_acts;
CREATE INDEX officer_acts_ballot ON officer_acts(ballot_id);
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act) WHERE confirmed_by IS NULL;
DROP INDEX credentials_reissue;
ALTER TABLE credentials DROP COLUMN reissue_tag;
