DROP TABLE postal_votes;
DROP TABLE ballot_results;
DROP TABLE officer_acts;
