//! The product's words: statuses, kinds and choices, each an enum with the word stored in the
//! database and sent by forms (`code`), and what users read (`label`). Under `ssr` each decodes
//! from Postgres text strictly: an unknown word is a decode error, never a silent default.
//! The entities with a life cycle say which moves they allow (`can_become`).

use crate::i18n::tr;
use serde::{Deserialize, Serialize};

/// Postgres text (or `char(n)`) encoding for a type with `code()` and `parse()`.
macro_rules! text_sql_type {
    ($name:ident) => {
        #[cfg(feature = "ssr")]
        const _: () = {
            use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
            use sqlx::{encode::IsNull, error::BoxDynError, Decode, Encode, Postgres, Type};

            impl Type<Postgres> for $name {
                fn type_info() -> PgTypeInfo {
                    <String as Type<Postgres>>::type_info()
                }
                fn compatible(ty: &PgTypeInfo) -> bool {
                    <String as Type<Postgres>>::compatible(ty)
                }
            }
            impl PgHasArrayType for $name {
                fn array_type_info() -> PgTypeInfo {
                    <String as PgHasArrayType>::array_type_info()
                }
                fn array_compatible(ty: &PgTypeInfo) -> bool {
                    <String as PgHasArrayType>::array_compatible(ty)
                }
            }
            impl<'r> Decode<'r, Postgres> for $name {
                fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                    let s = <&str as Decode<Postgres>>::decode(value)?;
                    $name::parse(s.trim_end()).ok_or_else(|| {
                        format!("unknown {} {s:?} in the database", stringify!($name)).into()
                    })
                }
            }
            impl<'q> Encode<'q, Postgres> for $name {
                fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                    <&str as Encode<Postgres>>::encode(self.code(), buf)
                }
            }
        };
    };
}
pub(crate) use text_sql_type;

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The word stored in the database and sent by forms.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// What users read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $crate::i18n::tr($label)),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
            /// (code, label) pairs for a drop-down or a group of checkboxes.
            pub fn options() -> Vec<(String, String)> {
                Self::ALL.iter().map(|w| (w.code().to_string(), w.label().to_string())).collect()
            }
        }

        $crate::types::words::text_sql_type!($name);
    };
}
#[cfg(feature = "ssr")]
pub(crate) use word_enum;

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
        Resolved = "resolved": "Settled by Carry after a dispute",
    }
);

word_enum!(
    /// Why the sender opens a dispute.
    DisputeReason {
        NotDelivered = "not_delivered": "Not delivered",
        Damaged = "damaged": "Damaged",
        WrongItem = "wrong_item": "Wrong item",
        Other = "other": "Something else",
    }
);

word_enum!(
    /// Why a member reports another member or a listing.
    ReportReason {
        Prohibited = "prohibited": "A prohibited or dangerous item",
        Fraud = "fraud": "Fraud or a scam",
        Abuse = "abuse": "Abusive or threatening behaviour",
        Spam = "spam": "Spam or a fake listing",
        Other = "other": "Something else",
    }
);

word_enum!(
    /// What a report is about.
    ReportSubject {
        Member = "member": "Member",
        Trip = "trip": "Trip",
        Parcel = "parcel": "Parcel",
    }
);

word_enum!(
    /// What an admin does about a report or a member (PRODUCT §11).
    ModerationAction {
        Dismiss = "dismiss": "Dismiss",
        Warn = "warn": "Warn",
        RemoveListing = "remove_listing": "Remove the listing",
        Suspend = "suspend": "Suspend",
        Ban = "ban": "Ban",
    }
);

word_enum!(
    /// How an admin settles a dispute's escrow.
    DisputeOutcome {
        Refund = "refund": "Full refund to the sender",
        Release = "release": "Full payment to the traveler",
        Split = "split": "Split between them",
    }
);

word_enum!(
    /// The two sides of a booking.
    Side {
        Sender = "sender": "Sender",
        Traveler = "traveler": "Traveler",
    }
);

word_enum!(
    Role {
        User = "user": "Member",
        Admin = "admin": "Admin",
    }
);

word_enum!(
    /// Whether an account may log in.
    UserStatus {
        Active = "active": "Active",
        Suspended = "suspended": "Suspended",
        Banned = "banned": "Banned",
        Deleted = "deleted": "Account deleted",
    }
);

word_enum!(
    /// What happened to a booking, as its timeline records it.
    EventKind {
        Requested = "requested": "requested this trip for the parcel",
        Offered = "offered": "offered to carry the parcel",
        Countered = "countered": "proposed a new price",
        Accepted = "accepted": "accepted",
        Declined = "declined": "declined",
        Withdrawn = "withdrawn": "withdrew the request",
        Expired = "expired": "The request expired",
        Closed = "closed": "The request was closed",
        Cancelled = "cancelled": "cancelled the booking",
        Refused = "refused": "refused the parcel at pickup",
        PickedUp = "picked_up": "checked the parcel and picked it up",
        Delivered = "delivered": "delivered the parcel",
        Completed = "completed": "completed the booking; the traveler was paid",
        Overdue = "overdue": "The delivery is overdue: both sides were told and Carry's team was alerted",
        Disputed = "disputed": "opened a dispute",
        Resolved = "resolved": "settled the dispute",
    }
);

word_enum!(
    /// The traveler's ticket or boarding pass, checked for the confirmed-traveler badge.
    TicketStatus {
        None = "none": "None",
        Submitted = "submitted": "Submitted",
        Confirmed = "confirmed": "Confirmed",
        Rejected = "rejected": "Rejected",
    }
);

word_enum!(
    /// An ID verification request.
    CheckStatus {
        Pending = "pending": "Waiting for a check",
        Approved = "approved": "Approved",
        Rejected = "rejected": "Rejected",
    }
);

word_enum!(
    WithdrawalStatus {
        Pending = "pending": "pending",
        Paid = "paid": "paid",
        Rejected = "rejected": "rejected",
    }
);

word_enum!(
    PaymentStatus {
        Pending = "pending": "pending",
        Succeeded = "succeeded": "succeeded",
        Declined = "declined": "declined",
    }
);

word_enum!(
    /// Where a withdrawal is paid to.
    PayoutMethod {
        Iban = "iban": "Bank account (IBAN)",
        Mobile = "mobile": "Mobile money",
    }
);

word_enum!(
    /// A printable receipt: money in, or money out.
    ReceiptKind {
        Payment = "payment": "Payment",
        Payout = "payout": "Payout",
        Movement = "movement": "Wallet movement",
    }
);

word_enum!(
    /// What a notification is about. The label names the kind on the preferences page.
    NotificationKind {
        BookingRequested = "booking.requested": "Booking requests and offers",
        BookingCountered = "booking.countered": "Counter-offers",
        BookingAccepted = "booking.accepted": "Accepted bookings",
        BookingDeclined = "booking.declined": "Declined requests",
        BookingEnded = "booking.ended": "Requests that expired, were withdrawn or closed",
        BookingCancelled = "booking.cancelled": "Cancelled bookings",
        PickedUp = "booking.picked_up": "Pickups",
        Delivered = "booking.delivered": "Deliveries",
        Completed = "booking.completed": "Completed bookings and payouts",
        Overdue = "booking.overdue": "Overdue deliveries",
        Message = "chat.message": "New messages",
        RouteAlert = "alert.match": "Route alerts",
        ParcelReview = "review.parcel": "Parcel review decisions",
        IdCheck = "review.id": "ID check decisions",
        Withdrawal = "wallet.withdrawal": "Withdrawal decisions",
        Review = "review.published": "Reviews about you",
        Dispute = "booking.dispute": "Disputes",
        TicketCheck = "review.ticket": "Ticket check decisions",
        Moderation = "moderation": "Warnings and decisions about your account",
        DataExport = "account.export": "Copies of your data, ready to download",
    }
);

word_enum!(
    /// The two handoff codes of an accepted booking.
    CodeKind {
        Pickup = "pickup": "Pickup",
        Delivery = "delivery": "Delivery",
    }
);

word_enum!(
    /// How the other side answers a pending booking (or its initiator takes it back).
    Answer {
        Accept = "accept": "Accept",
        Decline = "decline": "Decline",
        Counter = "counter": "Counter",
        Withdraw = "withdraw": "Withdraw",
    }
);

word_enum!(
    /// The ends of an accepted booking a member can choose: the sender confirms receipt, the
    /// traveler refuses the parcel at pickup, either side cancels before pickup.
    Settle {
        Confirm = "confirm": "Confirm receipt",
        Refuse = "refuse": "Refuse the parcel",
        Cancel = "cancel": "Cancel the booking",
    }
);

/// An admin's decision on anything in a queue (a parcel, an ID check, a payout). A payout's
/// approval is sent as "paid".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    #[serde(rename = "approve", alias = "paid")]
    Approve,
    #[serde(rename = "reject")]
    Reject,
}

impl TripStatus {
    /// The moves a trip's life allows.
    pub fn can_become(self, next: TripStatus) -> bool {
        use TripStatus::*;
        matches!(
            (self, next),
            (Published, Departed | Cancelled | Expired) | (Departed, Completed)
        )
    }
}

impl ParcelStatus {
    /// Not booked yet: the sender may still edit it, change its photos or cancel it.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ParcelStatus::Open | ParcelStatus::InReview | ParcelStatus::Rejected
        )
    }

    /// The moves a parcel's life allows (an edit may send it back to review, a cancelled
    /// booking opens it again).
    pub fn can_become(self, next: ParcelStatus) -> bool {
        use ParcelStatus::*;
        match (self, next) {
            (InReview | Open | Rejected, InReview | Open | Cancelled) => self != next,
            (InReview, Rejected) | (InReview | Open, Expired) => true,
            (Open, Booked) | (Booked, Open | PickedUp) => true,
            (PickedUp, Delivered) | (PickedUp | Delivered, Completed) => true,
            _ => false,
        }
    }
}

impl BookingStatus {
    /// The moves a booking's life allows.
    pub fn can_become(self, next: BookingStatus) -> bool {
        use BookingStatus::*;
        matches!(
            (self, next),
            (Pending, Accepted | Declined | Withdrawn | Expired | Closed)
                | (Accepted, PickedUp | Cancelled)
                | (PickedUp, Delivered)
                | (Delivered, Completed)
                | (PickedUp | Delivered, Resolved)
        )
    }

    /// What the parcel becomes when its booking moves to this status, if anything.
    pub fn parcel_follows(self) -> Option<(ParcelStatus, ParcelStatus)> {
        use ParcelStatus as P;
        match self {
            BookingStatus::Accepted => Some((P::Open, P::Booked)),
            BookingStatus::PickedUp => Some((P::Booked, P::PickedUp)),
            BookingStatus::Delivered => Some((P::PickedUp, P::Delivered)),
            BookingStatus::Completed => Some((P::Delivered, P::Completed)),
            BookingStatus::Cancelled => Some((P::Booked, P::Open)),
            _ => None,
        }
    }

    /// Accepted or later: the weight is reserved and both sides see each other's details.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            BookingStatus::Accepted
                | BookingStatus::PickedUp
                | BookingStatus::Delivered
                | BookingStatus::Completed
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

impl EventKind {
    /// The line of a booking's timeline: "accepted at 12.00 EUR: a note".
    pub fn describe(self, price: Option<crate::types::Money>, note: &str) -> String {
        let with_price = matches!(
            self,
            EventKind::Requested | EventKind::Offered | EventKind::Countered | EventKind::Accepted
        );
        let mut what = self.label().to_string();
        if let Some(p) = price.filter(|_| with_price) {
            what.push_str(&crate::trf!(" at {}", p));
        }
        if !note.is_empty() {
            what.push_str(": ");
            what.push_str(note);
        }
        what
    }

    /// What the public tracking page says of this event; `None` for what it does not show.
    pub fn tracking_label(self) -> Option<&'static str> {
        match self {
            EventKind::Accepted => Some(tr("Booked with a traveler")),
            EventKind::PickedUp => Some(tr("Picked up and inspected by the traveler")),
            EventKind::Delivered => Some(tr("Delivered to the recipient")),
            EventKind::Completed => Some(tr("Completed")),
            EventKind::Refused => Some(tr("Refused at pickup")),
            EventKind::Cancelled => Some(tr("Cancelled")),
            EventKind::Overdue => Some(tr("Delayed: Carry's team is looking into it")),
            _ => None,
        }
    }
}

/// A checkbox's value: `true` / `false` in JSON or postcard (a page's data), "on" (or "true")
/// when ticked in a form post.
pub fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    use serde::Deserialize;
    if !d.is_human_readable() {
        // A binary form (postcard) says what it holds only to a reader that asks for a type.
        return bool::deserialize(d);
    }
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a checkbox value")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
            Ok(matches!(v, "on" | "true" | "1" | "yes"))
        }
    }
    d.deserialize_any(Visitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(*c));
        }
        assert_eq!(BookingStatus::parse("nope"), None);
        assert_eq!(Side::Sender.other(), Side::Traveler);
        // Forms send the code.
        let a: Answer = serde_json::from_str("\"counter\"").unwrap();
        assert_eq!(a, Answer::Counter);
    }

    #[test]
    fn life_cycles_allow_only_their_moves() {
        use BookingStatus as B;
        assert!(B::Pending.can_become(B::Accepted));
        assert!(!B::Pending.can_become(B::PickedUp));
        assert!(!B::Completed.can_become(B::Cancelled));
        assert!(!B::Accepted.can_become(B::Accepted));
        for s in B::ALL {
            for t in B::ALL {
                if let (true, Some((from, to))) = (s.can_become(*t), t.parcel_follows()) {
                    assert!(
                        from.can_become(to),
                        "{s:?}->{t:?} moves the parcel {from:?}->{to:?}"
                    );
                }
            }
        }
        use ParcelStatus as P;
        assert!(P::Rejected.can_become(P::InReview));
        assert!(!P::Completed.can_become(P::Open));
        assert!(!P::Open.can_become(P::Open));
        assert!(TripStatus::Published.can_become(TripStatus::Cancelled));
        assert!(!TripStatus::Cancelled.can_become(TripStatus::Published));
    }

    #[test]
    fn timeline_lines_name_the_price_where_it_matters() {
        let p = crate::types::Money::new(1200, crate::types::Currency::Eur);
        assert_eq!(
            EventKind::Accepted.describe(Some(p), ""),
            "accepted at 12.00 EUR"
        );
        assert_eq!(EventKind::Declined.describe(Some(p), ""), "declined");
        assert_eq!(
            EventKind::Cancelled.describe(None, "too late"),
            "cancelled the booking: too late"
        );
    }
}
