//! The admin console's own reads: the dashboard's counts across every area.

use crate::error::AppError;
use crate::types::admin::AdminOverview;
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
                  (SELECT count(*) FROM withdrawals WHERE status = 'pending') AS "payouts!""#
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
    })
}
