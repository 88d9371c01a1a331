//! A Postgres-backed job queue. A worker claims one due job with `FOR UPDATE SKIP LOCKED` and
//! runs it inside the transaction that holds the row lock; the job's effects and its `done_at`
//! commit together. So a job survives restarts, two servers never run the same job, and a job
//! that fails is retried later with back-off. After the last attempt it stays failed (a dead
//! letter: counted in the metrics, listed for admins, retried by an admin), never marked done.
//! What each kind does is `worker.rs`'s business.

use crate::error::AppError;
use crate::types::words::word_enum;
use sqlx::{PgConnection, PgPool};
use std::future::Future;
use time::{Duration, OffsetDateTime};

pub const MAX_ATTEMPTS: i32 = 10;

word_enum!(
    /// The kinds of job there are.
    JobKind {
        ExpireBooking = "booking.expire": "Expire an unanswered booking request",
        CompleteBooking = "booking.complete": "Complete a delivered booking",
        Sweep = "sweep": "Periodic housekeeping",
        MatchAlerts = "alerts.match": "Tell route alerts about a new listing",
        PublishReviews = "reviews.publish": "Publish a booking's reviews when the window closes",
        ExportData = "accounts.export": "Make a copy of a member's data",
    }
);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    /// Read as written: a kind this build does not know fails the job, not the worker.
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Adds a job. With a `dedupe_key` the same job is only ever added once (every server can
/// schedule the periodic sweep; it runs once).
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: JobKind,
    payload: serde_json::Value,
    run_at: OffsetDateTime,
    dedupe_key: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO jobs (kind, payload, run_at, dedupe_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dedupe_key) DO NOTHING",
        kind.code(),
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

/// The delay before retry number `attempts`: 30 s, 1 min, 2 min ... up to about 8 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 10)).unwrap_or(10);
    Duration::seconds(30 * 2i64.pow(exp))
}

/// Claims and runs one due job. `Ok(true)` when a job was handled (done or failed), `Ok(false)`
/// when none was due.
pub async fn work_once<H: Handler>(pool: &PgPool, handler: &H) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let job = sqlx::query_as!(
        Job,
        "SELECT id, kind, payload, attempts FROM jobs
         WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
         ORDER BY run_at, id
         FOR UPDATE SKIP LOCKED
         LIMIT 1"
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
            tracing::warn!(job = job.id, kind = %job.kind, attempts, error = %e, "job failed");
            sqlx::query!(
                "UPDATE jobs SET attempts = $2::int, last_error = $3, run_at = now() + make_interval(secs => $4::float8),
                    failed_at = CASE WHEN $2::int >= $5::int THEN now() END
                 WHERE id = $1",
                job.id,
                attempts,
                e.to_string(),
                backoff(attempts).as_seconds_f64(),
                MAX_ATTEMPTS
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// A job that failed for good, as the admin page lists it.
#[derive(Debug, Clone)]
pub struct FailedJob {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub failed_at: OffsetDateTime,
}

/// The dead letters, newest first (at most `limit`).
pub async fn failed(pool: &PgPool, limit: i64) -> Result<Vec<FailedJob>, AppError> {
    Ok(sqlx::query_as!(
        FailedJob,
        r#"SELECT id, kind, payload, attempts, last_error, failed_at AS "failed_at!" FROM jobs
           WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT $1"#,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// How many jobs failed for good (a cheap count: the partial index holds only those).
pub async fn failed_count(db: impl sqlx::PgExecutor<'_>) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM jobs WHERE failed_at IS NOT NULL"#)
            .fetch_one(db)
            .await?,
    )
}

/// Puts a failed job back in the queue, due now, with its attempts counted afresh. Retrying a
/// job that is not failed (already retried, or never failed) changes nothing: `false`.
pub async fn retry(db: impl sqlx::PgExecutor<'_>, id: i64) -> Result<bool, AppError> {
    Ok(sqlx::query!(
        "UPDATE jobs SET failed_at = NULL, attempts = 0, run_at = now() WHERE id = $1 AND failed_at IS NOT NULL",
        id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
