//! The marketplace's words, shared by the server and the browser: money, categories, transport
//! modes, statuses and the data the pages show. Plain serde types; nothing server-only.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Currencies the marketplace accepts, with their minor-unit exponent (ISO 4217).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
    Chf,
    Cad,
    Aed,
    Mad,
    Ngn,
    Kes,
    Ghs,
    Inr,
    Xof,
}

impl Currency {
    pub const ALL: [Currency; 12] = [
        Currency::Eur,
        Currency::Usd,
        Currency::Gbp,
        Currency::Chf,
        Currency::Cad,
        Currency::Aed,
        Currency::Mad,
        Currency::Ngn,
        Currency::Kes,
        Currency::Ghs,
        Currency::Inr,
        Currency::Xof,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
            Currency::Cad => "CAD",
            Currency::Aed => "AED",
            Currency::Mad => "MAD",
            Currency::Ngn => "NGN",
            Currency::Kes => "KES",
            Currency::Ghs => "GHS",
            Currency::Inr => "INR",
            Currency::Xof => "XOF",
        }
    }

    /// Digits after the decimal point (XOF has none).
    pub fn exponent(self) -> u32 {
        match self {
            Currency::Xof => 0,
            _ => 2,
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        Currency::ALL.into_iter().find(|c| c.code() == code)
    }

    /// How many minor units make one major unit (100 cents in a euro).
    pub fn unit(self) -> i64 {
        10i64.pow(self.exponent())
    }
}

/// An amount in a currency's minor unit (cents). Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses what a user types: "12", "12.5", "12.50", "1,234.50". At most the currency's
    /// number of decimals; no sign; no exponent.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, &'static str> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != ' ')
            .collect();
        if s.is_empty() {
            return Err("Enter an amount.");
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s.as_str(), ""),
        };
        let digits_only = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty()
            || !digits_only(whole)
            || !digits_only(frac)
            || (s.contains('.') && frac.is_empty())
        {
            return Err("Enter an amount such as 12.50.");
        }
        let exp = currency.exponent() as usize;
        if frac.len() > exp {
            return Err(if exp == 0 {
                "This currency has no decimals."
            } else {
                "Use at most two decimals."
            });
        }
        if whole.len() > 9 {
            return Err("That amount is too large.");
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| "Enter an amount such as 12.50.")?
        };
        let mut frac_val: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| "Enter an amount such as 12.50.")?
        };
        for _ in frac.len()..exp {
            frac_val *= 10;
        }
        Ok(Money::new(whole * currency.unit() + frac_val, currency))
    }

    /// "12.50" (no currency code).
    pub fn amount(&self) -> String {
        let exp = self.currency.exponent();
        if exp == 0 {
            return group(self.minor);
        }
        let unit = self.currency.unit();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.abs();
        format!(
            "{sign}{}.{:0width$}",
            group(abs / unit),
            abs % unit,
            width = exp as usize
        )
    }

    /// The amount typed back into a form field ("12.50", no thousands separator).
    pub fn input_value(&self) -> String {
        self.amount().replace(',', "")
    }
}

fn group(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount(), self.currency.code())
    }
}

/// Weights are whole grams; users type kilograms ("1.5").
pub fn parse_kg(input: &str) -> Result<i32, &'static str> {
    let s = input.trim().replace(',', ".");
    if s.is_empty() {
        return Err("Enter a weight in kg.");
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let ok = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if !ok(whole)
        || !ok(frac)
        || frac.len() > 3
        || whole.len() > 4
        || (whole.is_empty() && frac.is_empty())
    {
        return Err("Enter a weight in kg, such as 1.5.");
    }
    let w: i32 = if whole.is_empty() {
        0
    } else {
        whole.parse().unwrap_or(0)
    };
    let mut f: i32 = if frac.is_empty() {
        0
    } else {
        frac.parse().unwrap_or(0)
    };
    for _ in frac.len()..3 {
        f *= 10;
    }
    Ok(w * 1000 + f)
}

/// "1.5 kg" from grams.
pub fn format_kg(grams: i32) -> String {
    let kg = grams / 1000;
    let rest = grams % 1000;
    if rest == 0 {
        format!("{kg} kg")
    } else {
        let frac = format!("{rest:03}");
        format!("{kg}.{} kg", frac.trim_end_matches('0'))
    }
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The word stored in the database and sent by forms.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// What users read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

word_enum!(
    /// What a parcel holds (PRODUCT §4); trips list the categories they accept.
    Category {
        Documents = "documents": "Documents",
        Clothing = "clothing": "Clothing",
        Electronics = "electronics": "Electronics",
        Cosmetics = "cosmetics": "Cosmetics",
        Medicine = "medicine": "Medicine",
        SealedFood = "sealed_food": "Sealed food",
        Books = "books": "Books",
        Gifts = "gifts": "Gifts",
        Other = "other": "Other",
    }
);

word_enum!(
    Mode {
        Plane = "plane": "Plane",
        Train = "train": "Train",
        Bus = "bus": "Bus",
        Car = "car": "Car",
        Ship = "ship": "Ship",
    }
);

word_enum!(
    TripStatus {
        Published = "published": "Published",
        Departed = "departed": "Departed",
        Completed = "completed": "Completed",
        Cancelled = "cancelled": "Cancelled",
        Expired = "expired": "Expired",
    }
);

word_enum!(
    ParcelStatus {
        InReview = "in_review": "In review",
        Open = "open": "Open",
        Booked = "booked": "Booked",
        PickedUp = "picked_up": "Picked up",
        Delivered = "delivered": "Delivered",
        Completed = "completed": "Completed",
        Cancelled = "cancelled": "Cancelled",
        Rejected = "rejected": "Rejected",
        Expired = "expired": "Expired",
    }
);

word_enum!(
    BookingStatus {
        Pending = "pending": "Waiting for an answer",
        Accepted = "accepted": "Accepted",
        Declined = "declined": "Declined",
        Withdrawn = "withdrawn": "Withdrawn",
        Expired = "expired": "Expired",
        Closed = "closed": "Closed",
        Cancelled = "cancelled": "Cancelled",
        PickedUp = "picked_up": "Picked up",
        Delivered = "delivered": "Delivered",
        Completed = "completed": "Completed",
    }
);

word_enum!(
    /// The two sides of a booking.
    Side {
        Sender = "sender": "Sender",
        Traveler = "traveler": "Traveler",
    }
);

impl ParcelStatus {
    /// Not booked yet: the sender may still edit it, change its photos or cancel it.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ParcelStatus::Open | ParcelStatus::InReview | ParcelStatus::Rejected
        )
    }
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Sender => Side::Traveler,
            Side::Traveler => Side::Sender,
        }
    }
}

/// One autocomplete suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceSuggestion {
    pub id: i32,
    pub label: String,
    pub airport: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBrief {
    pub id: Uuid,
    pub display_name: String,
    pub email_verified: bool,
    pub rating: Option<String>,
    pub completed_deliveries: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripCard {
    pub id: Uuid,
    pub origin: String,
    pub destination: String,
    pub departs: String,
    pub arrives: String,
    pub mode: Mode,
    pub remaining: String,
    pub capacity: String,
    pub price_per_kg: Money,
    pub categories: Vec<Category>,
    pub status: TripStatus,
    pub traveler: UserBrief,
}

/// A trip page: the card plus what its owner may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripDetail {
    pub card: TripCard,
    pub notes: String,
    pub stopovers: Vec<String>,
    pub distance_km: i32,
    pub is_owner: bool,
    /// Route and dates are fixed once a booking is accepted.
    pub route_locked: bool,
    /// Values for the edit form (local times, in each place's zone).
    pub form: TripForm,
    /// The owner's view of their ticket: "none", "submitted", "confirmed" or "rejected".
    pub ticket_status: Option<String>,
}

/// What the trip form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripForm {
    pub origin: String,
    pub destination: String,
    pub stopovers: String,
    pub departs_at: String,
    pub arrives_at: String,
    pub mode: String,
    pub capacity_kg: String,
    pub price_per_kg: String,
    pub currency: String,
    pub categories: Vec<String>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelCard {
    pub id: Uuid,
    pub title: String,
    pub category: Category,
    pub weight: String,
    pub weight_g: i32,
    pub from: String,
    pub to: String,
    pub ready_from: String,
    pub deliver_by: String,
    pub reward: Money,
    pub status: ParcelStatus,
    pub thumbnail: Option<String>,
    pub sender: UserBrief,
}

/// Private parcel data: shown to the sender, and to the traveler once a booking is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelPrivate {
    pub pickup_address: String,
    pub delivery_address: String,
    pub recipient: String,
    pub recipient_contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskPart {
    pub label: String,
    pub points: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub id: Uuid,
    pub url: String,
    pub thumb_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelDetail {
    pub card: ParcelCard,
    pub description: String,
    pub dimensions: String,
    pub declared_value: Money,
    pub fragile: bool,
    pub distance_km: i32,
    pub photos: Vec<Photo>,
    pub is_owner: bool,
    pub private: Option<ParcelPrivate>,
    /// Shown to the owner and admins.
    pub risk: Option<(i32, Vec<RiskPart>)>,
    pub review_note: Option<String>,
    pub form: ParcelForm,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelForm {
    pub title: String,
    pub description: String,
    pub category: String,
    pub weight_kg: String,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    pub declared_value: String,
    pub currency: String,
    pub fragile: bool,
    pub pickup_place: String,
    pub pickup_address: String,
    pub delivery_place: String,
    pub delivery_address: String,
    pub ready_from: String,
    pub deliver_by: String,
    pub reward: String,
    pub recipient: String,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub recipient_email: String,
}

/// How a suggested reward was computed, shown next to the reward field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardSuggestion {
    pub amount: Money,
    pub distance_km: i32,
    pub explanation: Vec<String>,
}

/// One named part of a match score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePart {
    pub name: String,
    pub points: i32,
    pub max: i32,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripMatch {
    pub trip: TripCard,
    pub score: i32,
    pub parts: Vec<ScorePart>,
    /// The price the traveler would ask for this parcel (price per kg × weight).
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelMatch {
    pub parcel: ParcelCard,
    pub score: i32,
    pub parts: Vec<ScorePart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub has_next: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingEvent {
    pub at: String,
    pub actor: String,
    pub what: String,
}

/// The other side's contact, shown once a booking is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSummary {
    pub id: Uuid,
    pub parcel_title: String,
    pub route: String,
    pub departs: String,
    pub price: Money,
    pub status: BookingStatus,
    /// The side of the user looking.
    pub my_side: Side,
    /// True when the booking waits for this user's answer.
    pub my_turn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetail {
    pub summary: BookingSummary,
    pub parcel_id: Uuid,
    pub trip_id: Uuid,
    pub weight: String,
    pub initiator: Side,
    pub counters: i32,
    pub max_counters: i32,
    pub expires: Option<String>,
    pub other: UserBrief,
    pub contact: Option<Contact>,
    pub private: Option<ParcelPrivate>,
    pub events: Vec<BookingEvent>,
    /// What this user may do now.
    pub can_accept: bool,
    pub can_decline: bool,
    pub can_counter: bool,
    pub can_withdraw: bool,
    pub money: crate::money::BookingMoney,
    pub handoff: Option<crate::money::Handoff>,
}

/// A parcel waiting in the admin review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub parcel: ParcelCard,
    pub description: String,
    pub risk_score: i32,
    pub reasons: Vec<RiskPart>,
    pub flagged: Vec<String>,
    pub submitted: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_and_formats() {
        let eur = Currency::Eur;
        assert_eq!(Money::parse("12", eur).unwrap().minor, 1200);
        assert_eq!(Money::parse("12.5", eur).unwrap().minor, 1250);
        assert_eq!(Money::parse("1,234.56", eur).unwrap().minor, 123456);
        assert_eq!(Money::parse(".5", eur).unwrap().minor, 50);
        assert!(Money::parse("12.345", eur).is_err());
        assert!(Money::parse("-3", eur).is_err());
        assert!(Money::parse("1e5", eur).is_err());
        assert!(Money::parse("12.", eur).is_err());
        assert!(Money::parse("", eur).is_err());
        assert!(Money::parse("99999999999", eur).is_err());
        assert_eq!(Money::parse("500", Currency::Xof).unwrap().minor, 500);
        assert!(Money::parse("5.5", Currency::Xof).is_err());
        assert_eq!(Money::new(123456, eur).to_string(), "1,234.56 EUR");
        assert_eq!(Money::new(5, eur).amount(), "0.05");
        assert_eq!(Money::new(123456, eur).input_value(), "1234.56");
        assert_eq!(Money::new(1500, Currency::Xof).to_string(), "1,500 XOF");
    }

    #[test]
    fn kilograms_parse_to_grams() {
        assert_eq!(parse_kg("1.5"), Ok(1500));
        assert_eq!(parse_kg("0,25"), Ok(250));
        assert_eq!(parse_kg("30"), Ok(30000));
        assert!(parse_kg("1.2345").is_err());
        assert!(parse_kg("abc").is_err());
        assert!(parse_kg("").is_err());
        assert_eq!(format_kg(1500), "1.5 kg");
        assert_eq!(format_kg(2000), "2 kg");
        assert_eq!(format_kg(250), "0.25 kg");
    }

    #[test]
    fn words_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(*c));
        }
        assert_eq!(BookingStatus::parse("nope"), None);
        assert_eq!(Side::Sender.other(), Side::Traveler);
    }
}
