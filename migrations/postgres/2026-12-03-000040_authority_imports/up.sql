-- A credential authority's file is imported as a four-eyes act. The act
-- list is the whole list of ballot protocol v2 (plan, decision 6), so
-- acts added by other migrations of the same release fit too.
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_act_check;
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_act_check
    CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential',
        'issue_credentials', 'import_credentials', 'enter_postal_votes'));

-- The public-credentials file staged by one officer until a second
-- confirms its import (the pending `import_credentials` act `act_id`).
-- Holds public credentials and re-issue tags only, never a code; the row
-- is deleted when the import is confirmed or refused.
CREATE TABLE credential_imports (
    act_id BIGINT PRIMARY KEY NOT NULL,
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    body TEXT NOT NULL
);
