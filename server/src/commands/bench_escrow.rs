//! `server bench-escrow`: escrow hold + release throughput through the money services, with
//! durable commits, and in the same run a bare-SQL baseline making the same row changes
//! (account locks, transaction and entry rows, the same database triggers) without the
//! service's checks and lookups.

use app::server::money::escrow::{self, Charges};
use app::server::money::ledger::{self, Acct};
use app::server::testkit;
use app::types::{BookingId, Currency, UserId};
use sqlx::PgPool;
use std::time::Instant;

const CLIENTS: usize = 8;
const EUR: Currency = Currency::Eur;

fn err(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

/// `n` bookings between one sender and one traveler (closed requests: the benchmark moves
/// money through their escrow accounts).
async fn fixture(pool: &PgPool, n: usize) -> Result<(UserId, UserId, Vec<BookingId>), String> {
    let w = testkit::world(pool, "20").await.map_err(err)?;
    let ids: Vec<BookingId> = sqlx::query_scalar(
        "INSERT INTO bookings (parcel_id, trip_id, sender_id, traveler_id, initiator, status,
            price_minor, currency, weight_g, expires_at, fee_minor)
         SELECT $1, $2, $3, $4, 'sender', 'closed', 1000, 'EUR', 1000, now(), 100
         FROM generate_series(1, $5) RETURNING id",
    )
    .bind(w.parcel)
    .bind(w.trip)
    .bind(w.sender)
    .bind(w.traveler)
    .bind(i64::try_from(n).map_err(err)?)
    .fetch_all(pool)
    .await
    .map_err(err)?;
    // Enough money for every hold (10,000 EUR a top-up), and the accounts a release credits.
    for _ in 0..(n * 1100 / 1_000_000 + 1) {
        testkit::fund(pool, w.sender, "10000").await.map_err(err)?;
    }
    ledger::ensure_accounts_committed(pool, &ledger::release_accounts(w.traveler), EUR)
        .await
        .map_err(err)?;
    for id in &ids {
        ledger::ensure_accounts_committed(pool, &[Acct::Escrow(*id)], EUR)
            .await
            .map_err(err)?;
    }
    Ok((w.sender, w.traveler, ids))
}

/// Hold then release one booking, through the services (each step its own transaction with the
/// booking row locked, as the booking flows do).
async fn with_service(
    pool: &PgPool,
    sender: UserId,
    traveler: UserId,
    b: BookingId,
) -> Result<(), String> {
    let c = Charges {
        price: 1000,
        fee: 100,
        protection: 0,
    };
    let mut tx = pool.begin().await.map_err(err)?;
    sqlx::query("SELECT id FROM bookings WHERE id = $1 FOR UPDATE")
        .bind(b)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    escrow::hold_to(&mut tx, b, sender, EUR, c.total(), "bench")
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    let mut tx = pool.begin().await.map_err(err)?;
    sqlx::query("SELECT id FROM bookings WHERE id = $1 FOR UPDATE")
        .bind(b)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    escrow::release(&mut tx, b, traveler, EUR, c)
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(())
}

/// The same row changes in bare SQL: lock the accounts, insert the transaction and its entries.
async fn bare(
    pool: &PgPool,
    accts: &BareAccounts,
    b: BookingId,
    escrow_acct: i64,
) -> Result<(), String> {
    let mut tx = pool.begin().await.map_err(err)?;
    sqlx::query("SELECT id FROM ledger_accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(vec![accts.sender, escrow_acct])
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    sqlx::query(
        "WITH t AS (INSERT INTO ledger_transactions (kind, idempotency_key, booking_id)
                    VALUES ('hold', 'bare-hold:' || $1::text, $1) RETURNING id)
         INSERT INTO ledger_entries (transaction_id, account_id, currency, amount_minor)
         SELECT t.id, a, 'EUR', m FROM t, unnest($2::bigint[], $3::bigint[]) AS x(a, m)",
    )
    .bind(b)
    .bind(vec![accts.sender, escrow_acct])
    .bind(vec![-1100i64, 1100])
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    tx.commit().await.map_err(err)?;
    let mut tx = pool.begin().await.map_err(err)?;
    sqlx::query("SELECT id FROM ledger_accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(vec![escrow_acct, accts.traveler, accts.fees])
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    sqlx::query(
        "WITH t AS (INSERT INTO ledger_transactions (kind, idempotency_key, booking_id)
                    VALUES ('release', 'bare-release:' || $1::text, $1) RETURNING id)
         INSERT INTO ledger_entries (transaction_id, account_id, currency, amount_minor)
         SELECT t.id, a, 'EUR', m FROM t, unnest($2::bigint[], $3::bigint[]) AS x(a, m)",
    )
    .bind(b)
    .bind(vec![escrow_acct, accts.traveler, accts.fees])
    .bind(vec![-1100i64, 1000, 100])
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(())
}

#[derive(Clone, Copy)]
struct BareAccounts {
    sender: i64,
    traveler: i64,
    fees: i64,
}

async fn account(
    pool: &PgPool,
    kind: &str,
    user: Option<UserId>,
    booking: Option<BookingId>,
) -> Result<i64, String> {
    sqlx::query_scalar(
        "SELECT id FROM ledger_accounts WHERE kind = $1 AND user_id IS NOT DISTINCT FROM $2
           AND booking_id IS NOT DISTINCT FROM $3 AND currency = 'EUR'",
    )
    .bind(kind)
    .bind(user)
    .bind(booking)
    .fetch_one(pool)
    .await
    .map_err(err)
}

/// `n` things in `elapsed`, per second.
fn per_second(n: usize, elapsed: std::time::Duration) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX)) / elapsed.as_secs_f64()
}

/// Runs `n` hold + release pairs each way with `CLIENTS` concurrent clients and prints both
/// rates and their ratio.
pub async fn run(pool: &PgPool, n: usize) -> Result<(), String> {
    let sync: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(pool)
        .await
        .map_err(err)?;
    let (sender, traveler, service_ids) = fixture(pool, n).await?;
    let (bsender, btraveler, bare_ids) = fixture(pool, n).await?;
    let accts = BareAccounts {
        sender: account(pool, "user", Some(bsender), None).await?,
        traveler: account(pool, "user", Some(btraveler), None).await?,
        fees: account(pool, "fees", None, None).await?,
    };
    let mut bare_escrow = Vec::with_capacity(n);
    for b in &bare_ids {
        bare_escrow.push((*b, account(pool, "escrow", None, Some(*b)).await?));
    }

    let t = Instant::now();
    let mut tasks = Vec::new();
    for chunk in service_ids.chunks(n.div_ceil(CLIENTS)) {
        let (pool, chunk) = (pool.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            for b in chunk {
                with_service(&pool, sender, traveler, b).await?;
            }
            Ok::<_, String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(err)??;
    }
    let service = per_second(n, t.elapsed());

    let t = Instant::now();
    let mut tasks = Vec::new();
    for chunk in bare_escrow.chunks(n.div_ceil(CLIENTS)) {
        let (pool, chunk) = (pool.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            for (b, e) in chunk {
                bare(&pool, &accts, b, e).await?;
            }
            Ok::<_, String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(err)??;
    }
    let baseline = per_second(n, t.elapsed());

    let broken: Vec<_> = ledger::check(pool)
        .await
        .map_err(err)?
        .into_iter()
        .filter(|f| !f.ok)
        .collect();
    if !broken.is_empty() {
        return Err(format!(
            "ledger check failed after the benchmark: {broken:?}"
        ));
    }
    println!(
        "escrow hold + release, {n} bookings, {CLIENTS} clients, synchronous_commit={sync}:\n  \
         service:  {service:.0} bookings/s ({:.0} commits/s)\n  \
         bare SQL: {baseline:.0} bookings/s ({:.0} commits/s)\n  \
         ratio {:.2} (target >= 0.6)",
        service * 2.0,
        baseline * 2.0,
        service / baseline
    );
    Ok(())
}
