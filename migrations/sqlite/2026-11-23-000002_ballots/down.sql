DROP TABLE box_entries;
DROP TABLE ballot_boxes;
DROP TABLE credentials;
DROP TABLE electors;
DROP TABLE ballot_questions;
DROP TABLE ballots;
