-- Sessions and audit entries are written when members sign in, around the
-- time they vote. As rowid tables they were stored in insertion order (a
-- BIGINT PRIMARY KEY is not SQLite's rowid alias): the order of logins was
-- readable from the file. Stored by their random key instead.
CREATE TABLE sessions_new (
    token_digest TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
INSERT INTO sessions_new SELECT token_digest, account_id, created_at, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE audit_log_new (
    id BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    member_id BIGINT,
    group_id BIGINT,
    detail TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO audit_log_new SELECT id, at, actor_account_id, action, member_id, group_id, detail FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_member ON audit_log(member_id);
