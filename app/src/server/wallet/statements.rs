//! What a member reads about their money (PRODUCT §7): balances per currency, the history of
//! every entry on their wallet, and printable receipts.

use super::withdrawals::{self, mask};
use crate::error::AppError;
use crate::server::accounts::verification;
use crate::server::money::ledger::TxKind;
use crate::server::{settings, time};
use crate::types::wallet::{Balance, History, HistoryItem, Receipt, WalletView};
use crate::types::{
    BookingId, Currency, Money, PaymentStatus, PayoutMethod, ReceiptKind, UserId, WithdrawalStatus,
};
use sqlx::PgPool;
use uuid::Uuid;

/// Balances per currency, ID verification and recent withdrawals.
/// `provider` is the card provider that tops wallets up ("stripe", "sandbox" or "none").
pub async fn overview(pool: &PgPool, user: UserId, provider: &str) -> Result<WalletView, AppError> {
    let s = settings::load(pool).await?;
    let rows = sqlx::query!(
        r#"WITH cur AS (
             SELECT currency FROM ledger_accounts WHERE kind = 'user' AND user_id = $1
             UNION SELECT a.currency FROM ledger_accounts a JOIN bookings b ON b.id = a.booking_id
                   WHERE a.kind = 'escrow' AND b.sender_id = $1 AND a.balance_minor > 0
             UNION SELECT currency FROM withdrawals WHERE user_id = $1 AND status = 'pending'
             UNION SELECT currency FROM bookings WHERE traveler_id = $1
                   AND status IN ('accepted', 'picked_up', 'delivered'))
           SELECT c.currency AS "currency!: Currency",
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
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    let balances: Vec<Balance> = rows
        .into_iter()
        .map(|r| {
            let c = r.currency;
            Balance {
                available: Money::new(r.available, c),
                in_escrow: Money::new(r.escrow, c),
                pending_withdrawals: Money::new(r.pending, c),
                incoming: Money::new(r.incoming, c),
            }
        })
        .collect();
    // The smallest withdrawal in each currency the user holds (in euros when they hold none).
    let mut held: Vec<Currency> = balances.iter().map(|b| b.available.currency).collect();
    if held.is_empty() {
        held.push(Currency::Eur);
    }
    let withdrawal_minimums = held
        .into_iter()
        .map(|c| s.rates.euros(s.withdrawal_min_units, c))
        .collect();
    Ok(WalletView {
        balances,
        withdrawals: withdrawals::mine(pool, user).await?,
        id_verification: verification::state(pool, user).await?,
        provider: provider.into(),
        withdrawal_minimums,
    })
}

pub const HISTORY_PAGE: i64 = 20;
/// Deeper history pages are not served.
pub const HISTORY_MAX_PAGE: i64 = 10_000;

/// The entries on the user's wallet accounts, newest first, each with its booking or receipt.
pub async fn history(pool: &PgPool, user: UserId, page: i64) -> Result<History, AppError> {
    let page = page.clamp(1, HISTORY_MAX_PAGE);
    let rows = sqlx::query!(
        r#"SELECT e.amount_minor, e.currency AS "currency: Currency", e.created_at,
                  t.kind AS "kind: TxKind", t.memo, t.booking_id AS "booking_id: BookingId",
                  p.id AS "payment?", w.id AS "withdrawal?",
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
        user as UserId,
        HISTORY_PAGE + 1,
        (page - 1) * HISTORY_PAGE
    )
    .fetch_all(pool)
    .await?;
    let has_more = rows.len() > usize::try_from(HISTORY_PAGE).unwrap_or(usize::MAX);
    let items = rows
        .into_iter()
        .take(usize::try_from(HISTORY_PAGE).unwrap_or(usize::MAX))
        .map(|r| {
            let what = match (r.kind, r.parcel) {
                (TxKind::Hold, Some(t)) => format!("Paid into escrow: {t}"),
                (TxKind::HoldReturn, Some(t)) => format!("Escrow returned after a new price: {t}"),
                (TxKind::Release, Some(t)) => format!("Earned for delivering: {t}"),
                (TxKind::Refund, Some(t)) => format!("Refund: {t}"),
                _ => r.memo.clone(),
            };
            HistoryItem {
                at: time::datetime(r.created_at),
                what,
                amount: Money::new(r.amount_minor, r.currency),
                booking_id: r.booking_id,
                receipt: r
                    .payment
                    .map(|p| format!("/wallet/receipts/payment/{p}"))
                    .or(r.withdrawal.map(|w| format!("/wallet/receipts/payout/{w}"))),
            }
        })
        .collect();
    Ok(History {
        items,
        page,
        has_more,
    })
}

fn missing() -> AppError {
    AppError::NotFound("This receipt does not exist, or it is not yours.".into())
}

/// "P-0123456789AB" from a payment's id.
fn number(prefix: char, id: Uuid) -> String {
    let hex = id.simple().to_string().to_uppercase();
    format!("{prefix}-{}", &hex[..12])
}

/// A printable receipt for a payment or a payout, for its owner or an admin.
pub async fn receipt(
    pool: &PgPool,
    viewer: UserId,
    admin: bool,
    kind: ReceiptKind,
    id: Uuid,
) -> Result<Receipt, AppError> {
    match kind {
        ReceiptKind::Payment => payment_receipt(pool, viewer, admin, id).await,
        ReceiptKind::Payout => payout_receipt(pool, viewer, admin, id).await,
    }
}

async fn payment_receipt(
    pool: &PgPool,
    viewer: UserId,
    admin: bool,
    id: Uuid,
) -> Result<Receipt, AppError> {
    let r = sqlx::query!(
        r#"SELECT p.user_id AS "user_id: UserId", p.amount_minor,
                  p.currency AS "currency: Currency", p.status AS "status: PaymentStatus",
                  p.provider, p.card_last4, p.created_at, p.settled_at, p.provider_ref,
                  u.display_name, u.email
           FROM payments p JOIN users u ON u.id = p.user_id WHERE p.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .filter(|r| admin || r.user_id == viewer)
    .ok_or_else(missing)?;
    let amount = Money::new(r.amount_minor, r.currency);
    Ok(Receipt {
        kind: "Payment".into(),
        number: number('P', id),
        at: time::datetime(r.settled_at.unwrap_or(r.created_at)),
        name: r.display_name,
        email: r.email,
        amount,
        status: r.status.label().into(),
        method: match r.card_last4 {
            Some(l) => format!("Card ending {l}"),
            None => "Card (Stripe Checkout)".into(),
        },
        lines: vec![
            ("Wallet top-up".into(), amount.to_string()),
            ("Provider".into(), r.provider),
            ("Reference".into(), r.provider_ref.unwrap_or_default()),
        ],
    })
}

async fn payout_receipt(
    pool: &PgPool,
    viewer: UserId,
    admin: bool,
    id: Uuid,
) -> Result<Receipt, AppError> {
    let r = sqlx::query!(
        r#"SELECT w.user_id AS "user_id: UserId", w.amount_minor,
                  w.currency AS "currency: Currency", w.status AS "status: WithdrawalStatus",
                  w.method AS "method: PayoutMethod", w.destination, w.created_at,
                  w.decided_at, w.reason, u.display_name, u.email
           FROM withdrawals w JOIN users u ON u.id = w.user_id WHERE w.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .filter(|r| admin || r.user_id == viewer)
    .ok_or_else(missing)?;
    let amount = Money::new(r.amount_minor, r.currency);
    let mut lines = vec![
        ("Withdrawal".into(), amount.to_string()),
        ("Requested".into(), time::datetime(r.created_at)),
    ];
    if let Some(d) = r.decided_at {
        lines.push(("Decided".into(), time::datetime(d)));
    }
    if let Some(reason) = r.reason {
        lines.push(("Reason".into(), reason));
    }
    Ok(Receipt {
        kind: "Payout".into(),
        number: number('W', id),
        at: time::datetime(r.decided_at.unwrap_or(r.created_at)),
        name: r.display_name,
        email: r.email,
        amount,
        status: r.status.label().into(),
        method: mask(r.method, &r.destination),
        lines,
    })
}
