//! Trips (PRODUCT §3): what a traveler offers. `store` holds the row, its reads and its lock;
//! `form` the rules of the form; `service` creating, editing, cancelling and reading;
//! `ticket` the private ticket for the confirmed-traveler badge.

pub mod form;
pub mod service;
pub mod store;
pub mod ticket;
