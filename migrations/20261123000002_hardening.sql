-- Hardening: login attempts counted before the password is checked, rate limits that hold
-- across instances, a shared sealing key, failed jobs kept as failed, email sent outside the
-- claiming transaction with back-off, overdue deliveries flagged once.

-- An attempt is recorded (pending) before the password is verified, then settled as failed or
-- ok; a success erases no failure.
ALTER TABLE login_failures
    ADD COLUMN outcome text NOT NULL DEFAULT 'failed'
        CHECK (outcome IN ('pending', 'failed', 'ok'));

CREATE TABLE rate_limits (
    bucket text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rate_limits_bucket_idx ON rate_limits (bucket, at);

CREATE TABLE server_secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL CHECK (length(value) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A job that keeps failing stays failed (a dead letter) until an admin retries it.
ALTER TABLE jobs ADD COLUMN failed_at timestamptz;
UPDATE jobs SET failed_at = done_at, done_at = NULL
    WHERE done_at IS NOT NULL AND last_error IS NOT NULL AND attempts >= 10;
DROP INDEX jobs_due_idx;
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_failed_idx ON jobs (failed_at) WHERE failed_at IS NOT NULL;

ALTER TABLE email_outbox
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN claimed_until timestamptz;

ALTER TABLE bookings ADD COLUMN overdue_at timestamptz;
