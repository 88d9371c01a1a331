-- Privacy (PRODUCT §13): a member downloads all their data, and can delete their account
-- (personal data erased or anonymised; money records, receipts and reviews stay, attached to the
-- anonymised account).

ALTER TABLE users DROP CONSTRAINT users_status_check;
ALTER TABLE users ADD CONSTRAINT users_status_check
    CHECK (status IN ('active', 'suspended', 'banned', 'deleted'));
ALTER TABLE users ADD COLUMN deleted_at timestamptz;

-- "Download my data": made by the job queue, downloadable by its owner for a week.
CREATE TABLE data_exports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL DEFAULT now(),
    ready_at     timestamptz,
    content      jsonb,
    expires_at   timestamptz,
    CHECK ((ready_at IS NULL) = (content IS NULL))
);
CREATE INDEX data_exports_user_idx ON data_exports (user_id, requested_at DESC);
