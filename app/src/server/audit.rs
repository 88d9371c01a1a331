//! The audit log: every admin action (who, what, when, before and after), written in the same
//! transaction as the action.

use crate::error::AppError;
use crate::types::UserId;
use sqlx::PgConnection;

pub async fn record(
    conn: &mut PgConnection,
    actor: Option<UserId>,
    action: &str,
    subject: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, subject, before, after) VALUES ($1, $2, $3, $4, $5)",
        actor as Option<UserId>,
        action,
        subject,
        before.map(|b| serde_json::json!(b)),
        after.map(|a| serde_json::json!(a))
    )
    .execute(conn)
    .await?;
    Ok(())
}
