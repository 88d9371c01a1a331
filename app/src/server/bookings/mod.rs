//! Bookings (PRODUCT §6): one parcel on one trip. `store` holds the row, the lock chain, the one
//! `set_status` and the timeline; `rules` the pure rules; `negotiate` requests, offers, counters
//! and acceptance; `codes` the handoff codes; `handoff` pickup and delivery; `end` every way a
//! booking ends; `overdue` deliveries that do not happen; `view` what its two sides and the
//! tracking page see; `withdraw` what moderation ends (a removed listing, a banned member).

pub mod codes;
pub mod end;
pub mod handoff;
pub mod home;
pub mod negotiate;
pub mod overdue;
pub mod rules;
pub mod store;
pub mod view;
pub mod withdraw;
