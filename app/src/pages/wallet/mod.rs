//! Wallet pages: balances, top-ups, withdrawals and history (`overview`), receipts (`receipt`).

pub mod overview;
pub mod receipt;
