-- A credential authority's file is imported as a four-eyes act. The act
-- list is the whole list of ballot protocol v2 (plan, decision 6), so
-- acts added by other migrations of the same release fit too. SQLite
-- cannot change a CHECK in place, so the table is rebuilt.
CREATE TABLE officer_acts_new (
    id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    act TEXT NOT NULL CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential',
        'issue_credentials', 'import_credentials', 'enter_postal_votes')),
    -- The member an act is about (re-issue only).
    member_id BIGINT REFERENCES members(id),
    requested_by BIGINT NOT NULL REFERENCES accounts(id),
    requested_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES accounts(id),
    confirmed_at TIMESTAMP,
    CHECK (confirmed_by IS NULL OR confirmed_by <> requested_by),
    CHECK ((act = 'reissue_credential') = (member_id IS NOT NULL))
);
INSERT INTO officer_acts_new (id, ballot_id, act, member_id, requested_by, requested_at, confirmed_by, confirmed_at)
    SELECT id, ballot_id, act, member_id, requested_by, requested_at, confirmed_by, confirmed_at FROM officer_acts;
DROP TABLE officer_acts;
ALTER TABLE officer_acts_new RENAME TO officer_acts;
CREATE INDEX officer_acts_ballot ON officer_acts(ballot_id);
-- At most one open request per act, ballot and member.
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act, COALESCE(member_id, 0)) WHERE confirmed_by IS NULL;

-- The public-credentials file staged by one officer until a second
-- confirms its import (the pending `import_credentials` act `act_id`).
-- Holds public credentials and re-issue tags only, never a code; the row
-- is deleted when the import is confirmed or refused.
CREATE TABLE credential_imports (
    act_id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    body TEXT NOT NULL
);
