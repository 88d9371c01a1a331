//! What the wallet, admin money pages, handoff and tracking pages show (shared with the browser).

use crate::market::Money;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub available: Money,
    /// Paid by this user for bookings not yet completed.
    pub in_escrow: Money,
    /// Withdrawals waiting for an admin.
    pub pending_withdrawals: Money,
    /// Prices of bookings this user carries, held in escrow until delivery is confirmed.
    pub incoming: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletView {
    pub balances: Vec<Balance>,
    pub id_verification: VerificationState,
    /// "sandbox" or "stripe".
    pub provider: String,
    pub withdrawal_min_units: i64,
    pub withdrawals: Vec<WithdrawalItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub at: String,
    pub what: String,
    /// Signed: money in is positive.
    pub amount: Money,
    pub booking_id: Option<Uuid>,
    /// A link to the printable receipt, when this line has one.
    pub receipt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub items: Vec<HistoryItem>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// "Payment" or "Payout".
    pub kind: String,
    pub number: String,
    pub at: String,
    pub name: String,
    pub email: String,
    pub amount: Money,
    pub status: String,
    /// Card, bank account or mobile number, masked.
    pub method: String,
    pub lines: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalItem {
    pub id: Uuid,
    pub user_name: String,
    pub user_email: String,
    pub amount: Money,
    pub method: String,
    pub destination: String,
    pub status: String,
    pub reason: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationState {
    None,
    Pending,
    Approved,
    Rejected(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationItem {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_name: String,
    pub user_email: String,
    pub at: String,
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

/// What a sender pays on top of the price, as the settings say now (shown by request forms).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingTerms {
    /// "a 10% service fee (at least 1.00)"
    pub fee: String,
    /// "3% of the declared value covers loss or damage (up to 1,000)"
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
    /// Shown to the sender when they are the recipient.
    pub delivery_code: Option<String>,
    pub delivery_qr: Option<String>,
    /// Where the delivery code was sent, when the recipient is someone else.
    pub delivery_code_sent_to: Option<String>,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingView {
    pub number: String,
    pub route: String,
    pub status: crate::market::BookingStatus,
    pub events: Vec<(String, String)>,
}
