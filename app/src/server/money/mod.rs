//! Money (PRODUCT §7): the ledger and its invariant check, escrow, wallets with top-ups and
//! withdrawals, the Stripe Checkout provider, request idempotency, and ID verification.

pub mod escrow;
pub mod idem;
pub mod ledger;
pub mod stripe;
pub mod verification;
pub mod wallet;
