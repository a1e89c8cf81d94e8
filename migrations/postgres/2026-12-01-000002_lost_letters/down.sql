DELETE FROM officer_acts WHERE act = 'reissue_credential';
DROP INDEX officer_acts_pending;
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act) WHERE confirmed_by IS NULL;
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_member_check;
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_act_check;
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_act_check
    CHECK (act IN ('open', 'close', 'tally', 'publish'));
ALTER TABLE officer_acts DROP COLUMN member_id;
DROP INDEX credentials_reissue;
ALTER TABLE credentials DROP COLUMN reissue_tag;
