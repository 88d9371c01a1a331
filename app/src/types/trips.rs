//! Trips as the pages show them, and the trip form as typed.

use crate::types::accounts::UserBrief;
use crate::types::{Category, Mode, Money, TicketStatus, TripId, TripStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripCard {
    pub id: TripId,
    pub origin: String,
    pub destination: String,
    pub departs: String,
    pub arrives: String,
    pub mode: Mode,
    pub remaining: String,
    pub capacity: String,
    pub price_per_kg: Money,
    pub categories: Vec<Category>,
    pub status: TripStatus,
    pub traveler: UserBrief,
}

/// A trip page: the card plus what its owner may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripDetail {
    pub card: TripCard,
    pub notes: String,
    pub stopovers: Vec<String>,
    pub distance_km: i32,
    pub is_owner: bool,
    /// Route and dates are fixed once a booking is accepted.
    pub route_locked: bool,
    /// Values for the edit form (local times, in each place's zone).
    pub form: TripForm,
    /// The owner's view of their ticket.
    pub ticket_status: Option<TicketStatus>,
}

/// What the trip form holds, as typed (fields left out of a post are empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TripForm {
    pub origin: String,
    pub destination: String,
    pub stopovers: String,
    pub departs_at: String,
    pub arrives_at: String,
    pub mode: String,
    pub capacity_kg: String,
    pub price_per_kg: String,
    pub currency: String,
    pub categories: Vec<String>,
    pub notes: String,
}
