//! A booking's escrow: what the sender pays (price + service fee + optional protection) is held
//! in the booking's own account until the booking completes (released: the price to the
//! traveler, the fee to the platform, the protection premium to the pool) or ends early
//! (refunded to the sender, minus the fee when the rules keep it). Callers hold the booking's
//! row lock.

use super::ledger::{self, Acct, Posted, Posting, TxKind};
use crate::error::AppError;
use crate::server::settings::Settings;
use crate::types::bookings::BookingTerms;
use crate::types::{BookingId, Currency, Money, UserId};
use sqlx::PgConnection;

/// What the sender pays for a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charges {
    pub price: i64,
    pub fee: i64,
    pub protection: i64,
}

impl Charges {
    pub fn total(&self) -> i64 {
        self.price + self.fee + self.protection
    }
}

/// `amount × bps / 10 000`, rounded half up, in integers.
pub fn bps_of(amount: i64, bps: i64) -> i64 {
    (amount * bps + 5_000) / 10_000
}

/// The service fee on a price (at least the minimum), and the protection premium when the
/// sender asks for it: a share of the declared value covered, which is capped. Protection is
/// only sold when the booking is in the currency the value was declared in.
pub fn charges(
    price: i64,
    currency: Currency,
    protect: bool,
    declared: Option<Money>,
    s: &Settings,
) -> Charges {
    let min_fee = s.rates.euros(s.service_fee_min_units, currency).minor;
    let fee = bps_of(price, s.service_fee_bps).max(min_fee);
    let protection = match declared {
        Some(d) if protect && d.currency == currency => {
            let covered = d
                .minor
                .min(s.rates.euros(s.protection_max_units, currency).minor);
            bps_of(covered, s.protection_bps)
        }
        _ => 0,
    };
    Charges {
        price,
        fee,
        protection,
    }
}

/// "10" for 1000 basis points, "2.5" for 250.
fn percent(bps: i64) -> String {
    if bps % 100 == 0 {
        (bps / 100).to_string()
    } else {
        format!("{}.{:02}", bps / 100, bps % 100)
            .trim_end_matches('0')
            .to_string()
    }
}

/// The fee and protection rules in words, from the same settings `charges` uses.
pub fn terms(s: &Settings) -> BookingTerms {
    BookingTerms {
        fee: format!(
            "a {}% service fee (at least {} or the same in the booking's currency)",
            percent(s.service_fee_bps),
            Money::new(s.service_fee_min_units * 100, Currency::Eur)
        ),
        protection: format!(
            "{}% of the declared value covers loss or damage (up to {} or the same in its currency)",
            percent(s.protection_bps),
            Money::new(s.protection_max_units * 100, Currency::Eur)
        ),
    }
}

/// The booking's escrow balance.
pub async fn held(
    conn: &mut PgConnection,
    booking: BookingId,
    currency: Currency,
) -> Result<i64, AppError> {
    ledger::balance(conn, Acct::Escrow(booking), currency).await
}

/// Brings the escrow to `target` by taking the difference from the sender's wallet or giving
/// it back. `key` names this step (a retry with the same key moves nothing). Fails with
/// `InsufficientFunds` when the wallet is short.
pub async fn hold_to(
    conn: &mut PgConnection,
    booking: BookingId,
    sender: UserId,
    currency: Currency,
    target: i64,
    key: &str,
) -> Result<Option<Posted>, AppError> {
    let locked = ledger::lock(conn, &[Acct::User(sender), Acct::Escrow(booking)], currency).await?;
    let current = locked[1].1;
    let diff = target - current;
    if diff == 0 {
        return Ok(None);
    }
    let (kind, memo) = if diff > 0 {
        (TxKind::Hold, crate::i18n::key("Paid into escrow"))
    } else {
        (
            TxKind::HoldReturn,
            crate::i18n::key("Returned from escrow (new price)"),
        )
    };
    ledger::post_locked(
        conn,
        &Posting {
            kind,
            key: format!("{}:{booking}:{key}", kind.code()),
            currency,
            booking: Some(booking),
            user: Some(sender),
            memo: memo.into(),
            legs: vec![(Acct::User(sender), -diff), (Acct::Escrow(booking), diff)],
        },
        &locked,
    )
    .await
    .map(Some)
}

/// Completion: the price to the traveler, the fee to the platform, the premium to the pool.
/// At most once per booking (the database refuses a second settlement).
pub async fn release(
    conn: &mut PgConnection,
    booking: BookingId,
    traveler: UserId,
    currency: Currency,
    c: Charges,
) -> Result<Posted, AppError> {
    let legs: Vec<(Acct, i64)> = vec![
        (Acct::Escrow(booking), -c.total()),
        (Acct::User(traveler), c.price),
        (Acct::Fees, c.fee),
        (Acct::Protection, c.protection),
    ]
    .into_iter()
    .filter(|(_, a)| *a != 0)
    .collect();
    let accts: Vec<Acct> = legs.iter().map(|(a, _)| *a).collect();
    let locked = ledger::lock(conn, &accts, currency).await?;
    let posting = Posting {
        kind: TxKind::Release,
        key: format!("release:{booking}"),
        currency,
        booking: Some(booking),
        user: Some(traveler),
        memo: crate::i18n::key("Paid for a completed delivery").into(),
        legs,
    };
    let held = locked[0].1;
    if held != c.total() {
        // Released before (a retry) leaves the escrow empty: answer with the first release.
        if held == 0 {
            return ledger::post_locked(conn, &posting, &locked).await;
        }
        return Err(AppError::internal(format!(
            "booking {booking}: escrow holds {held}, expected {}",
            c.total()
        )));
    }
    ledger::post_locked(conn, &posting, &locked).await
}

/// Gives the escrow back to the sender, keeping `keep_fee` for the platform (a late
/// cancellation). Nothing to do when nothing is held.
pub async fn refund(
    conn: &mut PgConnection,
    booking: BookingId,
    sender: UserId,
    currency: Currency,
    keep_fee: i64,
    memo: &str,
) -> Result<Option<Posted>, AppError> {
    // Nothing was ever held (an offer the sender never paid for): no account to create.
    if ledger::balance(conn, Acct::Escrow(booking), currency).await? == 0 {
        return Ok(None);
    }
    let locked = ledger::lock(conn, &[Acct::Escrow(booking), Acct::User(sender)], currency).await?;
    let held = locked[0].1;
    if held == 0 {
        return Ok(None);
    }
    let keep = keep_fee.min(held);
    let legs: Vec<(Acct, i64)> = vec![
        (Acct::Escrow(booking), -held),
        (Acct::User(sender), held - keep),
        (Acct::Fees, keep),
    ]
    .into_iter()
    .filter(|(_, a)| *a != 0)
    .collect();
    ledger::post(
        conn,
        &Posting {
            kind: TxKind::Refund,
            key: format!("refund:{booking}"),
            currency,
            booking: Some(booking),
            user: Some(sender),
            memo: memo.into(),
            legs,
        },
    )
    .await
    .map(Some)
}

/// How a decided dispute settles the escrow: the sender's share of the price (the rest is the
/// traveler's), whether the fee and premium go back too (a full refund), and what the
/// protection pool pays the sender on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    pub sender_share: i64,
    pub full_refund: bool,
    pub payout: i64,
}

/// The legs of a dispute's settlement, pure: they always sum to zero.
pub fn settlement_legs(
    booking: BookingId,
    sender: UserId,
    traveler: UserId,
    c: Charges,
    s: Settlement,
) -> Vec<(Acct, i64)> {
    let share = s.sender_share.clamp(0, c.price);
    let (to_sender, to_traveler, fee, premium) = if s.full_refund {
        (c.total(), 0, 0, 0)
    } else {
        (share, c.price - share, c.fee, c.protection)
    };
    vec![
        (Acct::Escrow(booking), -c.total()),
        (Acct::User(sender), to_sender + s.payout),
        (Acct::User(traveler), to_traveler),
        (Acct::Fees, fee),
        (Acct::Protection, premium - s.payout),
    ]
    .into_iter()
    .filter(|(_, a)| *a != 0)
    .collect()
}

/// Settles a disputed booking's escrow as an admin decided, once (the database refuses a second
/// settlement of a booking). Fails with a clear message when the pool cannot pay the payout.
pub async fn settle_dispute(
    conn: &mut PgConnection,
    booking: BookingId,
    sender: UserId,
    traveler: UserId,
    currency: Currency,
    c: Charges,
    s: Settlement,
) -> Result<Posted, AppError> {
    if s.payout > 0 {
        let pool = ledger::balance(conn, Acct::Protection, currency).await?;
        if pool + c.protection < s.payout {
            return Err(AppError::Conflict(crate::trf!(
                "The protection pool holds {}: it cannot pay {}.",
                Money::new(pool + c.protection, currency),
                Money::new(s.payout, currency)
            )));
        }
    }
    let kind = if s.full_refund {
        TxKind::Refund
    } else {
        TxKind::Release
    };
    ledger::post(
        conn,
        &Posting {
            kind,
            key: format!("{}:{booking}", kind.code()),
            currency,
            booking: Some(booking),
            user: Some(sender),
            memo: crate::i18n::key("Settled after a dispute").into(),
            legs: settlement_legs(booking, sender, traveler, c, s),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settlement_always_balances() {
        let (b, s, t) = (
            BookingId(uuid::Uuid::nil()),
            UserId(uuid::Uuid::from_u128(1)),
            UserId(uuid::Uuid::from_u128(2)),
        );
        let c = Charges {
            price: 1_000,
            fee: 100,
            protection: 30,
        };
        for full_refund in [false, true] {
            for sender_share in [-5, 0, 300, 1_000, 99_999] {
                for payout in [0, 30, 500] {
                    let legs = settlement_legs(
                        b,
                        s,
                        t,
                        c,
                        Settlement {
                            sender_share,
                            full_refund,
                            payout,
                        },
                    );
                    assert_eq!(legs.iter().map(|(_, a)| a).sum::<i64>(), 0, "{legs:?}");
                    assert!(legs
                        .iter()
                        .all(|(a, m)| *m >= 0 || matches!(a, Acct::Escrow(_) | Acct::Protection)));
                }
            }
        }
        let split = settlement_legs(
            b,
            s,
            t,
            c,
            Settlement {
                sender_share: 300,
                full_refund: false,
                payout: 0,
            },
        );
        assert!(split.contains(&(Acct::User(s), 300)) && split.contains(&(Acct::User(t), 700)));
    }

    #[test]
    fn fee_has_a_minimum_and_rounds_half_up() {
        let s = Settings::default();
        assert_eq!(charges(5_000, Currency::Eur, false, None, &s).fee, 500);
        assert_eq!(charges(500, Currency::Eur, false, None, &s).fee, 100);
        assert_eq!(charges(1_005, Currency::Eur, false, None, &s).fee, 101);
        // The minimum is 1 EUR in every currency: 656 XOF, not 1 XOF.
        assert_eq!(charges(100_000, Currency::Xof, false, None, &s).fee, 10_000);
        assert_eq!(charges(5, Currency::Xof, false, None, &s).fee, 656);
        assert_eq!(charges(100, Currency::Usd, false, None, &s).fee, 108);
    }

    #[test]
    fn terms_follow_the_settings() {
        let mut s = Settings::default();
        let t = terms(&s);
        assert_eq!(
            t.fee,
            "a 10% service fee (at least 1.00 EUR or the same in the booking's currency)"
        );
        assert_eq!(
            t.protection,
            "3% of the declared value covers loss or damage (up to 1,000.00 EUR or the same in its currency)"
        );
        s.service_fee_bps = 1250;
        s.protection_bps = 250;
        assert!(terms(&s).fee.starts_with("a 12.5% service fee"));
        assert!(terms(&s).protection.starts_with("2.5% of"));
    }

    #[test]
    fn protection_is_three_percent_of_the_covered_value() {
        let s = Settings::default();
        let declared = Some(Money::new(40_000, Currency::Eur));
        let c = charges(2_000, Currency::Eur, true, declared, &s);
        assert_eq!(c.protection, 1_200);
        assert_eq!(c.total(), 2_000 + 200 + 1_200);
        // Capped at 1,000 of cover.
        let big = Some(Money::new(500_000, Currency::Eur));
        assert_eq!(
            charges(2_000, Currency::Eur, true, big, &s).protection,
            3_000
        );
        // Not asked for, or another currency: none.
        assert_eq!(
            charges(2_000, Currency::Eur, false, declared, &s).protection,
            0
        );
        assert_eq!(
            charges(2_000, Currency::Usd, true, declared, &s).protection,
            0
        );
    }
}
