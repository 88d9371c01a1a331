//! The notification centre and the live events that keep open pages up to date.

use crate::types::chat::ConversationId;
use crate::types::NotificationKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// Where it leads (a path on the site), or empty.
    pub link: String,
    pub at: String,
    pub read: bool,
}

/// What the navigation shows: unread notifications and unread messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    pub notifications: i64,
    pub messages: i64,
}

/// Email on or off for one kind of notification (in-app is always on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    pub kind: NotificationKind,
    pub email: bool,
}

/// An event pushed to a member's open pages (through `/api/events`, from any server instance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A new message in one of the member's conversations.
    Message {
        conversation: ConversationId,
        id: i64,
    },
    /// The other side read the member's messages.
    Read { conversation: ConversationId },
    /// A new notification (or notifications were read elsewhere).
    Notification,
    /// The server may have missed events: fetch everything again.
    Resync,
}
