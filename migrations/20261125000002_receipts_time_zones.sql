-- Every ledger movement a member sees has a printable receipt, addressed by an id that does not
-- reveal how many transactions there are; and each member's time zone, learned from their
-- browser, so pages (with or without JavaScript) show times in it.
ALTER TABLE ledger_transactions
    ADD COLUMN receipt_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX ledger_transactions_receipt_idx ON ledger_transactions (receipt_id);

ALTER TABLE users
    ADD COLUMN time_zone text CHECK (char_length(time_zone) <= 64);
