DROP TABLE consents;
DROP TABLE bank_accounts;
DROP TABLE email_confirmations;
DROP TABLE member_changes;
