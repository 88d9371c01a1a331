//! The pure rules of a booking (PRODUCT §6): whose turn it is, when a request expires, what a
//! late cancellation keeps, what a typed price may be.

use super::store::BookingRow;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::settings::Settings;
use crate::types::{BookingStatus, Currency, Money, Side};
use ::time::{Duration, OffsetDateTime};

/// A sender who cancels within this long of departure loses the service fee.
pub const LATE_CANCEL: Duration = Duration::hours(24);

/// No price anyone pays: a typo (in euros, converted roughly for other currencies).
pub const MAX_PRICE_EUROS: i64 = 5_000;

pub fn not_pending(b: &BookingRow) -> AppError {
    AppError::Conflict(crate::trf!(
        "This booking is no longer waiting for an answer (it is {}).",
        b.status.label().to_lowercase()
    ))
}

/// The booking is pending and waits for `side`'s answer.
pub fn require_turn(b: &BookingRow, side: Side) -> Result<(), AppError> {
    if b.status != BookingStatus::Pending {
        return Err(not_pending(b));
    }
    if b.awaiting != Some(side) {
        return Err(AppError::Conflict(
            tr("It is the other side's turn to answer.").into(),
        ));
    }
    Ok(())
}

/// When a request made now expires: after the answer window, or when the trip leaves.
pub fn expiry(now: OffsetDateTime, departs_at: OffsetDateTime, s: &Settings) -> OffsetDateTime {
    (now + Duration::hours(s.request_ttl_hours)).min(departs_at)
}

/// What a sender's cancellation keeps: nothing more than 24 hours before departure, else the
/// service fee.
pub fn late_cancel_fee(b: &BookingRow, departs: OffsetDateTime, now: OffsetDateTime) -> i64 {
    if departs - now > LATE_CANCEL {
        0
    } else {
        b.fee_minor
    }
}

/// A typed price: empty means "the default", zero and absurd amounts are refused.
pub fn parse_price(
    typed: &str,
    currency: Currency,
    s: &Settings,
) -> Result<Option<Money>, AppError> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    match Money::parse(typed, currency) {
        Ok(m) if m.minor == 0 => Err(AppError::validation(
            "price",
            crate::i18n::tr("The price must be above zero."),
        )),
        Ok(m) if m.minor > s.rates.euros(MAX_PRICE_EUROS, currency).minor => {
            Err(AppError::validation("price", tr("That price is too high.")))
        }
        Ok(m) => Ok(Some(m)),
        Err(e) => Err(AppError::validation("price", e)),
    }
}
