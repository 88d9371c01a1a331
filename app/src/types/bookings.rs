//! Bookings as their two sides see them: the negotiation, the money, the handoff, the timeline,
//! and the public tracking page.

use crate::types::accounts::UserBrief;
use crate::types::parcels::ParcelPrivate;
use crate::types::{BookingId, BookingStatus, Money, ParcelId, Side, TripId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingEvent {
    pub at: String,
    pub actor: String,
    pub what: String,
}

/// The other side's contact, shown once a booking is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSummary {
    pub id: BookingId,
    pub parcel_title: String,
    pub route: String,
    pub departs: String,
    pub price: Money,
    pub status: BookingStatus,
    /// The side of the user looking.
    pub my_side: Side,
    /// True when the booking waits for this user's answer.
    pub my_turn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetail {
    pub summary: BookingSummary,
    pub parcel_id: ParcelId,
    pub trip_id: TripId,
    pub weight: String,
    pub initiator: Side,
    pub counters: i32,
    pub max_counters: i32,
    pub expires: Option<String>,
    pub other: UserBrief,
    pub contact: Option<Contact>,
    pub private: Option<ParcelPrivate>,
    pub events: Vec<BookingEvent>,
    /// What this user may do now.
    pub can_accept: bool,
    pub can_decline: bool,
    pub can_counter: bool,
    pub can_withdraw: bool,
    pub money: BookingMoney,
    pub handoff: Option<Handoff>,
    /// The conversation of this parcel and trip, if one was opened.
    pub conversation: Option<crate::types::chat::ConversationId>,
}

/// What a sender pays on top of the price, as the settings say now (shown by request forms).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingTerms {
    /// "a 10% service fee (at least 1.00 EUR or the same in the booking's currency)"
    pub fee: String,
    /// "3% of the declared value covers loss or damage (up to 1,000.00 EUR or the same …)"
    pub protection: String,
}

/// The money side of a booking, as its two sides see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingMoney {
    pub price: Money,
    pub fee: Money,
    pub protection: Money,
    pub total: Money,
    pub held: Money,
    pub protected: bool,
    /// What the sender would get back if they cancelled now (sender, accepted bookings).
    pub cancel_refund: Option<Money>,
    /// Protection the sender could add (same currency as the declared value).
    pub protection_offer: Option<Money>,
}

/// The handoff panel of an accepted booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub tracking_no: Option<String>,
    /// Shown to the sender until pickup, with its QR code (an SVG).
    pub pickup_code: Option<String>,
    pub pickup_qr: Option<String>,
    /// Shown to the sender until delivery: theirs to give, or to forward to the recipient.
    pub delivery_code: Option<String>,
    pub delivery_qr: Option<String>,
    /// Who receives the parcel when it is not the sender, and how to pass the code on.
    pub recipient: Option<RecipientShare>,
    pub pickup_valid_until: Option<String>,
    pub delivery_valid_until: Option<String>,
    pub can_pick_up: bool,
    pub can_deliver: bool,
    pub can_confirm: bool,
    pub can_cancel: bool,
    /// A message when code entry is locked after wrong codes.
    pub locked: Option<String>,
    pub auto_complete_at: Option<String>,
    pub delivery_photo: Option<String>,
    /// Set when the delivery is overdue: what happens now, for both sides.
    pub overdue: Option<String>,
}

/// The recipient of a parcel sent to someone else: the sender forwards them the delivery code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientShare {
    pub name: String,
    pub phone: String,
    /// Empty when the recipient has no email (then only the sender can pass the code on).
    pub email: String,
    /// The message to forward: the code and the tracking link.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingView {
    pub number: String,
    pub route: String,
    pub status: BookingStatus,
    pub events: Vec<(String, String)>,
}

/// A signed-in member's home page: what is next for them and what waits for their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub next_trip: Option<crate::types::trips::TripCard>,
    pub next_parcel: Option<crate::types::parcels::ParcelCard>,
    pub waiting: Vec<BookingSummary>,
    /// How many more wait than are listed.
    pub more_waiting: usize,
}
