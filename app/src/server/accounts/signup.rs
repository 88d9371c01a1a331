//! Sign-up and email verification: an account, its first session, and the link (valid 24 h)
//! that confirms the address. Until then a member can browse and draft, not book or carry.

use super::password;
use super::sessions::{self, LoggedIn};
use super::tokens;
use super::validate::{field, DisplayName, Email, NewPassword};
use crate::error::{AppError, Problems};
use crate::i18n::tr;
use crate::server::{email, ratelimit, Config};
use crate::types::UserId;
use sqlx::PgPool;
use time::Duration;

pub const VERIFY_LINK_LIFETIME: Duration = Duration::hours(24);

pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
}

/// Sign-up emails to one address per hour (sign-ups per network address: `Config::per_ip_hourly`).
pub const EMAILS_PER_ADDRESS_HOUR: i64 = 3;

/// Starts an account: the answer is the same whether or not the address already has one (no
/// one learns who is a member). A new address gets the link that confirms it and logs in; an
/// address that has an account gets a note saying how to log in or reset the password. Too many
/// sign-ups from one network are refused; too many emails to one address are not sent.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    pool: &PgPool,
    config: &Config,
    input: SignUp<'_>,
    ip: &str,
) -> Result<(), AppError> {
    let mut p = Problems::new();
    let email = field(&mut p, "email", Email::parse(input.email));
    let name = field(
        &mut p,
        "display_name",
        DisplayName::parse(input.display_name),
    );
    let pw = field(
        &mut p,
        "password",
        NewPassword::parse(input.password, input.email, input.display_name),
    );
    let echo = [("email", input.email), ("display_name", input.display_name)];
    p.into_result().map_err(|e| e.with_values(&echo))?;
    let (Some(email), Some(name), Some(pw)) = (email, name, pw) else {
        return Err(AppError::internal("sign-up fields checked"));
    };
    if !ratelimit::hit(
        pool,
        &format!("signup-ip:{ip}"),
        config.per_ip_hourly,
        Duration::HOUR,
    )
    .await?
    {
        return Err(AppError::TooManyRequests(
            tr("Too many sign-ups from your network in the last hour. Try again later.").into(),
        ));
    }
    // Hashing takes the same time whether or not the address is taken.
    let hash = password::hash(pw.into_inner()).await?;
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO users (email, display_name, password_hash, locale) VALUES ($1, $2, $3, $4)
           ON CONFLICT (email) DO NOTHING RETURNING id AS "id: UserId""#,
        email.as_str(),
        name.as_str(),
        hash,
        crate::i18n::current().code()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let bucket = format!("signup-email:{}", email.as_str());
    if ratelimit::hit(pool, &bucket, EMAILS_PER_ADDRESS_HOUR, Duration::HOUR).await? {
        match inserted {
            Some(user_id) => {
                send_verification(&mut tx, config, user_id, email.as_str(), name.as_str()).await?
            }
            None => send_already_a_member(&mut tx, config, email.as_str()).await?,
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Someone signed up with an address that has an account: tell its owner how to get in.
async fn send_already_a_member(
    tx: &mut sqlx::PgConnection,
    config: &Config,
    to: &str,
) -> Result<(), AppError> {
    let body = crate::trf!(
        "Hello,\n\nSomeone (hopefully you) tried to create a Carry account with this address, \
         which already has one.\n\nLog in: {0}/login\nForgot your password? {0}/forgot-password\n\n\
         If it was not you, you can ignore this email: nothing changed.",
        config.public_url
    );
    email::enqueue(
        &mut *tx,
        to,
        tr("You already have a Carry account"),
        &body,
        "already_member",
    )
    .await
}

async fn send_verification(
    tx: &mut sqlx::PgConnection,
    config: &Config,
    user_id: UserId,
    to: &str,
    name: &str,
) -> Result<(), AppError> {
    let token = tokens::issue(&mut *tx, user_id, "verify_email", VERIFY_LINK_LIFETIME).await?;
    let link = format!("{}/verify-email?token={token}", config.public_url);
    let body = crate::trf!(
        "Hi {},\n\nConfirm your email address for Carry by opening this link:\n\n{}\n\n\
         The link works for 24 hours. If you did not sign up, ignore this email.",
        name,
        link
    );
    email::enqueue(
        &mut *tx,
        to,
        tr("Confirm your email for Carry"),
        &body,
        "verify_email",
    )
    .await
}

/// Sends a fresh verification link to a logged-in, unverified user.
#[tracing::instrument(skip(pool, config))]
pub async fn resend_verification(
    pool: &PgPool,
    config: &Config,
    user_id: UserId,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let u = sqlx::query!(
        r#"SELECT email, display_name, email_verified_at IS NOT NULL AS "verified!"
           FROM users WHERE id = $1"#,
        user_id as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if u.verified {
        return Err(AppError::Conflict(
            tr("Your email address is already confirmed.").into(),
        ));
    }
    let recent = sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM email_tokens
         WHERE user_id = $1 AND purpose = 'verify_email' AND created_at > now() - interval '1 hour'",
        user_id as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= 5 {
        return Err(AppError::TooManyRequests(
            tr("We've sent several links in the last hour. Check your inbox and spam folder, or try again later.").into(),
        ));
    }
    send_verification(&mut tx, config, user_id, &u.email, &u.display_name).await?;
    tx.commit().await?;
    Ok(())
}

/// Consumes a verification link: the address is confirmed and its owner logged in (a new
/// session). A link opened again confirms nothing more and logs no one in (`None`).
#[tracing::instrument(skip_all)]
pub async fn verify_email(
    pool: &PgPool,
    token: &str,
    user_agent: &str,
    ip: &str,
) -> Result<Option<LoggedIn>, AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT user_id AS "user_id: UserId", used_at IS NOT NULL AS "used!",
                  expires_at < now() AS "expired!"
           FROM email_tokens WHERE token_hash = $1 AND purpose = 'verify_email' FOR UPDATE"#,
        tokens::hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(t) = row else {
        return Err(AppError::NotFound(
            tr("This verification link is not valid. Check that you copied all of it.").into(),
        ));
    };
    if t.used {
        return Ok(None); // Opening the link twice is fine: the address is confirmed.
    }
    if t.expired {
        return Err(AppError::Conflict(
            tr("This verification link has expired. Log in and ask for a new one.").into(),
        ));
    }
    sqlx::query!(
        "UPDATE email_tokens SET used_at = now() WHERE token_hash = $1",
        tokens::hash(token.trim())
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1",
        t.user_id as UserId
    )
    .execute(&mut *tx)
    .await?;
    let token = sessions::create(&mut *tx, t.user_id, user_agent, ip).await?;
    tx.commit().await?;
    Ok(Some(LoggedIn {
        user_id: t.user_id,
        token,
    }))
}

/// PRODUCT §1: until the email address is confirmed a member can browse, but nothing that moves
/// money (booking, carrying, topping up, withdrawing). Every such service calls this.
pub async fn require_confirmed(
    db: impl sqlx::PgExecutor<'_>,
    user: crate::types::UserId,
) -> Result<(), AppError> {
    let confirmed = sqlx::query_scalar!(
        r#"SELECT email_verified_at IS NOT NULL AS "v!" FROM users WHERE id = $1"#,
        user as crate::types::UserId
    )
    .fetch_one(db)
    .await?;
    if confirmed {
        Ok(())
    } else {
        Err(AppError::Conflict(NOT_CONFIRMED.into()))
    }
}

pub const NOT_CONFIRMED: &str = crate::i18n::key("Confirm your email address first (open the link we emailed you): until then you can browse, but not book, carry or move money.");
