DELETE FROM officer_acts WHERE act IN ('issue_credentials', 'import_credentials', 'enter_postal_votes');
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_act_check;
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_act_check
    CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential'));
DROP TABLE act_details;
ALTER TABLE postal_votes DROP COLUMN signature;
ALTER TABLE postal_votes DROP COLUMN batch;
ALTER TABLE ballots DROP COLUMN lot_seed_sealed;
ALTER TABLE ballots DROP COLUMN fingerprint;
ALTER TABLE ballots DROP COLUMN election;
ALTER TABLE ballots DROP COLUMN record_version;
