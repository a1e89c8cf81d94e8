-- Postal votes were a rowid table, stored in the order slips were
-- registered: that order could be lined up with the post's arrival or an
-- officer's work. Stored by credential (a random key) instead.
CREATE TABLE postal_votes_new (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    credential TEXT NOT NULL,
    choices TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('counted', 'void_used_online')),
    PRIMARY KEY (ballot_id, credential)
) WITHOUT ROWID;
INSERT INTO postal_votes_new SELECT ballot_id, credential, choices, status FROM postal_votes;
DROP TABLE postal_votes;
ALTER TABLE postal_votes_new RENAME TO postal_votes;
