//! The money kernel (PRODUCT §7), shared ground of bookings, wallets and (later) disputes: the
//! double-entry ledger with its invariant check, a booking's escrow, and request idempotency.
//! What a member does with their money (top-ups, withdrawals, statements) is `wallet`.

pub mod escrow;
pub mod idem;
pub mod ledger;
