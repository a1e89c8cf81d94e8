-- The tally of a ballot under protocol "encrypted" (issue 11): the
-- homomorphic sums the trustees decrypt, and their partial decryptions.
-- Only sums of many ballots and the trustees' public files are stored; no
-- row names a member. `stage` is owned by src/ballots/tally/mod.rs
-- (TallyStage).
CREATE TABLE tallies (
    ballot_id TEXT PRIMARY KEY NOT NULL REFERENCES ballots(id),
    stage TEXT NOT NULL CHECK (stage IN ('awaiting_decryption', 'decrypted')),
    -- The votum-tally-input file (canonical JSON) the trustees decrypt.
    input TEXT NOT NULL,
    -- Its digest (base64url): the tally input fingerprint trustees compare.
    digest TEXT NOT NULL,
    -- How many ballots the sums hold (online and postal).
    ballots BIGINT NOT NULL,
    -- The decrypted counts (JSON, per question per option) once decrypted.
    counts TEXT,
    CHECK ((stage = 'decrypted') = (counts IS NOT NULL))
);

-- One trustee's checked partial decryption of a ballot's tally input.
CREATE TABLE tally_partials (
    trustee_id BIGINT PRIMARY KEY NOT NULL REFERENCES trustees(id),
    ballot_id TEXT NOT NULL REFERENCES tallies(ballot_id),
    -- The trustee's index in the ceremony's roster (1 …).
    trustee_index INTEGER NOT NULL,
    -- The votum-partial-decryption file (canonical JSON).
    partial TEXT NOT NULL,
    UNIQUE (ballot_id, trustee_index)
);
