//! What the admin pages show that belongs to no single area: the dashboard, the ledger check,
//! the email outbox.

use crate::types::Money;
use serde::{Deserialize, Serialize};

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
    /// Deliveries overdue (picked up, 72 h past the deadline) and jobs that failed for good.
    pub overdue_deliveries: i64,
    pub failed_jobs: i64,
    pub reports_waiting: i64,
    pub disputes_open: i64,
    pub tickets_waiting: i64,
}

/// A delivery that did not happen, on the admins' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueItem {
    pub booking: crate::types::BookingId,
    pub tracking_no: String,
    pub title: String,
    pub route: String,
    pub sender: String,
    pub sender_email: String,
    pub traveler: String,
    pub traveler_email: String,
    pub deliver_by: String,
    pub flagged_at: String,
    pub held: Money,
}

/// A background job that failed every attempt (a dead letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedJobItem {
    pub id: i64,
    /// What the job does, in words.
    pub what: String,
    pub payload: String,
    pub attempts: i32,
    pub last_error: String,
    pub failed_at: String,
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
pub struct LedgerCheck {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerReport {
    pub checks: Vec<LedgerCheck>,
    pub system: Vec<(String, Money)>,
    pub at: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditItem {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// The values before and after, as JSON.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A member in the admins' search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub id: crate::types::UserId,
    pub name: String,
    pub email: String,
    pub role: crate::types::Role,
    /// "Active", "Suspended until …", "Banned".
    pub standing: String,
    pub joined: String,
}

/// A past moderation decision about a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationEntry {
    pub at: String,
    pub action: String,
    pub by: String,
    pub reason: String,
}

/// Everything an admin sees about one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAdmin {
    pub member: MemberRow,
    pub email_verified: bool,
    pub id_verified: bool,
    /// Logs in with a two-factor code.
    pub two_factor: bool,
    pub banned: bool,
    pub sessions: Vec<crate::types::accounts::SessionInfo>,
    pub bookings: Vec<crate::types::bookings::BookingSummary>,
    pub balances: Vec<crate::types::wallet::Balance>,
    pub history: Vec<ModerationEntry>,
    /// The viewer is this member (no role change or moderation of oneself).
    pub is_me: bool,
}

/// One series of the dashboard over its days: a count, or money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    /// Money in this currency (the points are minor units); a count when `None`.
    pub currency: Option<crate::types::Currency>,
    /// One value per day of `Charts::days`.
    pub points: Vec<i64>,
    /// A balance through time (summed as "now"), not a per-day count.
    pub balance: bool,
}

/// The dashboard's charts: the last 30 or 90 days (UTC), one point a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charts {
    pub span: i64,
    /// "23 Nov", one per day, oldest first.
    pub days: Vec<String>,
    pub charts: Vec<Chart>,
    /// The bookings funnel over the span: (stage, count), requested → completed.
    pub funnel: Vec<(String, i64)>,
}

/// An email in the admins' outbox (production too): who, what, and how sending went. The body is
/// not shown: it may hold a sign-in or password-reset link meant for the member alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub kind: String,
    pub created_at: String,
    /// "Sent", "Waiting", "Retrying" or "Failed".
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
    pub can_retry: bool,
}

/// A setting as the admins' editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingItem {
    pub key: String,
    pub label: String,
    pub value: i64,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

/// One entry of a ledger transaction, on a named account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryItem {
    /// "Wallet of Ann", "Escrow of CR-7K2M9Q", "Fees", "Protection pool" …
    pub account: String,
    pub amount: Money,
}

/// A ledger transaction with its entries (they sum to zero per currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxItem {
    pub id: i64,
    pub kind: String,
    pub at: String,
    pub memo: String,
    pub booking: Option<crate::types::BookingId>,
    pub entries: Vec<EntryItem>,
}

/// A booking as the admins' inspector shows it: who, what, its timeline and its money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingInspect {
    pub id: crate::types::BookingId,
    pub tracking_no: String,
    pub parcel_title: String,
    pub route: String,
    pub sender: (crate::types::UserId, String),
    pub traveler: (crate::types::UserId, String),
    pub status: crate::types::BookingStatus,
    pub price: Money,
    pub held: Money,
    pub events: Vec<crate::types::bookings::BookingEvent>,
    pub transactions: Vec<TxItem>,
    pub dispute: Option<uuid::Uuid>,
}

/// A risk rule as the settings editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRuleItem {
    pub code: String,
    pub label: String,
    pub points: i32,
    /// The rule's threshold, where it has one (grams, cents, days or a ratio, as its label says).
    pub param: Option<i64>,
    pub enabled: bool,
}

/// The lists the risk check reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskLists {
    pub rules: Vec<RiskRuleItem>,
    pub keywords: Vec<String>,
    /// (code, name)
    pub countries: Vec<(String, String)>,
}
