//! Search and matching (PRODUCT §5): `filters` holds the hard filters (SQL and Rust side by
//! side), `score` the pure match score, `rank` the best trips for a parcel and parcels for a
//! trip, `search` the paginated searches, `alerts` the saved searches that tell their owner
//! about new listings.

pub mod alerts;
pub mod filters;
pub mod rank;
pub mod score;
pub mod search;
