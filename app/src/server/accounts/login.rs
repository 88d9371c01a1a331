//! Password login with the brute-force lock-out: 5 failures for an email within 15 minutes lock
//! password login for it; the answer never says whether the email exists, and takes the same
//! time either way.

use super::password;
use super::sessions::{self, LoggedIn};
use super::validate::Email;
use crate::error::AppError;
use crate::server::time;
use crate::types::{UserId, UserStatus};
use ::time::Duration;
use sqlx::PgPool;

pub const LOCKOUT_FAILURES: i64 = 5;
pub const LOCKOUT_WINDOW: Duration = Duration::minutes(15);

pub const WRONG_CREDENTIALS: &str =
    "That email and password don't match an account. Check them and try again.";
pub const LOCKED_OUT: &str = "Too many failed attempts. Password login for this account is paused for 15 minutes. You can reset your password meanwhile.";

/// Password login. Every attempt is counted before the password is checked, under a lock per
/// email, so parallel attempts cannot slip past the lock-out: with 5 failed or unfinished
/// attempts in 15 minutes the next is refused unchecked. A success does not erase failures.
/// Unknown emails cost the same time and lock the same way as known ones, and the message never
/// says which it was.
#[tracing::instrument(skip_all)]
pub async fn log_in(
    pool: &PgPool,
    raw_email: &str,
    raw_password: &str,
    user_agent: &str,
    ip: &str,
) -> Result<LoggedIn, AppError> {
    let echo = [("email", raw_email)];
    let email =
        Email::parse(raw_email).map_err(|m| AppError::validation("email", m).with_values(&echo))?;
    if raw_password.is_empty() {
        return Err(AppError::validation("password", "Enter your password.").with_values(&echo));
    }
    let Some(attempt) = begin_attempt(pool, email.as_str()).await? else {
        return Err(AppError::TooManyRequests(LOCKED_OUT.into()));
    };
    let user = sqlx::query!(
        r#"SELECT id AS "id: UserId", password_hash, status AS "status: UserStatus", suspended_until
           FROM users WHERE email = $1"#,
        email.as_str()
    )
    .fetch_optional(pool)
    .await?;
    let ok = password::verify(
        raw_password.chars().take(1024).collect(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let Some(user) = user.filter(|_| ok) else {
        if finish_attempt(pool, email.as_str(), attempt, false).await? >= LOCKOUT_FAILURES {
            return Err(AppError::TooManyRequests(LOCKED_OUT.into()));
        }
        return Err(AppError::Validation {
            message: WRONG_CREDENTIALS.into(),
            fields: Vec::new(),
            values: Vec::new(),
        }
        .with_values(&echo));
    };
    finish_attempt(pool, email.as_str(), attempt, true).await?;
    match user.status {
        UserStatus::Banned => {
            return Err(AppError::Conflict(
                "This account is closed: an admin banned it for breaking Carry's rules. Write to \
                 support if you think this is a mistake."
                    .into(),
            ))
        }
        UserStatus::Suspended
            if user
                .suspended_until
                .is_none_or(|t| t > ::time::OffsetDateTime::now_utc()) =>
        {
            let until = user
                .suspended_until
                .map(|t| format!(" until {}", time::datetime(t)))
                .unwrap_or_default();
            return Err(AppError::Conflict(format!(
                "This account is suspended{until}."
            )));
        }
        _ => {}
    }
    let token = sessions::create(pool, user.id, user_agent, ip).await?;
    Ok(LoggedIn {
        user_id: user.id,
        token,
    })
}

/// Records an attempt (pending) unless 5 failed or unfinished ones are already in the window;
/// counted and inserted under a lock per email, so parallel attempts queue here.
async fn begin_attempt(pool: &PgPool, email: &str) -> Result<Option<i64>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('login:' || $1))",
        email
    )
    .execute(&mut *tx)
    .await?;
    let counted = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM login_failures
           WHERE email = $1 AND outcome IN ('pending', 'failed')
             AND failed_at > now() - make_interval(secs => $2)"#,
        email,
        LOCKOUT_WINDOW.as_seconds_f64()
    )
    .fetch_one(&mut *tx)
    .await?;
    if counted >= LOCKOUT_FAILURES {
        return Ok(None);
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO login_failures (email, outcome) VALUES ($1, 'pending') RETURNING id",
        email
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Settles an attempt and answers the failed and unfinished attempts now in the window. A
/// success erases nothing: failures stay counted for their 15 minutes, so logging in between
/// guesses does not buy an attacker more of them (a password reset clears them).
async fn finish_attempt(
    pool: &PgPool,
    email: &str,
    attempt: i64,
    ok: bool,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE login_failures SET outcome = CASE WHEN $2 THEN 'ok' ELSE 'failed' END
         WHERE id = $1",
        attempt,
        ok
    )
    .execute(&mut *tx)
    .await?;
    let counted = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM login_failures
           WHERE email = $1 AND outcome IN ('pending', 'failed')
             AND failed_at > now() - make_interval(secs => $2)"#,
        email,
        LOCKOUT_WINDOW.as_seconds_f64()
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(counted)
}
