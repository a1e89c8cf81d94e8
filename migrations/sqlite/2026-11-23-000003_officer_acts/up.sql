-- Critical steps of a ballot need two returning officers: one requests,
-- another confirms; the act takes effect on confirmation. Every act appears
-- in the election record.
CREATE TABLE officer_acts (
    id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    act TEXT NOT NULL CHECK (act IN ('open', 'close', 'tally', 'publish')),
    requested_by BIGINT NOT NULL REFERENCES accounts(id),
    requested_at TIMESTAMP NOT NULL,
    confirmed_by BIGINT REFERENCES accounts(id),
    confirmed_at TIMESTAMP,
    CHECK (confirmed_by IS NULL OR confirmed_by <> requested_by)
);
CREATE INDEX officer_acts_ballot ON officer_acts(ballot_id);
-- At most one open request per act and ballot.
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act) WHERE confirmed_by IS NULL;

-- The result once tallied, and the signed election record once published.
CREATE TABLE ballot_results (
    ballot_id TEXT PRIMARY KEY NOT NULL REFERENCES ballots(id),
    lot_seed TEXT NOT NULL,
    result TEXT NOT NULL,
    record TEXT
);

-- Returned voting slips, registered by officers: the credential named by
-- the slip's code and the marks. A slip whose credential was already used
-- online is kept as void, unopened. No timestamps, no officer column.
CREATE TABLE postal_votes (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    credential TEXT NOT NULL,
    choices TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('counted', 'void_used_online')),
    PRIMARY KEY (ballot_id, credential)
);
