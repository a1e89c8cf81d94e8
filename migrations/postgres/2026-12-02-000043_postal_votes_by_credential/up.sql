-- SQLite only: postal_votes stored by credential (WITHOUT ROWID). On
-- PostgreSQL closing a ballot rewrites its postal votes in key order
-- (ballots::setup::rewrite_credentials).
SELECT 1;
