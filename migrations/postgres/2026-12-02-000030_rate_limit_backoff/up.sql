-- When a bucket was last hit: the progressive delay between login attempts
-- on one account counts from the latest failure.
ALTER TABLE rate_limits ADD COLUMN last_hit TIMESTAMP;
