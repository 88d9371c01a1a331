//! Top-ups (PRODUCT §7): money in by card, through the sandbox provider (test cards) or Stripe
//! Checkout (`stripe`). A payment is credited to the wallet once, whatever retries.

use crate::error::{AppError, Problems};
use crate::i18n::tr;
use crate::server::accounts::signup;
use crate::server::money::idem;
use crate::server::money::ledger::{self, Acct, Posting, TxKind};
use crate::server::settings::{self, Rates};
pub use crate::types::wallet::CardForm;
use crate::types::{Currency, Money, PaymentStatus, UserId};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The sandbox's test cards.
pub const CARD_OK: &str = "4242424242424242";
pub const CARD_DECLINED: &str = "4000000000000002";

/// Top-ups are between 1 and 10,000 euros, or the same in another currency.
const TOP_UP_MIN_EUROS: i64 = 1;
const TOP_UP_MAX_EUROS: i64 = 10_000;

/// The answer to a top-up (also what a retried request gets back).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TopUp {
    pub payment_id: Uuid,
    pub succeeded: bool,
    pub message: String,
}

fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Reads the amount and currency of a top-up.
pub fn parse_amount(
    amount: &str,
    currency: &str,
    rates: &Rates,
    p: &mut Problems,
) -> Option<Money> {
    let Some(c) = Currency::parse(currency) else {
        p.add("currency", tr("Choose a currency."));
        return None;
    };
    let (min, max) = (
        rates.euros(TOP_UP_MIN_EUROS, c),
        rates.euros(TOP_UP_MAX_EUROS, c),
    );
    match Money::parse(amount, c) {
        Ok(m) if m.minor < min.minor => {
            p.add("amount", crate::trf!("Top up at least {}.", min));
            None
        }
        Ok(m) if m.minor > max.minor => {
            p.add("amount", crate::trf!("Top up at most {}.", max));
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            p.add("amount", e);
            None
        }
    }
}

/// Card checks the sandbox makes before "charging": a valid number, a future expiry, a CVC.
fn check_card(f: &CardForm, p: &mut Problems, today: time::Date) -> String {
    let digits: String = f
        .number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() < 12 || digits.len() > 19 || !digits.chars().all(|c| c.is_ascii_digit()) {
        p.add("number", tr("Enter the card number (12 to 19 digits)."));
    } else if !luhn_ok(&digits) {
        p.add(
            "number",
            crate::i18n::tr("This card number is not valid. Check it for typos."),
        );
    }
    let exp: String = f.expiry.chars().filter(|c| !c.is_whitespace()).collect();
    let parsed = exp.split_once('/').and_then(|(m, y)| {
        let m: u8 = m.parse().ok()?;
        let y: i32 = y.parse().ok()?;
        let y = if y < 100 { 2000 + y } else { y };
        (1..=12).contains(&m).then_some((y, m))
    });
    match parsed {
        None => p.add("expiry", crate::i18n::tr("Enter the expiry as MM/YY.")),
        Some((y, m)) if (y, m) < (today.year(), today.month() as u8) => {
            p.add("expiry", tr("This card has expired."))
        }
        Some(_) => {}
    }
    let cvc = f.cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
        p.add(
            "cvc",
            tr("Enter the 3 or 4 digits on the back of the card."),
        );
    }
    digits
}

/// Credits a succeeded payment to its user's wallet, once (a webhook delivered twice, or a
/// retried request, finds it already credited).
pub async fn credit_payment(conn: &mut PgConnection, payment: Uuid) -> Result<bool, AppError> {
    let p = sqlx::query!(
        r#"SELECT user_id AS "user_id: UserId", amount_minor, currency AS "currency: Currency",
                  status AS "status: PaymentStatus"
           FROM payments WHERE id = $1 FOR UPDATE"#,
        payment
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("No such payment.").into()))?;
    if p.status == PaymentStatus::Succeeded {
        return Ok(false);
    }
    let currency = p.currency;
    let posted = ledger::post(
        conn,
        &Posting {
            kind: TxKind::TopUp,
            key: format!("top_up:{payment}"),
            currency,
            booking: None,
            user: Some(p.user_id),
            memo: crate::i18n::key("Wallet top-up").into(),
            legs: vec![
                (Acct::Provider, -p.amount_minor),
                (Acct::User(p.user_id), p.amount_minor),
            ],
        },
    )
    .await?;
    sqlx::query!(
        "UPDATE payments SET status = 'succeeded', ledger_tx_id = $2, settled_at = now(),
            failure = NULL WHERE id = $1",
        payment,
        posted.tx_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// A top-up with the sandbox provider: 4242… succeeds, 4000…0002 is declined, and so is any
/// other card (the sandbox knows only its test cards). `key` makes a retry harmless.
#[tracing::instrument(skip(pool, form, key))]
pub async fn top_up_sandbox(
    pool: &PgPool,
    user: UserId,
    form: &CardForm,
    key: &str,
) -> Result<TopUp, AppError> {
    let mut p = Problems::new();
    let rates = settings::current(pool).await?.rates;
    let amount = parse_amount(&form.amount, &form.currency, &rates, &mut p);
    let digits = check_card(form, &mut p, time::OffsetDateTime::now_utc().date());
    p.into_result()
        .map_err(|e| e.with_values(&[("amount", &form.amount), ("currency", &form.currency)]))?;
    let amount = amount.ok_or_else(|| AppError::internal("amount checked"))?;
    ledger::ensure_accounts_committed(pool, &[Acct::User(user), Acct::Provider], amount.currency)
        .await?;
    let mut tx = pool.begin().await?;
    if let Some(done) = idem::claim::<TopUp>(&mut tx, user, key, "top_up").await? {
        return Ok(done);
    }
    signup::require_confirmed(&mut *tx, user).await?;
    let (status, failure) = match digits.as_str() {
        CARD_OK => (PaymentStatus::Pending, None),
        CARD_DECLINED => (
            PaymentStatus::Declined,
            Some(tr(
                "Your card was declined. No money was taken; try another card.",
            )),
        ),
        _ => (
            PaymentStatus::Declined,
            Some(tr(
                "The sandbox accepts only its test cards: use 4242 4242 4242 4242.",
            )),
        ),
    };
    let last4 = &digits[digits.len().saturating_sub(4)..];
    let id = sqlx::query_scalar!(
        "INSERT INTO payments (user_id, provider, amount_minor, currency, status, card_last4,
            failure, provider_ref)
         VALUES ($1, 'sandbox', $2, $3, $4, $5, $6, 'sandbox_' || gen_random_uuid()) RETURNING id",
        user as UserId,
        amount.minor,
        amount.currency as Currency,
        status as PaymentStatus,
        last4,
        failure
    )
    .fetch_one(&mut *tx)
    .await?;
    let result = match failure {
        None => {
            credit_payment(&mut tx, id).await?;
            TopUp {
                payment_id: id,
                succeeded: true,
                message: crate::trf!("{} was added to your wallet.", amount),
            }
        }
        Some(why) => TopUp {
            payment_id: id,
            succeeded: false,
            message: why.to_string(),
        },
    };
    idem::answer(&mut tx, user, key, &result).await?;
    tx.commit().await?;
    Ok(result)
}

/// A Stripe top-up waiting for its Checkout page: the payment, and the amount it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StripeStart {
    pub payment: Uuid,
    pub amount: Money,
}

/// Records a Stripe Checkout payment before sending the user to Stripe; the wallet is credited
/// only by the signed webhook. `key` makes a double submit harmless: the retry gets the same
/// payment back, and Stripe (asked with the payment as its idempotency key) the same session.
#[tracing::instrument(skip(pool, form, key))]
pub async fn start_stripe_payment(
    pool: &PgPool,
    user: UserId,
    form: &CardForm,
    key: &str,
) -> Result<StripeStart, AppError> {
    let mut p = Problems::new();
    let rates = settings::current(pool).await?.rates;
    let amount = parse_amount(&form.amount, &form.currency, &rates, &mut p);
    p.into_result()
        .map_err(|e| e.with_values(&[("amount", &form.amount), ("currency", &form.currency)]))?;
    let amount = amount.ok_or_else(|| AppError::internal("amount checked"))?;
    let mut tx = pool.begin().await?;
    if let Some(done) = idem::claim::<StripeStart>(&mut tx, user, key, "stripe_top_up").await? {
        return Ok(done);
    }
    signup::require_confirmed(&mut *tx, user).await?;
    let payment = sqlx::query_scalar!(
        "INSERT INTO payments (user_id, provider, amount_minor, currency, status)
         VALUES ($1, 'stripe', $2, $3, 'pending') RETURNING id",
        user as UserId,
        amount.minor,
        amount.currency as Currency
    )
    .fetch_one(&mut *tx)
    .await?;
    let started = StripeStart { payment, amount };
    idem::answer(&mut tx, user, key, &started).await?;
    tx.commit().await?;
    Ok(started)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_pass_luhn() {
        assert!(luhn_ok(CARD_OK));
        assert!(luhn_ok(CARD_DECLINED));
        assert!(!luhn_ok("4242424242424241"));
    }

    #[test]
    fn card_form_checks() {
        let today = time::macros::date!(2026 - 11 - 22);
        let mut p = Problems::new();
        let f = CardForm {
            amount: "10".into(),
            currency: "EUR".into(),
            number: "4242 4242 4242 4242".into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        };
        assert_eq!(check_card(&f, &mut p, today), CARD_OK);
        assert!(p.into_result().is_ok());
        let mut p = Problems::new();
        let bad = CardForm {
            number: "4242 4242 4242 4241".into(),
            expiry: "10/26".into(),
            cvc: "1".into(),
            ..f
        };
        check_card(&bad, &mut p, today);
        let e = p.into_result().unwrap_err();
        assert!(e.field("number").is_some());
        assert_eq!(e.field("expiry").as_deref(), Some("This card has expired."));
        assert!(e.field("cvc").is_some());
    }
}
