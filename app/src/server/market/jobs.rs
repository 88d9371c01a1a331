//! A Postgres-backed job queue. A worker claims one due job with `FOR UPDATE SKIP LOCKED` and
//! runs it inside the transaction that holds the row lock; the job's effects and its `done_at`
//! commit together. So a job survives restarts, two servers never run the same job, and a job
//! that fails is retried later with back-off.

use crate::error::AppError;
use sqlx::{PgConnection, PgPool};
use std::future::Future;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const EXPIRE_BOOKING: &str = "booking.expire";
pub const SWEEP: &str = "sweep";
pub const COMPLETE_BOOKING: &str = "booking.complete";
pub const MAX_ATTEMPTS: i32 = 10;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Adds a job. With a `dedupe_key` the same job is only ever added once (every server can
/// schedule the periodic sweep; it runs once).
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: &str,
    payload: serde_json::Value,
    run_at: OffsetDateTime,
    dedupe_key: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO jobs (kind, payload, run_at, dedupe_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dedupe_key) DO NOTHING",
        kind,
        payload,
        run_at,
        dedupe_key
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Something that runs jobs. It gets the claiming transaction's connection: whatever it writes
/// commits with the job's completion, or not at all.
pub trait Handler {
    fn run(
        &self,
        conn: &mut PgConnection,
        job: &Job,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}

/// Claims and runs one due job. `Ok(true)` when a job was handled (done or failed), `Ok(false)`
/// when none was due.
pub async fn work_once<H: Handler>(pool: &PgPool, handler: &H) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let job = sqlx::query_as::<_, Job>(
        "SELECT id, kind, payload, attempts FROM jobs
         WHERE done_at IS NULL AND run_at <= now()
         ORDER BY run_at, id
         FOR UPDATE SKIP LOCKED
         LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(job) = job else {
        return Ok(false);
    };
    sqlx::query("SAVEPOINT job").execute(&mut *tx).await?;
    match handler.run(&mut tx, &job).await {
        Ok(()) => {
            sqlx::query!(
                "UPDATE jobs SET done_at = now(), attempts = attempts + 1, last_error = NULL
                 WHERE id = $1",
                job.id
            )
            .execute(&mut *tx)
            .await?;
        }
        Err(e) => {
            // Undo the handler's partial work, keep the lock, record the failure.
            sqlx::query("ROLLBACK TO SAVEPOINT job")
                .execute(&mut *tx)
                .await?;
            let attempts = job.attempts + 1;
            // 30 s, 1 min, 2 min ... up to about 8 hours.
            let delay = Duration::seconds(30 * 2i64.pow((attempts - 1).clamp(0, 10) as u32));
            tracing::warn!(job = job.id, kind = %job.kind, attempts, error = %e, "job failed");
            sqlx::query!(
                "UPDATE jobs SET attempts = $2::int, last_error = $3, run_at = now() + make_interval(secs => $4::float8),
                    done_at = CASE WHEN $2::int >= $5::int THEN now() END
                 WHERE id = $1",
                job.id,
                attempts,
                e.to_string(),
                delay.as_seconds_f64(),
                MAX_ATTEMPTS
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// The product's jobs.
pub struct Jobs;

impl Handler for Jobs {
    async fn run(&self, conn: &mut PgConnection, job: &Job) -> Result<(), AppError> {
        match job.kind.as_str() {
            EXPIRE_BOOKING => {
                super::bookings::expire_if_due(conn, booking_of(job)?).await?;
                Ok(())
            }
            COMPLETE_BOOKING => {
                super::handoff::complete_if_due(conn, booking_of(job)?).await?;
                Ok(())
            }
            SWEEP => sweep(conn).await,
            other => Err(AppError::internal(format!("unknown job kind {other}"))),
        }
    }
}

fn booking_of(job: &Job) -> Result<Uuid, AppError> {
    job.payload
        .get("booking")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| AppError::internal(format!("{} without a booking id", job.kind)))
}

/// Periodic housekeeping: expire due requests, move departed trips on, expire parcels whose
/// deadline passed while open.
pub async fn sweep(conn: &mut PgConnection) -> Result<(), AppError> {
    super::bookings::expire_due(conn).await?;
    // Pending requests on trips that have departed expire with them.
    sqlx::query!(
        "UPDATE bookings SET expires_at = least(expires_at, t.departs_at)
         FROM trips t WHERE t.id = bookings.trip_id AND bookings.status = 'pending'
           AND t.departs_at <= now()"
    )
    .execute(&mut *conn)
    .await?;
    super::bookings::expire_due(conn).await?;
    // Accepted bookings nobody picked up before the pickup window closed: refunded.
    super::bookings::expire_unpicked_due(conn).await?;
    sqlx::query!(
        "UPDATE trips SET status = CASE WHEN remaining_g = capacity_g THEN 'expired' ELSE 'departed' END,
            updated_at = now()
         WHERE status = 'published' AND departs_at <= now()"
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE parcels SET status = 'expired', updated_at = now()
         WHERE status IN ('open', 'in_review') AND deliver_by < current_date"
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Schedules this minute's sweep (once across all servers).
pub async fn schedule_sweep(pool: &PgPool) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc();
    let minute = now.unix_timestamp() / 60;
    let mut conn = pool.acquire().await?;
    enqueue(
        &mut conn,
        SWEEP,
        serde_json::json!({}),
        now,
        Some(&format!("sweep:{minute}")),
    )
    .await?;
    // Old completed sweeps are noise.
    sqlx::query!("DELETE FROM jobs WHERE kind = 'sweep' AND done_at < now() - interval '1 day'")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The worker loop every server runs: schedule the sweep each minute, run due jobs, idle a
/// second when there are none.
pub async fn run_worker(pool: PgPool) {
    let mut last_schedule = 0i64;
    loop {
        let minute = OffsetDateTime::now_utc().unix_timestamp() / 60;
        if minute != last_schedule && schedule_sweep(&pool).await.is_ok() {
            last_schedule = minute;
        }
        match work_once(&pool, &Jobs).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "job worker"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}
