//! The admin console's own reads: the dashboard's counts across every area, the overdue
//! deliveries and the failed jobs (with their retry); `users` the members' pages.

pub mod charts;
pub mod inspect;
pub mod settings;
pub mod users;

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::bookings::overdue;
use crate::server::jobs::{self, JobKind};
use crate::server::{audit, time};
use crate::types::admin::{AdminOverview, FailedJobItem, OverdueItem};
use crate::types::UserId;
use sqlx::PgPool;

/// Members, sessions, and the work waiting in each queue.
pub async fn overview(pool: &PgPool) -> Result<AdminOverview, AppError> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "total!",
                  count(*) FILTER (WHERE email_verified_at IS NOT NULL) AS "verified!",
                  count(*) FILTER (WHERE role = 'admin') AS "admins!",
                  count(*) FILTER (WHERE created_at > now() - interval '7 days') AS "recent!"
           FROM users"#
    )
    .fetch_one(pool)
    .await?;
    let active = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM sessions
           WHERE revoked_at IS NULL AND expires_at > now() AND last_seen_at > now() - interval '14 days'"#
    )
    .fetch_one(pool)
    .await?;
    let queues = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM parcels WHERE status = 'in_review') AS "review!",
                  (SELECT count(*) FROM id_verifications WHERE status = 'pending') AS "ids!",
                  (SELECT count(*) FROM withdrawals WHERE status = 'pending') AS "payouts!",
                  (SELECT count(*) FROM bookings
                   WHERE status = 'picked_up' AND overdue_at IS NOT NULL) AS "overdue!",
                  (SELECT count(*) FROM jobs WHERE failed_at IS NOT NULL) AS "failed!",
                  (SELECT count(*) FROM message_reports WHERE resolved_at IS NULL)
                    + (SELECT count(*) FROM reports WHERE decided_at IS NULL) AS "reports!",
                  (SELECT count(*) FROM disputes WHERE status = 'open') AS "disputes!",
                  (SELECT count(*) FROM trips WHERE ticket_status = 'submitted'
                   AND status = 'published') AS "tickets!""#
    )
    .fetch_one(pool)
    .await?;
    Ok(AdminOverview {
        users_total: r.total,
        users_verified: r.verified,
        admins: r.admins,
        signups_last_7_days: r.recent,
        active_sessions: active,
        parcels_in_review: queues.review,
        id_checks_waiting: queues.ids,
        payouts_waiting: queues.payouts,
        overdue_deliveries: queues.overdue,
        failed_jobs: queues.failed,
        reports_waiting: queues.reports,
        disputes_open: queues.disputes,
        tickets_waiting: queues.tickets,
    })
}

/// The overdue deliveries, for the admins' list.
pub async fn overdue(pool: &PgPool) -> Result<Vec<OverdueItem>, AppError> {
    Ok(overdue::list(pool)
        .await?
        .into_iter()
        .map(|o| OverdueItem {
            booking: o.booking,
            tracking_no: o.tracking_no.unwrap_or_default(),
            title: o.title,
            route: o.route,
            sender: o.sender.1,
            sender_email: o.sender.2,
            traveler: o.traveler.1,
            traveler_email: o.traveler.2,
            deliver_by: o.deliver_by,
            flagged_at: o.flagged_at,
            held: o.held,
        })
        .collect())
}

/// The jobs that failed for good, newest first.
pub async fn failed_jobs(pool: &PgPool) -> Result<Vec<FailedJobItem>, AppError> {
    Ok(jobs::failed(pool, 200)
        .await?
        .into_iter()
        .map(|j| FailedJobItem {
            id: j.id,
            what: JobKind::parse(&j.kind).map_or_else(|| j.kind.clone(), |k| k.label().to_string()),
            payload: j.payload.to_string(),
            attempts: j.attempts,
            last_error: j.last_error.unwrap_or_default(),
            failed_at: time::datetime(j.failed_at),
        })
        .collect())
}

/// Puts a failed job back in the queue; an admin's action, recorded in the audit log.
pub async fn retry_job(pool: &PgPool, admin: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if !jobs::retry(&mut *tx, id).await? {
        return Err(AppError::Conflict(
            tr("This job is not failed any more (it was retried already).").into(),
        ));
    }
    let subject = format!("job:{id}");
    audit::record(
        &mut tx,
        Some(admin),
        "job.retry",
        &subject,
        Some("failed"),
        Some("queued"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts an email that failed every attempt back in line; recorded in the audit log.
pub async fn retry_email(pool: &PgPool, admin: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if !crate::server::email::retry(&mut tx, id).await? {
        return Err(AppError::Conflict(
            tr("This email has not failed (it was sent, or is still being tried).").into(),
        ));
    }
    audit::record(
        &mut tx,
        Some(admin),
        "email.retry",
        &format!("email:{id}"),
        Some("failed"),
        Some("queued"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
