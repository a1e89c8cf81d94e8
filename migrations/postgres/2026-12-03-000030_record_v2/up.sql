-- Election record version 2 (protocol "signed"). Ballots created from now
-- on write version 2; existing ballots keep version 1.
ALTER TABLE ballots ADD COLUMN record_version INTEGER NOT NULL DEFAULT 1;
-- Fixed when two officers confirm the opening: the election object
-- (canonical JSON), its fingerprint, and the lot seed (sealed; only its
-- commitment is in the election object until the tally reveals it).
ALTER TABLE ballots ADD COLUMN election TEXT;
ALTER TABLE ballots ADD COLUMN fingerprint TEXT;
ALTER TABLE ballots ADD COLUMN lot_seed_sealed TEXT;
-- A postal entry is signed by the credential of the slip's code and
-- belongs to a batch (the officer_acts row of its enter_postal_votes act);
-- only entries of confirmed batches count.
ALTER TABLE postal_votes ADD COLUMN batch BIGINT;
ALTER TABLE postal_votes ADD COLUMN signature TEXT;
-- What the record states about a confirmed act besides officers and time:
-- its place in the order of confirmations and, for some acts, a count.
CREATE TABLE act_details (
    act_id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    seq BIGINT NOT NULL,
    count BIGINT
);
CREATE UNIQUE INDEX act_details_seq ON act_details(ballot_id, seq);
-- Letter runs and postal batches are four-eyes acts. The act list is the
-- whole list of ballot protocol v2 (plan, decision 6).
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_act_check;
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_act_check
    CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential',
        'issue_credentials', 'import_credentials', 'enter_postal_votes'));
