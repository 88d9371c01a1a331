//! The audit log: every admin action (who, what, when, before and after), written in the same
//! transaction as the action.

use crate::error::AppError;
use crate::types::UserId;
use sqlx::PgConnection;

/// JSON text as the structured value it is; any other text as a string.
fn structured(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::json!(text))
}

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
        before.map(structured),
        after.map(structured)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The latest entries (at most 200), newest first, filtered by an action prefix and a subject.
pub async fn list(
    pool: &sqlx::PgPool,
    action: &str,
    subject: &str,
    tz: &str,
) -> Result<Vec<crate::types::admin::AuditItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT a.created_at, u.display_name AS "actor?", a.action, a.subject,
                  a.before, a.after
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
           WHERE ($1 = '' OR a.action LIKE $1 || '%') AND ($2 = '' OR a.subject = $2)
           ORDER BY a.id DESC LIMIT 200"#,
        action.trim().replace(['%', '_'], ""),
        subject.trim()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::types::admin::AuditItem {
            at: crate::server::time::datetime_in(r.created_at, tz),
            actor: r.actor.unwrap_or_else(|| crate::BRAND.to_string()),
            action: r.action,
            subject: r.subject,
            before: r.before.map(|v| v.to_string()),
            after: r.after.map(|v| v.to_string()),
        })
        .collect())
}
