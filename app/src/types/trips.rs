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
    /// An admin checked the traveler's ticket or boarding pass for this trip.
    pub confirmed_traveler: bool,
    pub traveler: UserBrief,
}

/// A submitted ticket in the admins' queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketItem {
    pub trip: TripId,
    pub route: String,
    pub departs: String,
    pub traveler_id: crate::types::UserId,
    pub traveler_name: String,
    pub uploaded: String,
    pub pdf: bool,
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
