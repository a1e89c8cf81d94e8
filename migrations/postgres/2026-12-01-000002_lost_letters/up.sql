-- Lost letters: a letter credential carries a re-issue tag, an HMAC of the
-- ballot and the member under a key only the officers hold, so a lost
-- letter can be revoked and replaced without a stored member link.
ALTER TABLE credentials ADD COLUMN reissue_tag TEXT;
CREATE INDEX credentials_reissue ON credentials(ballot_id, reissue_tag);

-- Re-issuing is a four-eyes act about one member.
ALTER TABLE officer_acts ADD COLUMN member_id BIGINT REFERENCES members(id);
ALTER TABLE officer_acts DROP CONSTRAINT officer_acts_act_check;
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_act_check
    CHECK (act IN ('open', 'close', 'tally', 'publish', 'reissue_credential'));
ALTER TABLE officer_acts ADD CONSTRAINT officer_acts_member_check
    CHECK ((act = 'reissue_credential') = (member_id IS NOT NULL));
-- At most one open request per act, ballot and member.
DROP INDEX officer_acts_pending;
CREATE UNIQUE INDEX officer_acts_pending ON officer_acts(ballot_id, act, COALESCE(member_id, 0)) WHERE confirmed_by IS NULL;
