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

/// Password login. Unknown emails cost the same time and lock the same way as known ones, and the
/// message never says which it was.
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
    if recent_failures(pool, email.as_str()).await? >= LOCKOUT_FAILURES {
        return Err(AppError::TooManyRequests(LOCKED_OUT.into()));
    }
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
        sqlx::query!(
            "INSERT INTO login_failures (email) VALUES ($1)",
            email.as_str()
        )
        .execute(pool)
        .await?;
        if recent_failures(pool, email.as_str()).await? >= LOCKOUT_FAILURES {
            return Err(AppError::TooManyRequests(LOCKED_OUT.into()));
        }
        return Err(AppError::Validation {
            message: WRONG_CREDENTIALS.into(),
            fields: Vec::new(),
            values: Vec::new(),
        }
        .with_values(&echo));
    };
    match user.status {
        UserStatus::Banned => return Err(AppError::Forbidden),
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
    sqlx::query!(
        "DELETE FROM login_failures WHERE email = $1",
        email.as_str()
    )
    .execute(pool)
    .await?;
    let token = sessions::create(pool, user.id, user_agent, ip).await?;
    Ok(LoggedIn {
        user_id: user.id,
        token,
    })
}

async fn recent_failures(pool: &PgPool, email: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM login_failures
         WHERE email = $1 AND failed_at > now() - make_interval(secs => $2)",
        email,
        LOCKOUT_WINDOW.as_seconds_f64()
    )
    .fetch_one(pool)
    .await?)
}
