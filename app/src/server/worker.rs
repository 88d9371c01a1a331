//! The top floor: the only module that knows every job kind and what it does. Every server runs
//! a worker; it schedules the minute's sweep (once across all servers) and runs due jobs.

use crate::error::AppError;
use crate::server::bookings::{end, negotiate, overdue};
use crate::server::jobs::{self, Handler, Job, JobKind};
use crate::server::matching::alerts;
use crate::server::parcels::store as parcels;
use crate::server::reviews;
use crate::server::trips::store as trips;
use crate::server::{ratelimit, settings};
use crate::types::matching::AlertKind;
use crate::types::BookingId;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// The product's jobs.
pub struct Jobs;

impl Handler for Jobs {
    async fn run(&self, conn: &mut PgConnection, job: &Job) -> Result<(), AppError> {
        match JobKind::parse(&job.kind) {
            Some(JobKind::ExpireBooking) => {
                negotiate::expire_if_due(conn, booking_of(job)?).await?;
                Ok(())
            }
            Some(JobKind::CompleteBooking) => {
                end::complete_if_due(conn, booking_of(job)?).await?;
                Ok(())
            }
            Some(JobKind::Sweep) => sweep(conn).await,
            Some(JobKind::ExportData) => {
                let export = job
                    .payload
                    .get("export")
                    .and_then(|v| v.as_str())
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| AppError::internal("accounts.export without its export"))?;
                crate::server::accounts::privacy::build(conn, export).await
            }
            Some(JobKind::PublishReviews) => {
                reviews::publish(conn, booking_of(job)?).await?;
                Ok(())
            }
            Some(JobKind::MatchAlerts) => {
                let kind = job
                    .payload
                    .get("kind")
                    .and_then(|v| v.as_str())
                    .and_then(AlertKind::parse);
                let listing = job
                    .payload
                    .get("listing")
                    .and_then(|v| v.as_str())
                    .and_then(|s| s.parse().ok());
                match (kind, listing) {
                    (Some(k), Some(id)) => alerts::run(conn, k, id).await.map(|_| ()),
                    _ => Err(AppError::internal(format!(
                        "{} without its listing",
                        job.kind
                    ))),
                }
            }
            None => Err(AppError::internal(format!("unknown job kind {}", job.kind))),
        }
    }
}

fn booking_of(job: &Job) -> Result<BookingId, AppError> {
    job.payload
        .get("booking")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| AppError::internal(format!("{} without a booking id", job.kind)))
}

/// Periodic housekeeping: expire due requests (and those whose trip left), refund accepted
/// bookings nobody picked up in time, flag overdue deliveries, schedule again the completion of
/// delivered bookings that lost theirs, move departed trips on and complete arrived ones,
/// expire parcels whose deadline passed while open, forget old rate-limit hits, old login
/// challenges and secrets never shown.
pub async fn sweep(conn: &mut PgConnection) -> Result<(), AppError> {
    negotiate::expire_due(conn).await?;
    end::expire_unpicked_due(conn).await?;
    overdue::flag_due(conn).await?;
    let s = settings::load(&mut *conn).await?;
    end::reschedule_completions(conn, s.completion_hours).await?;
    trips::depart_due(conn).await?;
    trips::complete_due(conn).await?;
    parcels::expire_due(conn).await?;
    ratelimit::prune(conn).await?;
    crate::server::accounts::two_factor::prune(conn).await?;
    Ok(())
}

/// Schedules this minute's sweep (once across all servers).
pub async fn schedule_sweep(pool: &PgPool) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc();
    let minute = now.unix_timestamp() / 60;
    let mut conn = pool.acquire().await?;
    jobs::enqueue(
        &mut conn,
        JobKind::Sweep,
        serde_json::json!({}),
        now,
        Some(&format!("sweep:{minute}")),
    )
    .await?;
    // Old sweeps are noise, failed ones included (a failing sweep leaves one a minute; the
    // newest day of them stays listed for admins).
    sqlx::query!(
        "DELETE FROM jobs WHERE kind = 'sweep'
           AND (done_at < now() - interval '1 day' OR failed_at < now() - interval '1 day')"
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The worker loop every server runs: schedule the sweep each minute, run due jobs, idle a
/// second when there are none.
pub async fn run(pool: PgPool) {
    let mut last_schedule = 0i64;
    loop {
        let minute = OffsetDateTime::now_utc().unix_timestamp() / 60;
        if minute != last_schedule && schedule_sweep(&pool).await.is_ok() {
            last_schedule = minute;
        }
        match jobs::work_once(&pool, &Jobs).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "job worker"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}
