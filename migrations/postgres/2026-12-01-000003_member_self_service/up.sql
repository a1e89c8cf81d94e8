-- Member self-service (issue 5): the history of changes to a member's
-- record, e-mail changes waiting for confirmation, bank details sealed at
-- rest, and consents with their wording version.

-- Every change to a member record: which field, old and new value, by whom.
CREATE TABLE member_changes (
    id BIGINT PRIMARY KEY NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    changed_at TIMESTAMP NOT NULL,
    actor_account_id BIGINT,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX member_changes_member ON member_changes(member_id, changed_at);

-- A new e-mail address waits here until the link mailed to it is opened;
-- only the SHA-256 of the link's token is stored.
CREATE TABLE email_confirmations (
    token_digest TEXT PRIMARY KEY NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    email TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX email_confirmations_member ON email_confirmations(member_id);

-- Bank details for dues, sealed (ChaCha20-Poly1305, key id in the value)
-- and bound to "bank:<member id>", so a row moved to another member does
-- not open. Only the masked IBAN (country, last four) is plain.
CREATE TABLE bank_accounts (
    member_id BIGINT PRIMARY KEY NOT NULL REFERENCES members(id),
    iban_masked TEXT NOT NULL,
    sealed TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- What a member agreed to, when, and to which wording; a withdrawal keeps
-- the row with its time.
CREATE TABLE consents (
    member_id BIGINT NOT NULL REFERENCES members(id),
    topic TEXT NOT NULL CHECK (topic IN ('directory', 'newsletter', 'public_office')),
    wording_version TEXT NOT NULL,
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    PRIMARY KEY (member_id, topic)
);
