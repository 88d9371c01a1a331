//! Reviews and reputation as the pages see them (PRODUCT §10).

use serde::{Deserialize, Serialize};

/// One review as shown: stars and sub-scores are 1 to 5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub author: String,
    pub stars: i16,
    pub communication: Option<i16>,
    pub punctuality: Option<i16>,
    pub care: Option<i16>,
    pub comment: String,
    pub at: String,
}

/// The reviews of one booking as one of its sides sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingReviews {
    /// The other side's name (whom this member reviews).
    pub other_name: String,
    /// The member may still write their review.
    pub can_write: bool,
    /// When the window closes ("2026-12-01 10:30 UTC"), while the booking is completed.
    pub window_ends: Option<String>,
    pub mine: Option<ReviewView>,
    /// Shown once published (both reviewed, or the window closed).
    pub theirs: Option<ReviewView>,
    /// The other side has written theirs, still hidden.
    pub theirs_waiting: bool,
}

/// A member's reputation in one role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleReputation {
    /// "4.5", from the published reviews.
    pub rating: Option<String>,
    pub reviews_count: i64,
    pub communication: Option<String>,
    pub punctuality: Option<String>,
    pub care: Option<String>,
    pub completed: i64,
    /// "90%": deliveries made by the parcel's deadline (as a traveler).
    pub on_time_rate: Option<String>,
    /// Bookings this member cancelled after accepting.
    pub cancellations: i64,
    /// "80%" of the requests or offers this member was asked to answer.
    pub response_rate: Option<String>,
    /// "within 3 hours".
    pub response_time: Option<String>,
    pub reviews: Vec<ReviewView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reputation {
    pub as_traveler: RoleReputation,
    pub as_sender: RoleReputation,
}
