//! Per-kind email preferences. In-app notifications are always on; every kind is emailed unless
//! the member switched it off (a missing row means the default).

use crate::error::AppError;
use crate::types::notifications::Preference;
use crate::types::{NotificationKind, UserId};
use sqlx::{PgExecutor, PgPool};

/// Whether `user` wants `kind` by email.
pub async fn wants_email(
    db: impl PgExecutor<'_>,
    user: UserId,
    kind: NotificationKind,
) -> Result<bool, AppError> {
    let set = sqlx::query_scalar!(
        "SELECT email FROM notification_prefs WHERE user_id = $1 AND kind = $2",
        user as UserId,
        kind as NotificationKind
    )
    .fetch_optional(db)
    .await?;
    Ok(set.unwrap_or(true))
}

/// Every kind with the member's choice.
pub async fn all(pool: &PgPool, user: UserId) -> Result<Vec<Preference>, AppError> {
    let set = sqlx::query!(
        r#"SELECT kind AS "kind: NotificationKind", email FROM notification_prefs
           WHERE user_id = $1"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(NotificationKind::ALL
        .iter()
        .map(|k| Preference {
            kind: *k,
            email: set.iter().find(|r| r.kind == *k).is_none_or(|r| r.email),
        })
        .collect())
}

/// Saves the kinds the member wants by email (every other kind: in-app only).
pub async fn save(
    pool: &PgPool,
    user: UserId,
    emailed: &[NotificationKind],
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    for k in NotificationKind::ALL {
        sqlx::query!(
            "INSERT INTO notification_prefs (user_id, kind, email) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email",
            user as UserId,
            *k as NotificationKind,
            emailed.contains(k)
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
