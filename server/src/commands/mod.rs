//! The server binary's commands besides serving: migrations, admins, demo data, benchmarks and
//! the ledger check.

pub mod bench_alerts;
pub mod bench_chat;
pub mod bench_escrow;
pub mod cli;
pub mod demo;
