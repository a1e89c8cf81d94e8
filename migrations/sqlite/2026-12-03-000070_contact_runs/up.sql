-- One row per "Mitglieder anschreiben" run, keyed by the digest of the
-- random token the form carried: a second submission of the same form
-- (double click, reload) finds its run and sends nothing again. The letters
-- PDF is kept for the sender to download from the result page, and dropped
-- after a day (see members::directory).
CREATE TABLE contact_runs (
    run_digest TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    sent_at TIMESTAMP NOT NULL,
    mails BIGINT NOT NULL,
    letters BIGINT NOT NULL,
    letters_pdf BLOB
);
