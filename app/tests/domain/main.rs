//! The domain services against a real PostgreSQL: `#[sqlx::test]` gives every test a fresh
//! database. One test binary, a module per product area, one fixture kit (`support`, built on
//! `app::server::testkit`).

mod accounts;
mod bookings;
mod matching;
mod money;
mod parcels;
mod places;
mod support;
mod trips;
mod wallet;
