//! Password login with the brute-force lock-out: 5 failures for an email within 15 minutes lock
//! password login for it; the answer never says whether the email exists, and takes the same
//! time either way.

use super::password;
use super::sessions::{self, LoggedIn};
use super::two_factor;
use super::validate::Email;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::time;
use crate::types::{UserId, UserStatus};
use sqlx::PgPool;

use super::lockout::{begin_attempt, finish_attempt};
pub use super::lockout::{LOCKED_OUT, LOCKOUT_FAILURES, LOCKOUT_WINDOW};

pub const WRONG_CREDENTIALS: &str =
    crate::i18n::key("That email and password don't match an account. Check them and try again.");

/// What a right password leads to: a session, or (two-factor login on) the code step, whose
/// challenge token goes in a cookie of its own.
pub enum LoginStep {
    Session(LoggedIn),
    Code { challenge: String },
}

/// Never shows a token.
impl std::fmt::Debug for LoginStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginStep::Session(s) => f.debug_tuple("Session").field(s).finish(),
            LoginStep::Code { .. } => f.write_str("Code"),
        }
    }
}

impl LoginStep {
    /// The session, when the password was enough.
    pub fn into_session(self) -> Option<LoggedIn> {
        match self {
            LoginStep::Session(s) => Some(s),
            LoginStep::Code { .. } => None,
        }
    }
}

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
) -> Result<LoginStep, AppError> {
    let echo = [("email", raw_email)];
    let email =
        Email::parse(raw_email).map_err(|m| AppError::validation("email", m).with_values(&echo))?;
    if raw_password.is_empty() {
        return Err(AppError::validation("password", tr("Enter your password.")).with_values(&echo));
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
            message: crate::i18n::tr(WRONG_CREDENTIALS).into(),
            fields: Vec::new(),
            values: Vec::new(),
        }
        .with_values(&echo));
    };
    finish_attempt(pool, email.as_str(), attempt, true).await?;
    match user.status {
        UserStatus::Banned => return Err(AppError::Conflict(
            crate::i18n::tr(
                "This account is closed: an admin banned it for breaking Carry's rules. Write to \
                 support if you think this is a mistake.",
            )
            .into(),
        )),
        UserStatus::Suspended
            if user
                .suspended_until
                .is_none_or(|t| t > ::time::OffsetDateTime::now_utc()) =>
        {
            let until = user
                .suspended_until
                .map(|t| crate::trf!(" until {}", time::datetime(t)))
                .unwrap_or_default();
            return Err(AppError::Conflict(crate::trf!(
                "This account is suspended{}.",
                until
            )));
        }
        _ => {}
    }
    if two_factor::is_on(pool, user.id).await? {
        let challenge =
            two_factor::challenge(pool, user.id, email.as_str(), user_agent, ip).await?;
        return Ok(LoginStep::Code { challenge });
    }
    let token = sessions::create(pool, user.id, user_agent, ip).await?;
    Ok(LoginStep::Session(LoggedIn {
        user_id: user.id,
        token,
    }))
}
