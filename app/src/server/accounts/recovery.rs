//! Password reset by emailed link (valid 1 hour, single use); resetting ends every session.

use super::password;
use super::sessions;
use super::tokens;
use super::validate::{Email, NewPassword};
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::{email, ratelimit, Config};
use crate::types::UserId;
use sqlx::PgPool;
use time::Duration;

pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);
/// Reset emails to one address per hour (requests per network address: `Config::per_ip_hourly`).
pub const RESETS_PER_ADDRESS_HOUR: i64 = 3;

/// Emails a reset link when the account exists; answers the same either way.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    pool: &PgPool,
    config: &Config,
    raw_email: &str,
    ip: &str,
) -> Result<(), AppError> {
    let email = Email::parse(raw_email)
        .map_err(|m| AppError::validation("email", m).with_values(&[("email", raw_email)]))?;
    if !ratelimit::hit(
        pool,
        &format!("reset-ip:{ip}"),
        config.per_ip_hourly,
        Duration::HOUR,
    )
    .await?
    {
        return Err(AppError::TooManyRequests(
            tr("Too many reset requests from your network in the last hour. Try again later.")
                .into(),
        ));
    }
    // Past the limit for one address, nothing more is sent; the answer stays the same.
    let bucket = format!("reset-email:{}", email.as_str());
    if !ratelimit::hit(pool, &bucket, RESETS_PER_ADDRESS_HOUR, Duration::HOUR).await? {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    let user = sqlx::query!(
        r#"SELECT id AS "id: UserId", display_name FROM users WHERE email = $1"#,
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(u) = user {
        let token = tokens::issue(&mut tx, u.id, "reset_password", RESET_LINK_LIFETIME).await?;
        let link = format!("{}/reset-password?token={token}", config.public_url);
        let body = crate::trf!("Hi {},\n\nSomeone (hopefully you) asked to reset your Carry password. Choose a new one here:\n\n{}\n\n\
             The link works once, for 1 hour. If you did not ask, ignore this email: your password stays as it is.", u.display_name, link);
        email::enqueue(
            &mut *tx,
            email.as_str(),
            tr("Reset your Carry password"),
            &body,
            "reset_password",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link: single use, 1 hour, and every session ends.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    pool: &PgPool,
    token: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT t.user_id AS "user_id: UserId", t.used_at IS NOT NULL AS "used!", t.expires_at < now() AS "expired!",
                  u.email, u.display_name
           FROM email_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.token_hash = $1 AND t.purpose = 'reset_password' FOR UPDATE OF t"#,
        tokens::hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(t) = row else {
        return Err(AppError::NotFound(
            tr("This reset link is not valid. Ask for a new one.").into(),
        ));
    };
    if t.used || t.expired {
        return Err(AppError::Conflict(
            tr("This reset link has expired or was already used. Ask for a new one.").into(),
        ));
    }
    let pw = NewPassword::parse(new_password, &t.email, &t.display_name)
        .map_err(|m| AppError::validation("password", m))?;
    let hash = password::hash(pw.into_inner()).await?;
    sqlx::query!(
        "UPDATE email_tokens SET used_at = now()
         WHERE user_id = $1 AND purpose = 'reset_password' AND used_at IS NULL",
        t.user_id as UserId
    )
    .execute(&mut *tx)
    .await?;
    // The link proves the user reads this inbox, so the address counts as confirmed.
    sqlx::query!(
        "UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, now()),
                updated_at = now() WHERE id = $1",
        t.user_id as UserId,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sessions::revoke_all(&mut *tx, t.user_id, None).await?;
    sqlx::query!("DELETE FROM login_failures WHERE email = $1", t.email)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
