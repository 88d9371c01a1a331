//! What a member reads about their money (PRODUCT §7): balances per currency and the history of
//! every entry on their wallet, each with its printable receipt (`receipts`).

pub use super::receipts::receipt;
use super::withdrawals;
use crate::error::AppError;
use crate::server::accounts::verification;
use crate::server::money::ledger::TxKind;
use crate::server::{settings, time};
use crate::types::wallet::{Balance, History, HistoryItem, WalletView};
use crate::types::{BookingId, Currency, Money, UserId};
use sqlx::PgPool;

/// Balances per currency, ID verification and recent withdrawals.
/// `provider` is the card provider that tops wallets up ("stripe", "sandbox" or "none").
pub async fn overview(
    pool: &PgPool,
    user: UserId,
    provider: &str,
    tz: &str,
) -> Result<WalletView, AppError> {
    let s = settings::current(pool).await?;
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
        withdrawals: withdrawals::mine(pool, user, tz).await?,
        id_verification: verification::state(pool, user).await?,
        provider: provider.into(),
        withdrawal_minimums,
    })
}

pub const HISTORY_PAGE: i64 = 20;
/// Deeper history pages are not served.
pub const HISTORY_MAX_PAGE: i64 = 10_000;

/// The entries on the user's wallet accounts, newest first, each with its booking or receipt.
pub async fn history(
    pool: &PgPool,
    user: UserId,
    page: i64,
    tz: &str,
) -> Result<History, AppError> {
    let page = page.clamp(1, HISTORY_MAX_PAGE);
    let rows = sqlx::query!(
        r#"SELECT e.amount_minor, e.currency AS "currency: Currency", e.created_at,
                  t.kind AS "kind: TxKind", t.memo, t.booking_id AS "booking_id: BookingId",
                  p.id AS "payment?", w.id AS "withdrawal?", t.receipt_id,
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
                (TxKind::Release | TxKind::Refund, Some(t))
                    if r.memo == "Settled after a dispute" =>
                {
                    crate::trf!("Dispute settled: {}", t)
                }
                (TxKind::Hold, Some(t)) => crate::trf!("Paid into escrow: {}", t),
                (TxKind::HoldReturn, Some(t)) => {
                    crate::trf!("Escrow returned after a new price: {}", t)
                }
                (TxKind::Release, Some(t)) => crate::trf!("Earned for delivering: {}", t),
                (TxKind::Refund, Some(t)) => crate::trf!("Refund: {}", t),
                _ => crate::i18n::tr_stored(&r.memo),
            };
            HistoryItem {
                at: time::datetime_in(r.created_at, tz),
                what,
                amount: Money::new(r.amount_minor, r.currency),
                booking_id: r.booking_id,
                receipt: Some(
                    r.payment
                        .map(|p| format!("/wallet/receipts/payment/{p}"))
                        .or(r.withdrawal.map(|w| format!("/wallet/receipts/payout/{w}")))
                        .unwrap_or_else(|| format!("/wallet/receipts/movement/{}", r.receipt_id)),
                ),
            }
        })
        .collect();
    Ok(History {
        items,
        page,
        has_more,
    })
}
