//! Plain data shared by the server and the browser. Nothing server-only here.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Role {
        if s == "admin" {
            Role::Admin
        } else {
            Role::User
        }
    }
}

/// The logged-in user, as the pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub email_verified: bool,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: Uuid,
    pub device: String,
    pub ip: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub display_name: String,
    pub bio: String,
    pub home_city: String,
    pub email: String,
    pub email_verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProfile {
    pub id: Uuid,
    pub display_name: String,
    pub bio: String,
    pub home_city: String,
    pub member_since: String,
    pub email_verified: bool,
    pub id_verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub kind: String,
    pub created_at: String,
    pub sent: bool,
}

impl OutboxEmail {
    /// The first link in the body, shown as a button on the development outbox page.
    pub fn link(&self) -> Option<String> {
        self.body_text
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_string)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub users_total: i64,
    pub users_verified: i64,
    pub admins: i64,
    pub signups_last_7_days: i64,
    pub active_sessions: i64,
    /// Work waiting for an admin.
    pub parcels_in_review: i64,
    pub id_checks_waiting: i64,
    pub payouts_waiting: i64,
}
