//! Wallets (PRODUCT §7): top-ups through a payment provider, withdrawals through the admin
//! payouts queue, balances, history and receipts.

use super::idem;
use super::ledger::{self, Acct, Posting, TxKind};
use crate::error::{AppError, Problems};
use crate::market::{Currency, Money};
use crate::money::{Balance, History, HistoryItem, Receipt, WalletView, WithdrawalItem};
use crate::server::market::settings;
use crate::server::time_fmt;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The sandbox's test cards.
pub const CARD_OK: &str = "4242424242424242";
pub const CARD_DECLINED: &str = "4000000000000002";

/// Top-ups are between 1 and 10,000 whole units.
const TOP_UP_MAX_UNITS: i64 = 10_000;

/// What a top-up form sends.
#[derive(Debug, Clone, Default)]
pub struct CardForm {
    pub amount: String,
    pub currency: String,
    pub number: String,
    pub expiry: String,
    pub cvc: String,
}

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
pub fn parse_amount(amount: &str, currency: &str, p: &mut Problems) -> Option<Money> {
    let Some(c) = Currency::parse(currency) else {
        p.add("currency", "Choose a currency.");
        return None;
    };
    match Money::parse(amount, c) {
        Ok(m) if m.minor < c.unit() => {
            p.add("amount", format!("Top up at least 1.00 {}.", c.code()));
            None
        }
        Ok(m) if m.minor > TOP_UP_MAX_UNITS * c.unit() => {
            p.add(
                "amount",
                format!(
                    "Top up at most {}.",
                    Money::new(TOP_UP_MAX_UNITS * c.unit(), c)
                ),
            );
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
        p.add("number", "Enter the card number (12 to 19 digits).");
    } else if !luhn_ok(&digits) {
        p.add(
            "number",
            "This card number is not valid. Check it for typos.",
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
        None => p.add("expiry", "Enter the expiry as MM/YY."),
        Some((y, m)) if (y, m) < (today.year(), today.month() as u8) => {
            p.add("expiry", "This card has expired.")
        }
        Some(_) => {}
    }
    let cvc = f.cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
        p.add("cvc", "Enter the 3 or 4 digits on the back of the card.");
    }
    digits
}

/// Credits a succeeded payment to its user's wallet, once (a webhook delivered twice, or a
/// retried request, finds it already credited).
pub async fn credit_payment(conn: &mut PgConnection, payment: Uuid) -> Result<bool, AppError> {
    let p = sqlx::query!(
        r#"SELECT user_id, amount_minor, currency::text AS "currency!", status FROM payments
           WHERE id = $1 FOR UPDATE"#,
        payment
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound("No such payment.".into()))?;
    if p.status == "succeeded" {
        return Ok(false);
    }
    let currency = Currency::parse(&p.currency).ok_or_else(|| AppError::internal("currency"))?;
    let posted = ledger::post(
        conn,
        &Posting {
            kind: TxKind::TopUp,
            key: format!("top_up:{payment}"),
            currency,
            booking: None,
            user: Some(p.user_id),
            memo: "Wallet top-up".into(),
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
pub async fn top_up_sandbox(
    pool: &PgPool,
    user: Uuid,
    form: &CardForm,
    key: &str,
) -> Result<TopUp, AppError> {
    let mut p = Problems::new();
    let amount = parse_amount(&form.amount, &form.currency, &mut p);
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
    let (status, failure) = match digits.as_str() {
        CARD_OK => ("pending", None),
        CARD_DECLINED => (
            "declined",
            Some("Your card was declined. No money was taken; try another card."),
        ),
        _ => (
            "declined",
            Some("The sandbox accepts only its test cards: use 4242 4242 4242 4242."),
        ),
    };
    let last4 = &digits[digits.len().saturating_sub(4)..];
    let id = sqlx::query_scalar!(
        "INSERT INTO payments (user_id, provider, amount_minor, currency, status, card_last4,
            failure, provider_ref)
         VALUES ($1, 'sandbox', $2, $3, $4, $5, $6, 'sandbox_' || gen_random_uuid()) RETURNING id",
        user,
        amount.minor,
        amount.currency.code(),
        status,
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
                message: format!("{amount} was added to your wallet."),
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

/// Records a Stripe Checkout payment before sending the user to Stripe; the wallet is credited
/// only by the signed webhook.
pub async fn start_stripe_payment(
    pool: &PgPool,
    user: Uuid,
    amount: Money,
) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        "INSERT INTO payments (user_id, provider, amount_minor, currency, status)
         VALUES ($1, 'stripe', $2, $3, 'pending') RETURNING id",
        user,
        amount.minor,
        amount.currency.code()
    )
    .fetch_one(pool)
    .await?)
}

pub async fn id_verified(conn: &mut PgConnection, user: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT id_verified_at IS NOT NULL AS "v!" FROM users WHERE id = $1"#,
        user
    )
    .fetch_one(&mut *conn)
    .await?)
}

fn iban_ok(iban: &str) -> bool {
    if !(15..=34).contains(&iban.len())
        || !iban[..2].chars().all(|c| c.is_ascii_uppercase())
        || !iban[2..4].chars().all(|c| c.is_ascii_digit())
        || !iban.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return false;
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        for d in v.to_string().chars() {
            rem = (rem * 10 + d.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    rem == 1
}

/// Normalises and checks a payout destination.
pub fn check_destination(method: &str, typed: &str) -> Result<String, AppError> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    match method {
        "iban" if iban_ok(&compact) => Ok(compact),
        "iban" => Err(AppError::validation(
            "destination",
            "This IBAN is not valid. Check it against your bank statement.",
        )),
        "mobile" => {
            let digits = compact.trim_start_matches('+');
            if compact.starts_with('+')
                && (8..=15).contains(&digits.len())
                && digits.chars().all(|c| c.is_ascii_digit())
            {
                Ok(compact)
            } else {
                Err(AppError::validation(
                    "destination",
                    "Enter the mobile-money number with its country code, such as +254712345678.",
                ))
            }
        }
        _ => Err(AppError::validation(
            "method",
            "Choose a bank account or mobile money.",
        )),
    }
}

fn mask(method: &str, dest: &str) -> String {
    let tail: String = dest
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match method {
        "iban" => format!("Bank account {}…{tail}", &dest[..dest.len().min(4)]),
        _ => format!("Mobile money …{tail}"),
    }
}

/// A withdrawal: the money leaves the available balance at once for "payouts pending", and an
/// admin pays it out or returns it. ID-verified users only.
pub async fn request_withdrawal(
    pool: &PgPool,
    user: Uuid,
    typed_amount: &str,
    currency: &str,
    method: &str,
    destination: &str,
    key: &str,
) -> Result<Uuid, AppError> {
    let s = settings::load(pool).await?;
    let mut p = Problems::new();
    let c = Currency::parse(currency);
    if c.is_none() {
        p.add("currency", "Choose a currency.");
    }
    let amount = c.and_then(|c| match Money::parse(typed_amount, c) {
        Ok(m) if m.minor < s.withdrawal_min_units * c.unit() => {
            p.add(
                "amount",
                format!(
                    "The smallest withdrawal is {}.",
                    Money::new(s.withdrawal_min_units * c.unit(), c)
                ),
            );
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            p.add("amount", e);
            None
        }
    });
    let dest = match check_destination(method, destination) {
        Ok(d) => Some(d),
        Err(e) => {
            let field = if method == "iban" || method == "mobile" {
                "destination"
            } else {
                "method"
            };
            p.add(field, e.field(field).unwrap_or_else(|| e.to_string()));
            None
        }
    };
    p.into_result().map_err(|e| {
        e.with_values(&[
            ("amount", typed_amount),
            ("currency", currency),
            ("method", method),
            ("destination", destination),
        ])
    })?;
    let (Some(amount), Some(dest)) = (amount, dest) else {
        return Err(AppError::internal("withdrawal checked"));
    };
    ledger::ensure_accounts_committed(
        pool,
        &[Acct::User(user), Acct::PayoutsPending],
        amount.currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    if let Some(id) = idem::claim::<Uuid>(&mut tx, user, key, "withdrawal").await? {
        return Ok(id);
    }
    if !id_verified(&mut tx, user).await? {
        return Err(AppError::Conflict(
            "Verify your identity before withdrawing: it protects your money.".into(),
        ));
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO withdrawals (user_id, amount_minor, currency, method, destination)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user,
        amount.minor,
        amount.currency.code(),
        method,
        dest
    )
    .fetch_one(&mut *tx)
    .await?;
    ledger::post(
        &mut tx,
        &Posting {
            kind: TxKind::Withdrawal,
            key: format!("withdrawal:{id}"),
            currency: amount.currency,
            booking: None,
            user: Some(user),
            memo: format!("Withdrawal to {}", mask(method, &dest)),
            legs: vec![
                (Acct::User(user), -amount.minor),
                (Acct::PayoutsPending, amount.minor),
            ],
        },
    )
    .await
    .map_err(|e| match e {
        AppError::InsufficientFunds { short, .. } => AppError::validation(
            "amount",
            format!("That is more than your available balance (short by {short})."),
        ),
        e => e,
    })?;
    idem::answer(&mut tx, user, key, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The admin's decision on a pending withdrawal: paid out, or rejected and returned.
pub async fn decide_withdrawal(
    pool: &PgPool,
    admin: Uuid,
    id: Uuid,
    paid: bool,
    reason: &str,
) -> Result<(), AppError> {
    if !paid && reason.trim().is_empty() {
        return Err(AppError::validation("reason", "Say why, for the user."));
    }
    let mut tx = pool.begin().await?;
    let w = sqlx::query!(
        r#"SELECT w.user_id, w.amount_minor, w.currency::text AS "currency!", w.status,
                  w.method, w.destination, u.email
           FROM withdrawals w JOIN users u ON u.id = w.user_id WHERE w.id = $1 FOR UPDATE OF w"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("No such withdrawal.".into()))?;
    if w.status != "pending" {
        return Err(AppError::Conflict(format!(
            "This withdrawal was already {}.",
            w.status
        )));
    }
    let currency = Currency::parse(&w.currency).ok_or_else(|| AppError::internal("currency"))?;
    let amount = Money::new(w.amount_minor, currency);
    let (kind, legs, status, subject) = if paid {
        (
            TxKind::PayoutPaid,
            vec![
                (Acct::PayoutsPending, -w.amount_minor),
                (Acct::Payouts, w.amount_minor),
            ],
            "paid",
            format!("Your withdrawal of {amount} was paid"),
        )
    } else {
        (
            TxKind::PayoutReturned,
            vec![
                (Acct::PayoutsPending, -w.amount_minor),
                (Acct::User(w.user_id), w.amount_minor),
            ],
            "rejected",
            format!("Your withdrawal of {amount} was returned to your wallet"),
        )
    };
    ledger::post(
        &mut tx,
        &Posting {
            kind,
            key: format!("{}:{id}", kind.code()),
            currency,
            booking: None,
            user: Some(w.user_id),
            memo: if paid {
                format!("Paid to {}", mask(&w.method, &w.destination))
            } else {
                format!("Withdrawal returned: {}", reason.trim())
            },
            legs,
        },
    )
    .await?;
    sqlx::query!(
        "UPDATE withdrawals SET status = $2, reason = NULLIF($3, ''), reviewed_by = $4,
            decided_at = now() WHERE id = $1",
        id,
        status,
        reason.trim(),
        admin
    )
    .execute(&mut *tx)
    .await?;
    let body = if paid {
        format!("{subject} to {}.", mask(&w.method, &w.destination))
    } else {
        format!("{subject}. Reason: {}", reason.trim())
    };
    crate::server::email::enqueue(&mut *tx, &w.email, &subject, &body, "payout").await?;
    crate::server::auth::service::audit(
        &mut tx,
        Some(admin),
        if paid {
            "payout.paid"
        } else {
            "payout.rejected"
        },
        &id.to_string(),
        Some("pending"),
        Some(status),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct WithdrawalRow {
    id: Uuid,
    display_name: String,
    email: String,
    amount_minor: i64,
    currency: String,
    method: String,
    destination: String,
    status: String,
    reason: Option<String>,
    created_at: time::OffsetDateTime,
}

const WITHDRAWALS: &str = "SELECT w.id, u.display_name, u.email, w.amount_minor,
    w.currency::text AS currency, w.method, w.destination, w.status, w.reason, w.created_at
    FROM withdrawals w JOIN users u ON u.id = w.user_id";

impl WithdrawalRow {
    /// The item, with the destination masked unless `full` (the admin pays to it).
    fn item(self, full: bool) -> Option<WithdrawalItem> {
        Some(WithdrawalItem {
            id: self.id,
            user_name: self.display_name,
            user_email: self.email,
            amount: Money::new(self.amount_minor, Currency::parse(&self.currency)?),
            destination: if full {
                self.destination.clone()
            } else {
                mask(&self.method, &self.destination)
            },
            method: self.method,
            status: self.status,
            reason: self.reason,
            at: time_fmt::datetime(self.created_at),
        })
    }
}

/// The admin payouts queue: pending withdrawals, oldest first, with the full destination.
pub async fn payouts_queue(pool: &PgPool) -> Result<Vec<WithdrawalItem>, AppError> {
    let rows: Vec<WithdrawalRow> = sqlx::query_as(&format!(
        "{WITHDRAWALS} WHERE w.status = 'pending' ORDER BY w.created_at LIMIT 200"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(|r| r.item(true)).collect())
}

/// Balances per currency, ID verification and recent withdrawals.
pub async fn overview(pool: &PgPool, user: Uuid, stripe: bool) -> Result<WalletView, AppError> {
    let s = settings::load(pool).await?;
    let rows = sqlx::query!(
        r#"WITH cur AS (
             SELECT currency FROM ledger_accounts WHERE kind = 'user' AND user_id = $1
             UNION SELECT a.currency FROM ledger_accounts a JOIN bookings b ON b.id = a.booking_id
                   WHERE a.kind = 'escrow' AND b.sender_id = $1 AND a.balance_minor > 0
             UNION SELECT currency FROM withdrawals WHERE user_id = $1 AND status = 'pending'
             UNION SELECT currency FROM bookings WHERE traveler_id = $1
                   AND status IN ('accepted', 'picked_up', 'delivered'))
           SELECT c.currency::text AS "currency!",
             coalesce((SELECT balance_minor FROM ledger_accounts WHERE kind = 'user'
                       AND user_id = $1 AND currency = c.currency), 0) AS "available!",
             coalesce((SELECT sum(a.balance_minor) FROM ledger_accounts a
                       JOIN bookings b ON b.id = a.booking_id
                       WHERE a.kind = 'escrow' AND b.sender_id = $1
                         AND a.currency = c.currency), 0)::bigint AS "escrow!",
             coalesce((SELECT sum(amount_minor) FROM withdrawals WHERE user_id = $1
                       AND status = 'pending' AND currency = c.currency), 0)::bigint AS "pending!",
             coalesce((SELECT sum(price_minor) FROM bookings WHERE traveler_id = $1
                       AND status IN ('accepted', 'picked_up', 'delivered')
                       AND currency = c.currency), 0)::bigint AS "incoming!"
           FROM cur c ORDER BY 1"#,
        user
    )
    .fetch_all(pool)
    .await?;
    let balances = rows
        .into_iter()
        .filter_map(|r| {
            let c = Currency::parse(&r.currency)?;
            Some(Balance {
                available: Money::new(r.available, c),
                in_escrow: Money::new(r.escrow, c),
                pending_withdrawals: Money::new(r.pending, c),
                incoming: Money::new(r.incoming, c),
            })
        })
        .collect();
    let rows: Vec<WithdrawalRow> = sqlx::query_as(&format!(
        "{WITHDRAWALS} WHERE w.user_id = $1 ORDER BY w.created_at DESC LIMIT 20"
    ))
    .bind(user)
    .fetch_all(pool)
    .await?;
    let withdrawals = rows.into_iter().filter_map(|r| r.item(false)).collect();
    Ok(WalletView {
        balances,
        id_verification: super::verification::state(pool, user).await?,
        provider: if stripe { "stripe" } else { "sandbox" }.into(),
        withdrawal_min_units: s.withdrawal_min_units,
        withdrawals,
    })
}

pub const HISTORY_PAGE: i64 = 20;

/// The entries on the user's wallet accounts, newest first, each with its booking or receipt.
pub async fn history(pool: &PgPool, user: Uuid, page: i64) -> Result<History, AppError> {
    let page = page.max(1);
    let rows = sqlx::query!(
        r#"SELECT e.amount_minor, e.currency::text AS "currency!", e.created_at, t.kind, t.memo,
                  t.booking_id, p.id AS "payment?", w.id AS "withdrawal?",
                  pa.title AS "parcel?"
           FROM ledger_entries e
           JOIN ledger_accounts a ON a.id = e.account_id
           JOIN ledger_transactions t ON t.id = e.transaction_id
           LEFT JOIN payments p ON p.ledger_tx_id = t.id
           -- A withdrawal's postings are keyed "withdrawal:<id>" / "payout_returned:<id>".
           LEFT JOIN withdrawals w ON w.id = CASE
                WHEN t.kind IN ('withdrawal', 'payout_returned')
                THEN split_part(t.idempotency_key, ':', 2)::uuid END
           LEFT JOIN bookings b ON b.id = t.booking_id
           LEFT JOIN parcels pa ON pa.id = b.parcel_id
           WHERE a.kind = 'user' AND a.user_id = $1
           ORDER BY e.id DESC LIMIT $2 OFFSET $3"#,
        user,
        HISTORY_PAGE + 1,
        (page - 1) * HISTORY_PAGE
    )
    .fetch_all(pool)
    .await?;
    let has_more = rows.len() as i64 > HISTORY_PAGE;
    let items = rows
        .into_iter()
        .take(HISTORY_PAGE as usize)
        .filter_map(|r| {
            let c = Currency::parse(&r.currency)?;
            let what = match (r.kind.as_str(), r.parcel) {
                ("hold", Some(t)) => format!("Paid into escrow: {t}"),
                ("hold_return", Some(t)) => format!("Escrow returned after a new price: {t}"),
                ("release", Some(t)) => format!("Earned for delivering: {t}"),
                ("refund", Some(t)) => format!("Refund: {t}"),
                _ => r.memo.clone(),
            };
            Some(HistoryItem {
                at: time_fmt::datetime(r.created_at),
                what,
                amount: Money::new(r.amount_minor, c),
                booking_id: r.booking_id,
                receipt: r
                    .payment
                    .map(|p| format!("/wallet/receipts/payment/{p}"))
                    .or(r.withdrawal.map(|w| format!("/wallet/receipts/payout/{w}"))),
            })
        })
        .collect();
    Ok(History {
        items,
        page,
        has_more,
    })
}

/// A printable receipt for a payment or a payout, for its owner or an admin.
pub async fn receipt(
    pool: &PgPool,
    viewer: Uuid,
    admin: bool,
    kind: &str,
    id: Uuid,
) -> Result<Receipt, AppError> {
    let missing = || AppError::NotFound("This receipt does not exist, or it is not yours.".into());
    match kind {
        "payment" => {
            let r = sqlx::query!(
                r#"SELECT p.user_id, p.amount_minor, p.currency::text AS "currency!", p.status,
                          p.provider, p.card_last4, p.created_at, p.settled_at, p.provider_ref,
                          u.display_name, u.email
                   FROM payments p JOIN users u ON u.id = p.user_id WHERE p.id = $1"#,
                id
            )
            .fetch_optional(pool)
            .await?
            .filter(|r| admin || r.user_id == viewer)
            .ok_or_else(missing)?;
            let c = Currency::parse(&r.currency).ok_or_else(missing)?;
            Ok(Receipt {
                kind: "Payment".into(),
                number: format!("P-{}", &id.simple().to_string()[..12].to_uppercase()),
                at: time_fmt::datetime(r.settled_at.unwrap_or(r.created_at)),
                name: r.display_name,
                email: r.email,
                amount: Money::new(r.amount_minor, c),
                status: r.status,
                method: match r.card_last4 {
                    Some(l) => format!("Card ending {l}"),
                    None => "Card (Stripe Checkout)".into(),
                },
                lines: vec![
                    (
                        "Wallet top-up".into(),
                        Money::new(r.amount_minor, c).to_string(),
                    ),
                    ("Provider".into(), r.provider),
                    ("Reference".into(), r.provider_ref.unwrap_or_default()),
                ],
            })
        }
        "payout" => {
            let r = sqlx::query!(
                r#"SELECT w.user_id, w.amount_minor, w.currency::text AS "currency!", w.status,
                          w.method, w.destination, w.created_at, w.decided_at, w.reason,
                          u.display_name, u.email
                   FROM withdrawals w JOIN users u ON u.id = w.user_id WHERE w.id = $1"#,
                id
            )
            .fetch_optional(pool)
            .await?
            .filter(|r| admin || r.user_id == viewer)
            .ok_or_else(missing)?;
            let c = Currency::parse(&r.currency).ok_or_else(missing)?;
            let mut lines = vec![
                (
                    "Withdrawal".into(),
                    Money::new(r.amount_minor, c).to_string(),
                ),
                ("Requested".into(), time_fmt::datetime(r.created_at)),
            ];
            if let Some(d) = r.decided_at {
                lines.push(("Decided".into(), time_fmt::datetime(d)));
            }
            if let Some(reason) = r.reason {
                lines.push(("Reason".into(), reason));
            }
            Ok(Receipt {
                kind: "Payout".into(),
                number: format!("W-{}", &id.simple().to_string()[..12].to_uppercase()),
                at: time_fmt::datetime(r.decided_at.unwrap_or(r.created_at)),
                name: r.display_name,
                email: r.email,
                amount: Money::new(r.amount_minor, c),
                status: r.status,
                method: mask(&r.method, &r.destination),
                lines,
            })
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_and_destinations() {
        assert!(luhn_ok(CARD_OK));
        assert!(luhn_ok(CARD_DECLINED));
        assert!(!luhn_ok("4242424242424241"));
        assert!(iban_ok("DE89370400440532013000"));
        assert!(iban_ok("GB82WEST12345698765432"));
        assert!(!iban_ok("DE89370400440532013001"));
        assert_eq!(
            check_destination("iban", "de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert!(check_destination("mobile", "+254 712 345 678").is_ok());
        assert!(check_destination("mobile", "0712345678").is_err());
        assert!(check_destination("cash", "x").is_err());
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
