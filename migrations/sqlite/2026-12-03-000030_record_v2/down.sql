DELETE FROM officer_acts WHERE act IN ('issue_credentials', 'import_credentials', 'enter_postal_votes');
CREATE TABLE officer_acts_old (
    id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    act TEXT NOT NULL CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential')),
    member_id BIGINT REFERENCES members(id),
    requested_by BIGINT NOT NULL REFERENCES accounts(id),
    requested_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES accounts(id),
    confirmed_at TIMESTAMP,
    CHECK (confirmed_by IS NULL OR confirmed_by <> requested_by),
    CHECK ((act = 'reissue_credential') = (member_id IS NOT NULL))
);
INSERT INTO officer_acts_old (id, ballot_id, act, member_id, requested_by, requested_at, confirmed_by, confirmed_at)
    SELECT id, ballot_id, act, member_id, requested_by, requested_at, confirmed_by, confirmed_at FROM officer_acts;
DROP TABLE officer_acts;
ALTER TABLE officer_acts_old RENAME TO officer_acts;
CREATE INDEX officer_acts_ballot ON officer_acts(ballot_id);
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act, COALESCE(member_id, 0)) WHERE confirmed_by IS NULL;
DROP TABLE act_details;
ALTER TABLE postal_votes DROP COLUMN signature;
ALTER TABLE postal_votes DROP COLUMN batch;
ALTER TABLE ballots DROP COLUMN lot_seed_sealed;
ALTER TABLE ballots DROP COLUMN fingerprint;
ALTER TABLE ballots DROP COLUMN election;
ALTER TABLE ballots DROP COLUMN record_version;
