-- Lost letters: a letter credential carries a re-issue tag, an HMAC of the
-- ballot and the member under a key only the officers hold, so a lost
-- letter can be revoked and replaced without a stored member link.
ALTER TABLE credentials ADD COLUMN reissue_tag TEXT;
CREATE INDEX credentials_reissue ON credentials(ballot_id, reissue_tag);

-- Re-issuing is a four-eyes act about one member. SQLite cannot change a
-- CHECK in place, so the table is rebuilt.
CREATE TABLE officer_acts_new (
    id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    act TEXT NOT NULL CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential')),
    -- The member an act is about (re-issue only).
    member_id BIGINT REFERENCES members(id),
    requested_by BIGINT NOT NULL REFERENCES accounts(id),
    requested_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES accounts(id),
    confirmed_at TIMESTAMP,
    CHECK (confirmed_by IS NULL OR confirmed_by <> requested_by),
    CHECK ((act = 'reissue_credential') = (member_id IS NOT NULL))
);
INSERT INTO officer_acts_new (id, ballot_id, act, requested_by, requested_at, confirmed_by, confirmed_at)
    SELECT id, ballot_id, act, requested_by, requested_at, confirmed_by, confirmed_at FROM officer_acts;
DROP TABLE officer_acts;
ALTER TABLE officer_acts_new RENAME TO officer_acts;
CREATE INDEX officer_acts_ballot ON officer_acts(ballot_id);
-- At most one open request per act, ballot and member.
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act, COALESCE(member_id, 0)) WHERE confirmed_by IS NULL;
