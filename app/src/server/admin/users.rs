//! The admins' pages about members (PRODUCT §12): search by email or name; a member's account,
//! sessions (revoke), bookings, wallet balances and moderation history; the role change. Warn,
//! suspend and ban are `moderation::act`. Every change is written to the audit log.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::accounts::sessions;
use crate::server::bookings::view as bookings;
use crate::server::moderation::standing;
use crate::server::wallet::statements;
use crate::server::{audit, time};
use crate::types::admin::{MemberAdmin, MemberRow, ModerationEntry};
use crate::types::{ModerationAction, Role, UserId, UserStatus};
use sqlx::PgPool;
use uuid::Uuid;

/// Members whose email or name contains `q` (all of them, newest first, when `q` is empty).
pub async fn search(pool: &PgPool, q: &str, tz: &str) -> Result<Vec<MemberRow>, AppError> {
    let q: String = q.trim().chars().take(200).collect();
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query!(
        r#"SELECT id AS "id: UserId", display_name, email, role AS "role: Role",
                  status AS "status: UserStatus", suspended_until, created_at
           FROM users
           WHERE email ILIKE $1 OR display_name ILIKE $1
           ORDER BY created_at DESC LIMIT 50"#,
        pattern
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MemberRow {
            id: r.id,
            name: r.display_name,
            email: r.email,
            role: r.role,
            standing: standing(r.status, r.suspended_until, tz),
            joined: time::datetime_in(r.created_at, tz),
        })
        .collect())
}

/// One member, as an admin sees them.
pub async fn member(
    pool: &PgPool,
    viewer: UserId,
    id: UserId,
    tz: &str,
) -> Result<MemberAdmin, AppError> {
    let r = sqlx::query!(
        r#"SELECT id AS "id: UserId", display_name, email, role AS "role: Role",
                  status AS "status: UserStatus", suspended_until, created_at,
                  email_verified_at IS NOT NULL AS "email_verified!",
                  id_verified_at IS NOT NULL AS "id_verified!",
                  totp_secret IS NOT NULL AS "two_factor!"
           FROM users WHERE id = $1"#,
        id as UserId
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("There is no member with this id.").into()))?;
    let history = sqlx::query!(
        r#"SELECT a.created_at, a.action, coalesce(u.display_name, 'Carry') AS "by!",
                  coalesce(a.after ->> 'reason', '') AS "reason!"
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
           WHERE a.subject = $1 AND (a.action LIKE 'moderation.%' OR a.action LIKE 'member.%')
           ORDER BY a.id DESC LIMIT 100"#,
        format!("user:{id}")
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|h| ModerationEntry {
        at: time::datetime_in(h.created_at, tz),
        action: h
            .action
            .strip_prefix("moderation.")
            .and_then(ModerationAction::parse)
            .map_or_else(|| h.action.clone(), |a| a.label().to_string()),
        by: h.by,
        reason: h.reason,
    })
    .collect();
    Ok(MemberAdmin {
        member: MemberRow {
            id: r.id,
            name: r.display_name,
            email: r.email,
            role: r.role,
            standing: standing(r.status, r.suspended_until, tz),
            joined: time::datetime_in(r.created_at, tz),
        },
        email_verified: r.email_verified,
        id_verified: r.id_verified,
        two_factor: r.two_factor,
        banned: r.status == UserStatus::Banned,
        sessions: sessions::list(pool, id, Uuid::nil(), tz).await?,
        bookings: bookings::list_mine(pool, id).await?,
        balances: statements::overview(pool, id, "none", tz).await?.balances,
        history,
        is_me: viewer == id,
    })
}

/// Ends one of a member's sessions.
pub async fn revoke_session(
    pool: &PgPool,
    admin: UserId,
    member: UserId,
    session: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query!(
        "UPDATE sessions SET revoked_at = now()
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        session,
        member as UserId
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(
            tr("That session has already ended.").into(),
        ));
    }
    let after = serde_json::json!({ "session": session.to_string() }).to_string();
    audit::record(
        &mut tx,
        Some(admin),
        "member.session_revoked",
        &format!("user:{member}"),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes a member an admin, or an admin a member. Not one's own role (so the last admin
/// cannot lock everyone out), and not a banned account.
pub async fn set_role(
    pool: &PgPool,
    admin: UserId,
    member: UserId,
    role: Role,
) -> Result<(), AppError> {
    if admin == member {
        return Err(AppError::Conflict(
            tr("You cannot change your own role: ask another admin.").into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        r#"SELECT role AS "role: Role", status AS "status: UserStatus" FROM users
           WHERE id = $1 FOR UPDATE"#,
        member as UserId
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("There is no member with this id.").into()))?;
    if r.role == role {
        return Ok(());
    }
    if r.status == UserStatus::Banned {
        return Err(AppError::Conflict(
            tr("This account is banned: it cannot become an admin.").into(),
        ));
    }
    sqlx::query!(
        "UPDATE users SET role = $2, updated_at = now() WHERE id = $1",
        member as UserId,
        role as Role
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(admin),
        "member.role",
        &format!("user:{member}"),
        Some(&serde_json::json!({ "role": r.role.code() }).to_string()),
        Some(&serde_json::json!({ "role": role.code() }).to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
