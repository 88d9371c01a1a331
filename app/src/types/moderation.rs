//! Reports and moderation decisions as the pages see them (PRODUCT §11).

use crate::types::{ReportReason, ReportSubject, UserId};
use serde::{Deserialize, Serialize};

/// An open report on the admins' queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    pub id: i64,
    pub at: String,
    pub reporter: String,
    pub member: UserId,
    pub member_name: String,
    /// "Active", "Suspended until …", "Banned".
    pub member_status: String,
    pub subject: ReportSubject,
    /// What was reported, in words ("Paris → Lyon, 12 Dec", a parcel's title, the member).
    pub subject_title: String,
    /// Where to see it.
    pub subject_link: String,
    pub reason: ReportReason,
    pub note: String,
    /// Earlier decided reports about the same member that were not dismissed.
    pub upheld_before: i64,
}
