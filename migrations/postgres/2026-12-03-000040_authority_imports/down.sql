DROP TABLE credential_imports;
DELETE FROM officer_acts WHERE act NOT IN ('open', 'close', 'tally', 'publish', 'reissue_credential');
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_act_check;
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_act_check
    CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential'));
