//! Disputes as the pages see them (PRODUCT §11).

use crate::types::{BookingId, DisputeOutcome, DisputeReason, Money};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeMessage {
    pub author: String,
    /// "Sender", "Traveler" or "Carry".
    pub role: String,
    pub body: String,
    pub image: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeView {
    pub id: Uuid,
    pub booking: BookingId,
    pub parcel_title: String,
    pub sender: String,
    pub traveler: String,
    pub reason: DisputeReason,
    pub open: bool,
    pub opened_at: String,
    /// The other side answers by then.
    pub respond_by: String,
    pub responded: bool,
    pub messages: Vec<DisputeMessage>,
    /// How it was settled, in words, once resolved.
    pub outcome: Option<String>,
    pub can_write: bool,
    /// For an admin: the decision is possible now (the traveler answered, or the window closed).
    pub can_decide: bool,
    /// For an admin: what the escrow holds and the largest protection payout allowed.
    pub price: Money,
    pub held: Money,
    pub max_payout: Money,
    /// For an admin: the two sides' conversation, readable because of the dispute (audited).
    pub conversation: Option<Uuid>,
}

/// A booking's dispute as one of its sides sees it: whether one may be opened, or the dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeState {
    pub can_open: bool,
    pub dispute: Option<DisputeView>,
}

/// A line of the admin's disputes console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeItem {
    pub id: Uuid,
    pub booking: BookingId,
    pub parcel_title: String,
    pub reason: DisputeReason,
    pub open: bool,
    pub opened_at: String,
    pub respond_by: String,
    pub responded: bool,
    pub outcome: Option<DisputeOutcome>,
    pub held: Money,
}
