-- The trustees' key ceremony of a ballot (issue 11, ballot protocol v2):
-- the server only stores and relays the trustees' public files; no
-- trustee key ever reaches it. `stage` is owned by
-- src/ballots/trustees/ceremony.rs (CeremonyStage).
CREATE TABLE trustee_ceremonies (
    ballot_id TEXT PRIMARY KEY NOT NULL REFERENCES ballots(id),
    stage TEXT NOT NULL CHECK (stage IN ('setup', 'certificates', 'shares', 'verifications', 'complete')),
    -- The ceremony file (canonical JSON) once the officers started it.
    ceremony TEXT,
    -- The votum-trustee-keys file once every verification is in.
    keys TEXT,
    CHECK ((stage = 'setup') = (ceremony IS NULL)),
    CHECK ((stage = 'complete') = (keys IS NOT NULL))
);

-- One trustee of a ballot's ceremony: a person named by the officers (not
-- necessarily a member), reached by a secret link whose SHA-256 digest
-- alone is stored, and the files that trustee uploaded so far.
CREATE TABLE trustees (
    id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES trustee_ceremonies(ballot_id),
    name TEXT NOT NULL,
    email TEXT,
    token_digest TEXT NOT NULL UNIQUE,
    -- The order in which the officers added them (pages list them so).
    position INTEGER NOT NULL,
    certificate TEXT,
    bundle TEXT,
    verification TEXT,
    UNIQUE (ballot_id, position)
);
CREATE INDEX trustees_ballot ON trustees(ballot_id);
