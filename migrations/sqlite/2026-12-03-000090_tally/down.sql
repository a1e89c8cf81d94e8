DROP TABLE tally_partials;
DROP TABLE tallies;
