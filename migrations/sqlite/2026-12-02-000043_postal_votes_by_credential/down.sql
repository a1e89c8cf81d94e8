CREATE TABLE postal_votes_old (
    ballot_id TEXT NOT NULL REFERENCES ballots(id),
    credential TEXT NOT NULL,
    choices TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('counted', 'void_used_online')),
    PRIMARY KEY (ballot_id, credential)
);
INSERT INTO postal_votes_old SELECT * FROM postal_votes;
DROP TABLE postal_votes;
ALTER TABLE postal_votes_old RENAME TO postal_votes;
