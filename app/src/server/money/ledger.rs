//! The double-entry ledger (PRODUCT §7). Every movement of money is one transaction of two or
//! more entries that sum to zero; the database refuses anything else at commit, keeps each
//! account's balance equal to the sum of its entries, refuses a negative balance on any account
//! but the payment provider's, refuses edits and deletes, and settles a booking's escrow once.
//!
//! Lock order: callers lock their business rows first (trip → parcel → booking), then `post`
//! locks every account of the transaction in ascending id order. Two transfers touching the
//! same accounts therefore queue instead of deadlocking.

use crate::error::AppError;
use crate::types::words::word_enum;
use crate::types::{BookingId, Currency, Money, UserId};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// An account, named by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Acct {
    /// A user's available balance.
    User(UserId),
    /// The money held for one booking.
    Escrow(BookingId),
    /// The platform's service fees.
    Fees,
    /// Protection premiums, from which an admin pays out on a decided dispute.
    Protection,
    /// The payment provider: money that came in from cards (a negative balance).
    Provider,
    /// Withdrawals requested and not yet paid out.
    PayoutsPending,
    /// Withdrawals paid out to banks and mobile wallets.
    Payouts,
}

impl Acct {
    fn kind(self) -> &'static str {
        match self {
            Acct::User(_) => "user",
            Acct::Escrow(_) => "escrow",
            Acct::Fees => "fees",
            Acct::Protection => "protection",
            Acct::Provider => "provider",
            Acct::PayoutsPending => "payouts_pending",
            Acct::Payouts => "payouts",
        }
    }
    fn user(self) -> Option<Uuid> {
        match self {
            Acct::User(u) => Some(u.0),
            _ => None,
        }
    }
    fn booking(self) -> Option<Uuid> {
        match self {
            Acct::Escrow(b) => Some(b.0),
            _ => None,
        }
    }
    /// Whether the code refuses to take this account below zero (the database does too).
    fn must_stay_positive(self) -> bool {
        !matches!(self, Acct::Provider)
    }
}

word_enum!(
    /// What kind of movement a transaction is (stored; the escrow settlement kinds are unique
    /// per booking).
    TxKind {
        TopUp = "top_up": "Wallet top-up",
        Hold = "hold": "Paid into escrow",
        HoldReturn = "hold_return": "Returned from escrow",
        Release = "release": "Released to the traveler",
        Refund = "refund": "Refunded",
        Withdrawal = "withdrawal": "Withdrawal",
        PayoutPaid = "payout_paid": "Payout paid",
        PayoutReturned = "payout_returned": "Payout returned",
    }
);

/// One transaction to post: legs in one currency that sum to zero.
#[derive(Debug, Clone)]
pub struct Posting {
    pub kind: TxKind,
    /// Unique per movement: posting the same key again moves nothing.
    pub key: String,
    pub currency: Currency,
    pub booking: Option<BookingId>,
    pub user: Option<UserId>,
    pub memo: String,
    pub legs: Vec<(Acct, i64)>,
}

/// The outcome of `post`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub tx_id: i64,
    /// False when the key had been posted before and nothing moved this time.
    pub fresh: bool,
}

/// The accounts a release credits (besides the escrow it debits).
pub fn release_accounts(traveler: UserId) -> [Acct; 3] {
    [Acct::User(traveler), Acct::Fees, Acct::Protection]
}

/// Creates the accounts if they are missing. Run it outside the money-moving transaction when
/// you can (`ensure_accounts_committed`), so a new account's insert never waits inside it.
pub async fn ensure_accounts(
    conn: &mut PgConnection,
    accts: &[Acct],
    currency: Currency,
) -> Result<(), AppError> {
    for a in accts {
        sqlx::query!(
            "INSERT INTO ledger_accounts (kind, user_id, booking_id, currency)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            a.kind(),
            a.user(),
            a.booking(),
            currency as Currency
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// `ensure_accounts` in its own short transaction.
pub async fn ensure_accounts_committed(
    pool: &PgPool,
    accts: &[Acct],
    currency: Currency,
) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    ensure_accounts(&mut conn, accts, currency).await
}

/// id, kind, user, booking, balance.
type AccountRow = (i64, String, Option<Uuid>, Option<Uuid>, i64);

/// The accounts' (id, balance), in the order asked, `None` where an account does not exist.
/// One query, on the owner index; with `lock`, the rows are locked in ascending id order.
async fn lookup(
    conn: &mut PgConnection,
    accts: &[Acct],
    currency: Currency,
    lock: bool,
) -> Result<Vec<Option<(i64, i64)>>, AppError> {
    let users: Vec<Uuid> = accts.iter().filter_map(|a| a.user()).collect();
    let bookings: Vec<Uuid> = accts.iter().filter_map(|a| a.booking()).collect();
    let system: Vec<&str> = accts
        .iter()
        .filter(|a| a.user().is_none() && a.booking().is_none())
        .map(|a| a.kind())
        .collect();
    let sql = format!(
        "SELECT id, kind, user_id, booking_id, balance_minor FROM ledger_accounts
         WHERE currency = $4 AND (
              (kind = 'user' AND user_id = ANY($1) AND booking_id IS NULL)
           OR (kind = 'escrow' AND user_id IS NULL AND booking_id = ANY($2))
           OR (kind = ANY($3) AND user_id IS NULL AND booking_id IS NULL))
         ORDER BY id{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let rows: Vec<AccountRow> = sqlx::query_as(&sql)
        .bind(&users)
        .bind(&bookings)
        .bind(&system)
        .bind(currency)
        .fetch_all(&mut *conn)
        .await?;
    Ok(accts
        .iter()
        .map(|a| {
            rows.iter()
                .find(|r| r.1 == a.kind() && r.2 == a.user() && r.3 == a.booking())
                .map(|r| (r.0, r.4))
        })
        .collect())
}

/// An account's balance (zero when it does not exist yet). Lock it first if you act on it.
pub async fn balance(
    conn: &mut PgConnection,
    a: Acct,
    currency: Currency,
) -> Result<i64, AppError> {
    Ok(lookup(conn, &[a], currency, false).await?[0]
        .map(|(_, b)| b)
        .unwrap_or(0))
}

/// Locks the accounts (ascending id), creating any that are missing, and returns their
/// (id, balance) in the order given.
pub async fn lock(
    conn: &mut PgConnection,
    accts: &[Acct],
    currency: Currency,
) -> Result<Vec<(i64, i64)>, AppError> {
    for attempt in 0..2 {
        let found = lookup(conn, accts, currency, true).await?;
        if found.iter().all(Option::is_some) {
            return Ok(found.into_iter().flatten().collect());
        }
        if attempt == 0 {
            let missing: Vec<Acct> = accts
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|(a, _)| *a)
                .collect();
            ensure_accounts(conn, &missing, currency).await?;
        }
    }
    Err(AppError::internal(format!(
        "ledger accounts {accts:?} missing"
    )))
}

/// Posts one transaction inside the caller's database transaction. Idempotent by `key`: when
/// the key was posted before, nothing moves and the first transaction's id is returned.
/// Refuses, with a clear error, to take a user's or an escrow's balance below zero.
pub async fn post(conn: &mut PgConnection, p: &Posting) -> Result<Posted, AppError> {
    if p.legs.len() < 2 || p.legs.iter().map(|(_, a)| *a).sum::<i64>() != 0 {
        return Err(AppError::internal(format!(
            "unbalanced posting {}: {:?}",
            p.key, p.legs
        )));
    }
    let accts: Vec<Acct> = p.legs.iter().map(|(a, _)| *a).collect();
    let locked = lock(conn, &accts, p.currency).await?;
    post_locked(conn, p, &locked).await
}

/// `post` for a caller that has just locked the posting's accounts (`locked`: their
/// (id, balance) in the order of the legs).
pub async fn post_locked(
    conn: &mut PgConnection,
    p: &Posting,
    locked: &[(i64, i64)],
) -> Result<Posted, AppError> {
    for ((acct, amount), (_, bal)) in p.legs.iter().zip(locked) {
        if acct.must_stay_positive() && bal + amount < 0 {
            // A retry of a posting that already moved the money is not short of anything.
            if let Some(tx_id) = existing(conn, &p.key).await? {
                return Ok(Posted {
                    tx_id,
                    fresh: false,
                });
            }
            let short = Money::new(-(bal + amount), p.currency);
            return Err(match acct {
                Acct::User(_) => AppError::InsufficientFunds {
                    message: crate::trf!("Your wallet is {} short for this.", short),
                    short,
                },
                _ => AppError::internal(format!("posting {} would overdraw {acct:?}", p.key)),
            });
        }
    }
    let account_ids: Vec<i64> = locked.iter().map(|(id, _)| *id).collect();
    let amounts: Vec<i64> = p.legs.iter().map(|(_, a)| *a).collect();
    // The locks are held: a racing post with the same key has committed (the insert then
    // conflicts and moves nothing) or rolled back.
    let tx_id = sqlx::query_scalar!(
        r#"WITH t AS (
             INSERT INTO ledger_transactions (kind, idempotency_key, booking_id, user_id, memo)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id),
           e AS (
             INSERT INTO ledger_entries (transaction_id, account_id, currency, amount_minor)
             SELECT t.id, a, $6, m FROM t, unnest($7::bigint[], $8::bigint[]) AS x(a, m)
             WHERE m <> 0)
           SELECT id AS "id!" FROM t"#,
        p.kind as TxKind,
        p.key,
        p.booking as Option<BookingId>,
        p.user as Option<UserId>,
        p.memo,
        p.currency as Currency,
        &account_ids,
        &amounts
    )
    .fetch_optional(&mut *conn)
    .await?;
    match tx_id {
        Some(tx_id) => Ok(Posted { tx_id, fresh: true }),
        None => Ok(Posted {
            tx_id: existing(conn, &p.key)
                .await?
                .ok_or_else(|| AppError::internal("idempotency key vanished"))?,
            fresh: false,
        }),
    }
}

async fn existing(conn: &mut PgConnection, key: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "SELECT id FROM ledger_transactions WHERE idempotency_key = $1",
        key
    )
    .fetch_optional(&mut *conn)
    .await?)
}

/// One finding of the invariant check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    /// What was wrong (the first few offenders), or what was checked.
    pub detail: String,
}

/// The full invariant check (the admin page and the test command run it): balances equal the
/// sum of their entries, every transaction balances per currency with two or more entries, no
/// balance but the provider's is negative, every settled booking's escrow is zero, and the
/// whole ledger sums to zero per currency.
pub async fn check(pool: &PgPool) -> Result<Vec<Finding>, AppError> {
    // One consistent snapshot for every query. A transaction from the pool: on an early error it
    // is rolled back when dropped, never handed to the next user half-open.
    let mut conn = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *conn)
        .await?;
    let mut out = Vec::new();
    let accounts: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM ledger_accounts"#)
        .fetch_one(&mut *conn)
        .await?;
    let txs: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM ledger_transactions"#)
        .fetch_one(&mut *conn)
        .await?;
    let bad = sqlx::query_scalar!(
        r#"SELECT format('account %s: balance %s, entries %s', a.id, a.balance_minor,
                         coalesce(e.total, 0)) AS "d!"
           FROM ledger_accounts a
           LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM ledger_entries
                      GROUP BY account_id) e ON e.account_id = a.id
           WHERE a.balance_minor <> coalesce(e.total, 0) LIMIT 5"#
    )
    .fetch_all(&mut *conn)
    .await?;
    out.push(finding(
        crate::i18n::tr("Every balance equals the sum of its entries"),
        bad,
        crate::trf!("{} accounts", accounts),
    ));
    let bad = sqlx::query_scalar!(
        r#"SELECT format('transaction %s', t.id) AS "d!" FROM ledger_transactions t
           WHERE (SELECT count(*) FROM ledger_entries e WHERE e.transaction_id = t.id) < 2
              OR EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id
                         GROUP BY e.currency HAVING sum(e.amount_minor) <> 0)
           LIMIT 5"#
    )
    .fetch_all(&mut *conn)
    .await?;
    out.push(finding(
        crate::i18n::tr("Every transaction balances"),
        bad,
        crate::trf!("{} transactions", txs),
    ));
    let bad = sqlx::query_scalar!(
        r#"SELECT format('%s account %s: %s %s', kind, id, balance_minor, currency) AS "d!"
           FROM ledger_accounts WHERE kind <> 'provider' AND balance_minor < 0 LIMIT 5"#
    )
    .fetch_all(&mut *conn)
    .await?;
    out.push(finding(
        crate::i18n::tr("No user, escrow or platform balance is negative"),
        bad,
        String::new(),
    ));
    let bad = sqlx::query_scalar!(
        r#"SELECT format('booking %s (%s): %s %s in escrow', b.id, b.status, a.balance_minor,
                         a.currency) AS "d!"
           FROM bookings b JOIN ledger_accounts a ON a.kind = 'escrow' AND a.booking_id = b.id
           WHERE b.status IN ('completed', 'cancelled', 'declined', 'withdrawn', 'expired', 'closed')
             AND a.balance_minor <> 0 LIMIT 5"#
    )
    .fetch_all(&mut *conn)
    .await?;
    out.push(finding(
        crate::i18n::tr("Every settled booking's escrow is zero"),
        bad,
        String::new(),
    ));
    let bad = sqlx::query_scalar!(
        r#"SELECT format('booking %s settled %s times', booking_id, count(*)) AS "d!"
           FROM ledger_transactions WHERE kind IN ('release', 'refund')
           GROUP BY booking_id HAVING count(*) > 1 LIMIT 5"#
    )
    .fetch_all(&mut *conn)
    .await?;
    out.push(finding(
        crate::i18n::tr("No booking's escrow was settled twice"),
        bad,
        String::new(),
    ));
    let bad = sqlx::query_scalar!(
        r#"SELECT format('%s sums to %s', currency, sum(balance_minor)) AS "d!"
           FROM ledger_accounts GROUP BY currency HAVING sum(balance_minor) <> 0"#
    )
    .fetch_all(&mut *conn)
    .await?;
    out.push(finding(
        crate::i18n::tr("The whole ledger sums to zero in each currency"),
        bad,
        String::new(),
    ));
    conn.commit().await?;
    Ok(out)
}

fn finding(check: &'static str, bad: Vec<String>, fine: String) -> Finding {
    Finding {
        check,
        ok: bad.is_empty(),
        detail: if bad.is_empty() { fine } else { bad.join("; ") },
    }
}

/// The platform's own balances (fees, protection pool, provider, payouts) per currency.
pub async fn system_balances(pool: &PgPool) -> Result<Vec<(String, Money)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT kind, currency::text AS "currency!", balance_minor FROM ledger_accounts
           WHERE kind NOT IN ('user', 'escrow') ORDER BY currency, kind"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let c = Currency::parse(&r.currency)?;
            Some((r.kind, Money::new(r.balance_minor, c)))
        })
        .collect())
}
