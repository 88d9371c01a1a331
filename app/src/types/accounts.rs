//! Accounts as the pages see them: who is logged in, sessions, profiles, ID verification.

use crate::types::{Role, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The logged-in user, as the pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub email_verified: bool,
    /// The time zone the member's browser last reported (IANA name), if any.
    pub time_zone: Option<String>,
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
    pub id: UserId,
    pub display_name: String,
    pub bio: String,
    pub home_city: String,
    pub member_since: String,
    pub email_verified: bool,
    pub id_verified: bool,
    /// Ratings, reviews and the record, per role.
    pub reputation: crate::types::reviews::Reputation,
    /// The viewer is this member (no "Report" on one's own profile).
    pub is_me: bool,
}

/// A member as listings and bookings show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBrief {
    pub id: UserId,
    pub display_name: String,
    pub email_verified: bool,
    /// An admin checked their ID document (the "ID verified" badge).
    pub id_verified: bool,
    pub rating: Option<String>,
    pub completed_deliveries: i32,
}

/// A rating stored ×100 as it is shown: "4.5" from 450.
pub fn rating_label(x100: Option<i32>) -> Option<String> {
    x100.map(|r| format!("{:.1}", f64::from(r) / 100.0))
}

/// Where a member's ID verification stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationState {
    None,
    Pending,
    Approved,
    Rejected(String),
}

/// An ID check waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationItem {
    pub id: Uuid,
    pub user_id: UserId,
    pub user_name: String,
    pub user_email: String,
    pub at: String,
}
