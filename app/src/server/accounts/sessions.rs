//! Sessions in Postgres. The browser's cookie holds a random token; the table holds its hash.
//! Idle expiry 14 days, absolute 60 days, a new token on every login, and a revoked session
//! ends on its next request.

use super::tokens;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::time;
use crate::types::accounts::{CurrentUser, SessionInfo};
use crate::types::{Role, UserId};
use ::time::Duration;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

pub const IDLE_LIFETIME: Duration = Duration::days(14);
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(60);

/// The logged-in user and the session they came with.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: CurrentUser,
    pub session_id: Uuid,
}

/// A new session: whose it is and the token for the cookie.
pub struct LoggedIn {
    pub user_id: UserId,
    pub token: String,
}

/// Never shows the token (it would end up in a log).
impl std::fmt::Debug for LoggedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggedIn")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// Starts a session and gives back the token for the cookie. Every login gets a new one.
pub async fn create(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    user_agent: &str,
    ip: &str,
) -> Result<String, AppError> {
    let token = tokens::generate();
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, expires_at, user_agent, ip)
         VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5)",
        tokens::hash(&token),
        user_id as UserId,
        ABSOLUTE_LIFETIME.as_seconds_f64(),
        user_agent,
        ip,
    )
    .execute(db)
    .await?;
    Ok(token)
}

/// The user behind a session token, if the session is live and the account may log in.
pub async fn authenticate(pool: &PgPool, token: &str) -> Result<Option<Authed>, AppError> {
    let row = sqlx::query!(
        r#"SELECT s.id AS session_id, (s.last_seen_at < now() - interval '1 minute') AS "stale!",
                  u.id AS "id: UserId", u.email, u.display_name, u.role AS "role: Role",
                  (u.email_verified_at IS NOT NULL) AS "verified!", u.time_zone,
                  (u.status = 'active' OR (u.status = 'suspended' AND u.suspended_until <= now())) AS "allowed!"
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
             AND s.last_seen_at > now() - make_interval(secs => $2)"#,
        tokens::hash(token),
        IDLE_LIFETIME.as_seconds_f64(),
    )
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    if !r.allowed {
        return Ok(None);
    }
    if r.stale {
        sqlx::query!(
            "UPDATE sessions SET last_seen_at = now() WHERE id = $1",
            r.session_id
        )
        .execute(pool)
        .await?;
    }
    Ok(Some(Authed {
        session_id: r.session_id,
        user: CurrentUser {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            email_verified: r.verified,
            time_zone: r.time_zone,
        },
    }))
}

/// Ends the session with this token (log out).
pub async fn end(pool: &PgPool, token: &str) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
        tokens::hash(token)
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The user's live sessions, newest activity first.
pub async fn list(
    pool: &PgPool,
    user_id: UserId,
    current: Uuid,
    tz: &str,
) -> Result<Vec<SessionInfo>, AppError> {
    let rows = sqlx::query!(
        "SELECT id, user_agent, ip, created_at, last_seen_at FROM sessions
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
           AND last_seen_at > now() - make_interval(secs => $2)
         ORDER BY last_seen_at DESC",
        user_id as UserId,
        IDLE_LIFETIME.as_seconds_f64(),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionInfo {
            id: r.id,
            device: describe_device(&r.user_agent),
            ip: if r.ip.is_empty() {
                tr("unknown").into()
            } else {
                r.ip
            },
            created_at: time::datetime_in(r.created_at, tz),
            last_seen_at: time::datetime_in(r.last_seen_at, tz),
            current: r.id == current,
        })
        .collect())
}

/// Revokes one of the user's own sessions. Someone else's session id is simply not found.
#[tracing::instrument(skip(pool))]
pub async fn revoke(pool: &PgPool, user_id: UserId, session_id: Uuid) -> Result<(), AppError> {
    let done = sqlx::query!(
        "UPDATE sessions SET revoked_at = now()
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        session_id,
        user_id as UserId
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(
            tr("That session has already ended.").into(),
        ));
    }
    Ok(())
}

/// Revokes all of a user's sessions, except optionally the one in use.
pub async fn revoke_all(
    db: impl PgExecutor<'_>,
    user_id: UserId,
    except: Option<Uuid>,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE sessions SET revoked_at = now()
         WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2)",
        user_id as UserId,
        except
    )
    .execute(db)
    .await?;
    Ok(())
}

/// "Chrome on Linux" from a user-agent string, good enough to recognise one's own devices.
pub fn describe_device(ua: &str) -> String {
    if ua.is_empty() {
        return tr("Unknown device").into();
    }
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chrome (headless)"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| *v)
    .unwrap_or("Browser");
    let os = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| *v);
    match os {
        Some(os) => format!("{browser} on {os}"),
        None => browser.to_string(),
    }
}
