//! The admins' bookings inspector and ledger explorer (PRODUCT §12): any booking's timeline
//! with its ledger transactions; transactions and their entries by booking, member, account
//! kind and dates.

use crate::error::AppError;
use crate::server::bookings::{store as bookings, view};
use crate::server::money::escrow;
use crate::server::time;
use crate::types::admin::{BookingInspect, EntryItem, TxItem};
use crate::types::{BookingId, Currency, Money};
use ::time::Date;
use sqlx::PgPool;
use uuid::Uuid;

/// The account kinds one may filter by.
pub const ACCOUNT_KINDS: &[(&str, &str)] = &[
    ("user", crate::i18n::key("Member wallets")),
    ("escrow", crate::i18n::key("Escrow")),
    ("fees", crate::i18n::key("Fees")),
    ("protection", crate::i18n::key("Protection pool")),
    ("provider", crate::i18n::key("Card payments")),
    ("payouts_pending", crate::i18n::key("Payouts pending")),
    ("payouts", crate::i18n::key("Payouts paid")),
];

/// What the explorer filters by, as typed (every field optional).
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    /// A booking id or tracking number.
    pub booking: String,
    /// A member's email.
    pub email: String,
    pub account: String,
    pub from: String,
    pub to: String,
}

/// A booking by its id or tracking number ("CR-…", any case).
async fn find_booking(pool: &PgPool, q: &str) -> Result<BookingId, AppError> {
    let q = q.trim();
    let found = match Uuid::parse_str(q) {
        Ok(id) => {
            sqlx::query_scalar!(
                r#"SELECT id AS "id: BookingId" FROM bookings WHERE id = $1"#,
                id
            )
            .fetch_optional(pool)
            .await?
        }
        Err(_) => {
            sqlx::query_scalar!(
                r#"SELECT id AS "id: BookingId" FROM bookings WHERE tracking_no = upper($1)"#,
                q
            )
            .fetch_optional(pool)
            .await?
        }
    };
    found.ok_or_else(|| AppError::NotFound("No booking has this id or tracking number.".into()))
}

fn date(field: &str, raw: &str) -> Result<Option<Date>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    time::parse_date(raw.trim())
        .map(Some)
        .map_err(|m| AppError::validation(field, m))
}

/// Transactions matching the filter, newest first (at most 100), with their entries.
pub async fn transactions(
    pool: &PgPool,
    f: &LedgerFilter,
    tz: &str,
) -> Result<Vec<TxItem>, AppError> {
    let booking = if f.booking.trim().is_empty() {
        None
    } else {
        Some(find_booking(pool, &f.booking).await?)
    };
    let user = if f.email.trim().is_empty() {
        None
    } else {
        Some(
            crate::server::accounts::profile::id_by_email(pool, &f.email)
                .await?
                .ok_or_else(|| {
                    AppError::validation("email", crate::i18n::tr("No member has this email."))
                })?,
        )
    };
    let account = f.account.trim();
    if !account.is_empty() && !ACCOUNT_KINDS.iter().any(|(k, _)| *k == account) {
        return Err(AppError::validation(
            "account",
            crate::i18n::tr("Choose an account from the list."),
        ));
    }
    let (from, to) = (date("from", &f.from)?, date("to", &f.to)?);
    let ids = sqlx::query_scalar!(
        r#"SELECT t.id FROM ledger_transactions t
           WHERE ($1::uuid IS NULL OR t.booking_id = $1)
             AND ($2::uuid IS NULL OR t.user_id = $2 OR EXISTS (
                   SELECT 1 FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
                   WHERE e.transaction_id = t.id AND a.user_id = $2))
             AND ($3 = '' OR EXISTS (
                   SELECT 1 FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
                   WHERE e.transaction_id = t.id AND a.kind = $3))
             AND ($4::date IS NULL OR t.created_at >= $4::date)
             AND ($5::date IS NULL OR t.created_at < $5::date + 1)
           ORDER BY t.id DESC LIMIT 100"#,
        booking.map(|b| b.0),
        user.map(|u| u.0),
        account,
        from,
        to
    )
    .fetch_all(pool)
    .await?;
    load(pool, &ids, tz).await
}

/// The transactions `ids` with their entries, in the order given.
async fn load(pool: &PgPool, ids: &[i64], tz: &str) -> Result<Vec<TxItem>, AppError> {
    let txs = sqlx::query!(
        r#"SELECT id, kind, memo, booking_id AS "booking: BookingId", created_at
           FROM ledger_transactions WHERE id = ANY($1)"#,
        ids
    )
    .fetch_all(pool)
    .await?;
    let entries = sqlx::query!(
        r#"SELECT e.transaction_id, e.amount_minor, e.currency AS "currency!", a.kind,
                  u.display_name AS "name?", b.tracking_no AS "tracking?", a.booking_id
           FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
           LEFT JOIN users u ON u.id = a.user_id
           LEFT JOIN bookings b ON b.id = a.booking_id
           WHERE e.transaction_id = ANY($1) ORDER BY e.id"#,
        ids
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<TxItem> = ids
        .iter()
        .filter_map(|id| txs.iter().find(|t| t.id == *id))
        .map(|t| TxItem {
            id: t.id,
            kind: t.kind.replace('_', " "),
            at: time::datetime_in(t.created_at, tz),
            memo: t.memo.clone(),
            booking: t.booking,
            entries: Vec::new(),
        })
        .collect();
    for e in entries {
        let Some(tx) = out.iter_mut().find(|t| t.id == e.transaction_id) else {
            continue;
        };
        let currency = Currency::parse(e.currency.trim()).unwrap_or(Currency::Eur);
        let account = match e.kind.as_str() {
            "user" => crate::trf!("Wallet of {}", e.name.unwrap_or_default()),
            "escrow" => crate::trf!(
                "Escrow of {}",
                e.tracking
                    .or_else(|| e.booking_id.map(|b| b.to_string()))
                    .unwrap_or_default()
            ),
            other => ACCOUNT_KINDS.iter().find(|(k, _)| *k == other).map_or_else(
                || other.to_string(),
                |(_, l)| crate::i18n::tr(l).to_string(),
            ),
        };
        tx.entries.push(EntryItem {
            account,
            amount: Money::new(e.amount_minor, currency),
        });
    }
    Ok(out)
}

/// A booking by id or tracking number, for the inspector.
pub async fn booking(pool: &PgPool, q: &str, tz: &str) -> Result<BookingInspect, AppError> {
    let id = find_booking(pool, q).await?;
    let mut conn = pool.acquire().await?;
    let b = bookings::get(&mut conn, id).await?;
    let events = view::timeline(&mut conn, &b, tz).await?;
    let held = escrow::held(&mut conn, id, b.currency).await?;
    let r = sqlx::query!(
        r#"SELECT p.title, o.label || ' → ' || d.label AS "route!",
                  s.display_name AS sender, t2.display_name AS traveler,
                  (SELECT id FROM disputes WHERE booking_id = $1) AS dispute
           FROM bookings b JOIN parcels p ON p.id = b.parcel_id
           JOIN trips t ON t.id = b.trip_id
           JOIN places o ON o.id = t.origin_id JOIN places d ON d.id = t.destination_id
           JOIN users s ON s.id = b.sender_id JOIN users t2 ON t2.id = b.traveler_id
           WHERE b.id = $1"#,
        id as BookingId
    )
    .fetch_one(&mut *conn)
    .await?;
    drop(conn);
    let ids = sqlx::query_scalar!(
        "SELECT id FROM ledger_transactions WHERE booking_id = $1 ORDER BY id",
        id as BookingId
    )
    .fetch_all(pool)
    .await?;
    Ok(BookingInspect {
        id,
        tracking_no: b.tracking_no.clone().unwrap_or_default(),
        parcel_title: r.title,
        route: r.route,
        sender: (b.sender_id, r.sender),
        traveler: (b.traveler_id, r.traveler),
        status: b.status,
        price: Money::new(b.price_minor, b.currency),
        held: Money::new(held, b.currency),
        events,
        transactions: load(pool, &ids, tz).await?,
        dispute: r.dispute,
    })
}
