//! Wallets (PRODUCT §7): what a member does with their money. `top_up` brings money in by card
//! (the sandbox provider, or `stripe`), `withdrawals` takes it out through the admin payouts
//! queue, `statements` shows balances, history and receipts. The ledger rules are `money`'s.

pub mod receipts;
pub mod statements;
pub mod stripe;
pub mod top_up;
pub mod withdrawals;
