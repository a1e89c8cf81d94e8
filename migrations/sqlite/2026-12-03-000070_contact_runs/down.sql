DROP TABLE contact_runs;
