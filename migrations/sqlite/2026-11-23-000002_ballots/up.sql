-- Membership ballots, protocol version 1 (see docs/election-record.md).
-- No table here holds a cast time or links a ballot to a member.

CREATE TABLE ballots (
    id TEXT PRIMARY KEY NOT NULL,
    group_id BIGINT NOT NULL REFERENCES groups(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    cutoff_date DATE NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    revote_allowed BOOLEAN NOT NULL,
    shuffle_options BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'tallied', 'published')),
    -- The box key's public half, and its seed sealed under the server key.
    box_public_key TEXT NOT NULL,
    box_key_sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE ballot_questions (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    position INTEGER NOT NULL,
    -- votum_ballots::Question as JSON.
    definition TEXT NOT NULL,
    PRIMARY KEY (ballot_id, position)
);

-- The frozen electorate: who may vote and through which channel their
-- credential went out. Nothing here says whether or how they voted.
CREATE TABLE electors (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    channel TEXT NOT NULL CHECK (channel IN ('letter', 'portal')),
    issued BOOLEAN NOT NULL,
    PRIMARY KEY (ballot_id, member_id)
);

-- Public credentials: no member column, no timestamp. Keyed by the random
-- public key, so storage order is random too.
CREATE TABLE credentials (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    public_key TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('server', 'authority')),
    revoked BOOLEAN NOT NULL,
    used TEXT NOT NULL CHECK (used IN ('no', 'online', 'post')),
    PRIMARY KEY (ballot_id, public_key)
) WITHOUT ROWID;

-- The head of each ballot box's hash chain. Appends lock this row first,
-- so they serialise in the database, across app instances.
CREATE TABLE ballot_boxes (
    ballot_id TEXT PRIMARY KEY NOT NULL REFERENCES ballots(id),
    head TEXT NOT NULL,
    length BIGINT NOT NULL
);

-- Cast ballots in chain order; the chain value is the head after this entry.
CREATE TABLE box_entries (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    position BIGINT NOT NULL,
    credential TEXT NOT NULL,
    choices TEXT NOT NULL,
    signature TEXT NOT NULL,
    hash TEXT NOT NULL,
    chain TEXT NOT NULL,
    PRIMARY KEY (ballot_id, position)
);
CREATE UNIQUE INDEX box_entries_hash ON box_entries(ballot_id, hash);
CREATE INDEX box_entries_credential ON box_entries(ballot_id, credential);
