//! Conversations between a parcel's sender and a trip's traveler, as their two sides (and, when a
//! report involves one, admins) see them.

use crate::types::{ParcelId, TripId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A conversation's id.
pub type ConversationId = Uuid;

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub other_name: String,
    /// "Two novels · Paris → London, 12 Dec".
    pub about: String,
    /// The last message as shown to this member (masked before a booking is accepted).
    pub last_message: String,
    pub last_at: String,
    pub unread: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: i64,
    pub mine: bool,
    pub author: String,
    /// As shown: masked before a booking between the two is accepted.
    pub body: String,
    /// Something was masked in this message.
    pub masked: bool,
    pub image: Option<String>,
    pub at: String,
    /// "Seen 14:02" on this member's own messages the other side has read.
    pub seen: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub parcel: ParcelId,
    pub parcel_title: String,
    pub trip: TripId,
    pub route: String,
    pub other_id: UserId,
    pub other_name: String,
    pub messages: Vec<ChatMessage>,
    /// Contact details are masked until a booking between the two is accepted.
    pub masking: bool,
    /// The member may write (an admin reading a reported conversation may not).
    pub can_write: bool,
}

/// A reported message, on the admins' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    pub id: i64,
    pub conversation: ConversationId,
    pub message: String,
    pub author: String,
    pub reporter: String,
    pub reason: String,
    pub at: String,
}
