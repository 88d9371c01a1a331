-- Money (PRODUCT §6, §7): a double-entry ledger whose rules the database enforces at commit,
-- wallets, payments, withdrawals, ID verification, and the handoff of a booked parcel.

-- Accounts. A user's available balance per currency; one escrow account per booking; and one
-- system account per currency for platform fees, the protection pool, the payment provider
-- (money that came in from cards: its balance is negative), payouts pending, and payouts paid.
CREATE TABLE ledger_accounts (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('user', 'escrow', 'fees', 'protection',
        'provider', 'payouts_pending', 'payouts')),
    user_id       uuid REFERENCES users (id),
    booking_id    uuid REFERENCES bookings (id),
    currency      char(3) NOT NULL,
    -- Kept equal to the sum of the account's entries by the entry trigger below; code never
    -- writes it. Only the provider account (money from outside) may go below zero.
    balance_minor bigint NOT NULL DEFAULT 0 CHECK (kind = 'provider' OR balance_minor >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'user') = (user_id IS NOT NULL)),
    CHECK ((kind = 'escrow') = (booking_id IS NOT NULL)),
    UNIQUE (id, currency)
);
CREATE UNIQUE INDEX ledger_accounts_owner_idx
    ON ledger_accounts (kind, user_id, booking_id, currency) NULLS NOT DISTINCT;

-- A ledger transaction: two or more entries that sum to zero per currency.
CREATE TABLE ledger_transactions (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('top_up', 'hold', 'hold_return', 'release',
        'refund', 'withdrawal', 'payout_paid', 'payout_returned')),
    -- A retried request presents the same key and moves money once.
    idempotency_key text NOT NULL UNIQUE,
    booking_id      uuid REFERENCES bookings (id),
    user_id         uuid REFERENCES users (id),
    memo            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind IN ('hold', 'hold_return', 'release', 'refund')) = (booking_id IS NOT NULL))
);
-- A booking's escrow is settled (released to the traveler, or refunded) at most once.
CREATE UNIQUE INDEX ledger_settled_once ON ledger_transactions (booking_id)
    WHERE kind IN ('release', 'refund');
CREATE INDEX ledger_transactions_booking_idx ON ledger_transactions (booking_id);

CREATE TABLE ledger_entries (
    id             bigserial PRIMARY KEY,
    transaction_id bigint NOT NULL REFERENCES ledger_transactions (id),
    account_id     bigint NOT NULL,
    currency       char(3) NOT NULL,
    amount_minor   bigint NOT NULL CHECK (amount_minor <> 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- An entry is in its account's currency.
    FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
);
CREATE INDEX ledger_entries_tx_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id DESC);

-- Each entry moves its account's balance (the row lock it takes is already held: the service
-- locks every account of a transaction first, in id order).
CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts SET balance_minor = balance_minor + NEW.amount_minor
    WHERE id = NEW.account_id;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_apply_entry AFTER INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();

-- At commit: every transaction has at least two entries, and they sum to zero per currency.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        t := NEW.transaction_id;
    ELSE
        t := NEW.id;
    END IF;
    IF (SELECT count(*) FROM ledger_entries WHERE transaction_id = t) < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has fewer than two entries', t
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_entries WHERE transaction_id = t
               GROUP BY currency HAVING sum(amount_minor) <> 0) THEN
        RAISE EXCEPTION 'ledger transaction % does not balance', t
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- Entries and transactions are never edited or deleted; a mistake is corrected by a new one.
CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_immutable();

-- A money-moving request's key and its first answer: a retry gets the same answer.
CREATE TABLE idempotency_keys (
    user_id    uuid NOT NULL REFERENCES users (id),
    key        text NOT NULL CHECK (length(key) BETWEEN 8 AND 100),
    scope      text NOT NULL,
    result     jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Card payments into a wallet.
CREATE TABLE payments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users (id),
    provider      text NOT NULL CHECK (provider IN ('sandbox', 'stripe')),
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    currency      char(3) NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined')),
    provider_ref  text UNIQUE,
    card_last4    text,
    failure       text,
    ledger_tx_id  bigint REFERENCES ledger_transactions (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    settled_at    timestamptz,
    CHECK ((status = 'succeeded') = (ledger_tx_id IS NOT NULL))
);
CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC);

-- Stripe webhook events already handled (a delivery repeated is ignored).
CREATE TABLE webhook_events (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- ID verification (PRODUCT §1): an ID document photo and a selfie, checked by an admin.
ALTER TABLE users ADD COLUMN id_verified_at timestamptz;
CREATE TABLE id_verifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reason      text,
    reviewed_by uuid REFERENCES users (id),
    reviewed_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX id_verifications_one_pending ON id_verifications (user_id)
    WHERE status = 'pending';
CREATE INDEX id_verifications_queue_idx ON id_verifications (created_at) WHERE status = 'pending';

-- Withdrawals to a bank account or a mobile-money number.
CREATE TABLE withdrawals (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency     char(3) NOT NULL,
    method       text NOT NULL CHECK (method IN ('iban', 'mobile')),
    destination  text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'rejected')),
    reason       text,
    reviewed_by  uuid REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz
);
CREATE INDEX withdrawals_user_idx ON withdrawals (user_id, created_at DESC);
CREATE INDEX withdrawals_queue_idx ON withdrawals (created_at) WHERE status = 'pending';

-- What the sender pays for a booking, fixed when they commit to a price, and the handoff.
ALTER TABLE bookings
    ADD COLUMN fee_minor bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    ADD COLUMN protection_minor bigint NOT NULL DEFAULT 0 CHECK (protection_minor >= 0),
    ADD COLUMN protected boolean NOT NULL DEFAULT false,
    ADD COLUMN tracking_no text UNIQUE,
    ADD COLUMN picked_up_at timestamptz,
    ADD COLUMN delivered_at timestamptz,
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN delivery_photo text,
    ADD COLUMN inspection jsonb;

-- The two 6-digit codes of an accepted booking.
CREATE TABLE handoff_codes (
    booking_id      uuid NOT NULL REFERENCES bookings (id),
    kind            text NOT NULL CHECK (kind IN ('pickup', 'delivery')),
    code            char(6) NOT NULL,
    valid_until     timestamptz NOT NULL,
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    used_at         timestamptz,
    PRIMARY KEY (booking_id, kind)
);

INSERT INTO settings (key, value) VALUES
    ('service_fee_bps', '1000'),
    ('service_fee_min_units', '1'),
    ('protection_bps', '300'),
    ('protection_max_units', '1000'),
    ('withdrawal_min_units', '10'),
    ('completion_hours', '72'),
    ('id_required_carry_units', '200'),
    ('id_required_send_units', '500')
ON CONFLICT (key) DO NOTHING;
