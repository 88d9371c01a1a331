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
    /// The home city as a place's label (chosen from the suggestions).
    pub home_city: String,
    pub email: String,
    pub email_verified: bool,
    /// ISO 639-1 codes, from `LANGUAGES`.
    pub languages: Vec<String>,
    /// E.164 ("+33612345678"), shown to the other side of an accepted booking.
    pub phone: String,
    /// The avatar at 160 px, when there is one.
    pub avatar: Option<String>,
}

/// The languages a profile may list: ISO 639-1 code and name.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", crate::i18n::key("English")),
    ("fr", crate::i18n::key("French")),
    ("es", crate::i18n::key("Spanish")),
    ("pt", crate::i18n::key("Portuguese")),
    ("de", crate::i18n::key("German")),
    ("it", crate::i18n::key("Italian")),
    ("nl", crate::i18n::key("Dutch")),
    ("ar", crate::i18n::key("Arabic")),
    ("zh", crate::i18n::key("Chinese")),
    ("hi", crate::i18n::key("Hindi")),
    ("bn", crate::i18n::key("Bengali")),
    ("ur", crate::i18n::key("Urdu")),
    ("fa", crate::i18n::key("Persian")),
    ("ru", crate::i18n::key("Russian")),
    ("uk", crate::i18n::key("Ukrainian")),
    ("pl", crate::i18n::key("Polish")),
    ("ro", crate::i18n::key("Romanian")),
    ("el", crate::i18n::key("Greek")),
    ("tr", crate::i18n::key("Turkish")),
    ("ja", crate::i18n::key("Japanese")),
    ("ko", crate::i18n::key("Korean")),
    ("vi", crate::i18n::key("Vietnamese")),
    ("th", crate::i18n::key("Thai")),
    ("id", crate::i18n::key("Indonesian")),
    ("sw", crate::i18n::key("Swahili")),
    ("am", crate::i18n::key("Amharic")),
    ("yo", crate::i18n::key("Yoruba")),
    ("ha", crate::i18n::key("Hausa")),
    ("ig", crate::i18n::key("Igbo")),
    ("wo", crate::i18n::key("Wolof")),
];

/// A language's name from its code, in the reader's language.
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| crate::i18n::tr(n))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProfile {
    pub id: UserId,
    pub display_name: String,
    pub bio: String,
    pub home_city: String,
    /// Language names.
    pub languages: Vec<String>,
    /// The avatar at 400 px, when there is one.
    pub avatar: Option<String>,
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

/// A rating stored ×100 as it is shown, to one decimal in the current locale: "4.5" (or "4,5")
/// from 450, "4.7" from 466.
pub fn rating_label(x100: Option<i32>) -> Option<String> {
    x100.map(|r| {
        let tenths = (i64::from(r) + 5).div_euclid(10);
        let mark = match crate::i18n::current() {
            crate::i18n::Locale::En => '.',
            crate::i18n::Locale::Fr => ',',
        };
        format!("{}{mark}{}", tenths.div_euclid(10), tenths.rem_euclid(10))
    })
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

/// Two-factor login as the security page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorState {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    /// While enrolling: the key to type into an app, its `otpauth:` address, and that address
    /// as a QR code (SVG markup made on the server from the address alone).
    pub key: Option<String>,
    pub otpauth_url: Option<String>,
    pub qr_svg: Option<String>,
    /// Recovery codes just made, shown this once.
    pub new_recovery_codes: Option<Vec<String>>,
}

/// What a personal API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenScope {
    /// Read the member's data and the marketplace.
    Read,
    /// Create, change and answer: listings, bookings, messages.
    Write,
}

impl TokenScope {
    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        match s {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// A personal API token as its owner sees it in the list (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: Uuid,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub scopes: Vec<TokenScope>,
    pub created: String,
    pub expires: Option<String>,
    pub last_used: Option<String>,
    pub expired: bool,
}

/// The token page: the member's tokens, and a token just made, shown this once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokens {
    pub tokens: Vec<ApiTokenInfo>,
    pub new_token: Option<String>,
}

/// A copy of a member's data they asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataExport {
    pub id: Uuid,
    pub requested: String,
    /// When it was made (absent while the job makes it).
    pub ready: Option<String>,
    /// Until when it can be downloaded.
    pub expires: Option<String>,
    pub expired: bool,
}

/// What the privacy page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Privacy {
    pub exports: Vec<DataExport>,
    /// Why the account cannot be deleted now, if it cannot.
    pub cannot_delete: Option<String>,
    /// Money left in the wallet, which stays with the anonymised account ("12.00 EUR").
    pub balances_left: Vec<String>,
}
