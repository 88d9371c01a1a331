//! The domain services against a real PostgreSQL: `#[sqlx::test]` gives every test a fresh
//! database. One test binary, a module per product area, one fixture kit (`support`, built on
//! `app::server::testkit`).
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)] // Tests unwrap (a failure is a failed test) and build test data freely.

mod accounts;
mod admin;
mod alerts;
mod bookings;
mod chat;
mod disputes;
mod handoff;
mod matching;
mod moderation;
mod money;
mod notifications;
mod operations;
mod parcels;
mod places;
mod privacy;
mod receipts;
mod reviews;
mod risk;
mod security;
mod support;
mod tickets;
mod translations;
mod trips;
mod wallet;
