//! Parcels (PRODUCT §4): what a sender sends. `store` holds the row, its reads, its lock and
//! its status moves; `form` the rules of the form; `service` creating, editing, cancelling and
//! reading; `risk` the score; `review` the admin queue; `photos` the pictures; `reward` the
//! suggested reward.

pub mod form;
pub mod photos;
pub mod review;
pub mod reward;
pub mod risk;
pub mod service;
pub mod store;
