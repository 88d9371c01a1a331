-- Disputes (PRODUCT §11): the sender opens one after delivery and before completion, or when a
-- picked-up parcel is still undelivered 72 hours after its deadline. It holds completion; the
-- other side answers within a window; both add messages and photos; an admin resolves it and
-- the escrow is settled once, as decided: a refund, a release, or a split, plus a protection
-- payout where protection was bought.
ALTER TABLE bookings DROP CONSTRAINT bookings_status_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_status_check CHECK (status IN ('pending', 'accepted',
    'declined', 'withdrawn', 'expired', 'closed', 'cancelled', 'picked_up', 'delivered',
    'completed', 'resolved'));

CREATE TABLE disputes (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id       uuid NOT NULL UNIQUE REFERENCES bookings (id),
    opened_by        uuid NOT NULL REFERENCES users (id),
    reason           text NOT NULL CHECK (reason IN ('not_delivered', 'damaged', 'wrong_item', 'other')),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    -- The other side answers by then; after it, an admin may decide without their answer.
    respond_by       timestamptz NOT NULL,
    responded_at     timestamptz,
    outcome          text CHECK (outcome IN ('refund', 'release', 'split')),
    -- The share of the price refunded to the sender (0 to 100), and the protection payout.
    sender_percent   integer CHECK (sender_percent BETWEEN 0 AND 100),
    payout_minor     bigint NOT NULL DEFAULT 0 CHECK (payout_minor >= 0),
    decided_by       uuid REFERENCES users (id),
    decided_at       timestamptz,
    decision_note    text NOT NULL DEFAULT '' CHECK (char_length(decision_note) <= 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'resolved') = (outcome IS NOT NULL))
);
CREATE INDEX disputes_open_idx ON disputes (created_at) WHERE status = 'open';

CREATE TABLE dispute_messages (
    id          bigserial PRIMARY KEY,
    dispute_id  uuid NOT NULL REFERENCES disputes (id),
    author_id   uuid NOT NULL REFERENCES users (id),
    body        text NOT NULL CHECK (char_length(body) <= 4000),
    image_file  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (body <> '' OR image_file IS NOT NULL)
);
CREATE INDEX dispute_messages_dispute_idx ON dispute_messages (dispute_id, id);

INSERT INTO settings (key, value) VALUES ('dispute_response_hours', '48'), ('not_delivered_hours', '72')
    ON CONFLICT (key) DO NOTHING;
