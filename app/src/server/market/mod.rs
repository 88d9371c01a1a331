//! The marketplace core: places, trips, parcels, risk screening, matching, bookings up to
//! acceptance, and the job queue that expires what nobody answered.

pub mod bookings;
pub mod handoff;
pub mod jobs;
pub mod localtime;
pub mod matching;
pub mod parcels;
pub mod photos;
pub mod places;
pub mod risk;
pub mod score;
pub mod settings;
pub mod trips;
