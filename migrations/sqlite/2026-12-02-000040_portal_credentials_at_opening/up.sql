-- Portal credentials are made when a ballot opens, all at once, from a
-- per-ballot key (sealed like the box key), so that showing a member their
-- code writes nothing that could pair them with a credential. The key is
-- erased (set to NULL) when the ballot closes.
ALTER TABLE ballots ADD COLUMN portal_key_sealed TEXT;
