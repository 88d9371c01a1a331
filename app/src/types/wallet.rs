//! What the wallet pages show: balances, history, receipts and withdrawals.

use crate::types::accounts::VerificationState;
use crate::types::{BookingId, Money, PayoutMethod, WithdrawalStatus};
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
    /// The smallest withdrawal in each currency the user holds.
    pub withdrawal_minimums: Vec<Money>,
    pub withdrawals: Vec<WithdrawalItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub at: String,
    pub what: String,
    /// Signed: money in is positive.
    pub amount: Money,
    pub booking_id: Option<BookingId>,
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
    /// The platform that issues it: name, address, a note.
    pub issuer: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalItem {
    pub id: Uuid,
    pub user_name: String,
    pub user_email: String,
    pub amount: Money,
    pub method: PayoutMethod,
    pub destination: String,
    pub status: WithdrawalStatus,
    pub reason: Option<String>,
    pub at: String,
}

/// What the top-up form sends, as typed (the card fields only for the sandbox provider).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardForm {
    pub amount: String,
    pub currency: String,
    pub number: String,
    pub expiry: String,
    pub cvc: String,
}
