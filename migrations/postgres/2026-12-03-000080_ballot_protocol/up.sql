-- The protocol of a record-version-2 ballot (docs/election-record.md):
-- 'signed' (choices in clear, signed by the credential) or 'encrypted'
-- (choices encrypted for the trustees). Ballots already created keep
-- 'signed'; new ballots without a ranked question are 'encrypted'. Only
-- src/ballots/protocol.rs reads this column.
ALTER TABLE ballots ADD COLUMN protocol TEXT NOT NULL DEFAULT 'signed'
    CHECK (protocol IN ('signed', 'encrypted'));
