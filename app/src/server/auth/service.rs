//! The account service: every rule about accounts lives here, tested against Postgres.

use super::validate::{field, DisplayName, Email, NewPassword};
use super::{password, sessions, tokens};
use crate::error::{AppError, Problems};
use crate::server::{email, time_fmt, Config};
use crate::types::{AdminOverview, Profile, PublicProfile};
use sqlx::PgPool;
use time::Duration;
use uuid::Uuid;

pub const LOCKOUT_FAILURES: i64 = 5;
pub const LOCKOUT_WINDOW: Duration = Duration::minutes(15);
pub const VERIFY_LINK_LIFETIME: Duration = Duration::hours(24);
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);

pub const WRONG_CREDENTIALS: &str =
    "That email and password don't match an account. Check them and try again.";
pub const LOCKED_OUT: &str = "Too many failed attempts. Password login for this account is paused for 15 minutes. You can reset your password meanwhile.";

pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
}

/// A new, logged-in account: its id and the session token for the cookie.
pub struct LoggedIn {
    pub user_id: Uuid,
    pub token: String,
}

/// Creates an account, sends the verification link and starts a session.
pub async fn sign_up(
    pool: &PgPool,
    config: &Config,
    input: SignUp<'_>,
    user_agent: &str,
    ip: &str,
) -> Result<LoggedIn, AppError> {
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
    let (email, name, pw) = (email.unwrap(), name.unwrap(), pw.unwrap());

    let hash = password::hash(pw.into_inner()).await?;
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query_scalar!(
        "INSERT INTO users (email, display_name, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO NOTHING RETURNING id",
        email.as_str(),
        name.as_str(),
        hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = inserted else {
        return Err(AppError::validation(
            "email",
            "An account with this email already exists. Log in, or reset your password if you forgot it.",
        )
        .with_values(&echo));
    };
    send_verification(&mut tx, config, user_id, email.as_str(), name.as_str()).await?;
    let token = sessions::create(&mut *tx, user_id, user_agent, ip).await?;
    tx.commit().await?;
    tracing::info!(%user_id, "account created");
    Ok(LoggedIn { user_id, token })
}

async fn send_verification(
    tx: &mut sqlx::PgConnection,
    config: &Config,
    user_id: Uuid,
    to: &str,
    name: &str,
) -> Result<(), AppError> {
    let token = issue_token(&mut *tx, user_id, "verify_email", VERIFY_LINK_LIFETIME).await?;
    let link = format!("{}/verify-email?token={token}", config.public_url);
    let body = format!(
        "Hi {name},\n\nConfirm your email address for Carry by opening this link:\n\n{link}\n\n\
         The link works for 24 hours. If you did not sign up, ignore this email."
    );
    email::enqueue(
        &mut *tx,
        to,
        "Confirm your email for Carry",
        &body,
        "verify_email",
    )
    .await
}

async fn issue_token(
    tx: &mut sqlx::PgConnection,
    user_id: Uuid,
    purpose: &str,
    lifetime: Duration,
) -> Result<String, AppError> {
    let token = tokens::generate();
    sqlx::query!(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
        tokens::hash(&token),
        user_id,
        purpose,
        lifetime.whole_seconds() as f64
    )
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

/// Sends a fresh verification link to a logged-in, unverified user.
pub async fn resend_verification(
    pool: &PgPool,
    config: &Config,
    user_id: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let u = sqlx::query!(
        "SELECT email, display_name, email_verified_at IS NOT NULL AS \"verified!\" FROM users WHERE id = $1",
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if u.verified {
        return Err(AppError::Conflict(
            "Your email address is already confirmed.".into(),
        ));
    }
    let recent = sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM email_tokens
         WHERE user_id = $1 AND purpose = 'verify_email' AND created_at > now() - interval '1 hour'",
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= 5 {
        return Err(AppError::TooManyRequests(
            "We've sent several links in the last hour. Check your inbox and spam folder, or try again later.".into(),
        ));
    }
    send_verification(&mut tx, config, user_id, &u.email, &u.display_name).await?;
    tx.commit().await?;
    Ok(())
}

/// Consumes a verification link.
pub async fn verify_email(pool: &PgPool, token: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT user_id, used_at IS NOT NULL AS "used!", expires_at < now() AS "expired!"
           FROM email_tokens WHERE token_hash = $1 AND purpose = 'verify_email' FOR UPDATE"#,
        tokens::hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(t) = row else {
        return Err(AppError::NotFound(
            "This verification link is not valid. Check that you copied all of it.".into(),
        ));
    };
    if t.used {
        return Ok(()); // Opening the link twice is fine: the address is confirmed.
    }
    if t.expired {
        return Err(AppError::Conflict(
            "This verification link has expired. Log in and ask for a new one.".into(),
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
        t.user_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Password login. Unknown emails cost the same time and lock the same way as known ones, and the
/// message never says which it was.
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
        "SELECT id, password_hash, status, suspended_until FROM users WHERE email = $1",
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
    match user.status.as_str() {
        "banned" => return Err(AppError::Forbidden),
        "suspended"
            if user
                .suspended_until
                .is_none_or(|t| t > time::OffsetDateTime::now_utc()) =>
        {
            let until = user
                .suspended_until
                .map(|t| format!(" until {}", time_fmt::datetime(t)))
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
        LOCKOUT_WINDOW.whole_seconds() as f64
    )
    .fetch_one(pool)
    .await?)
}

/// Emails a reset link when the account exists; answers the same either way.
pub async fn request_password_reset(
    pool: &PgPool,
    config: &Config,
    raw_email: &str,
) -> Result<(), AppError> {
    let email = Email::parse(raw_email)
        .map_err(|m| AppError::validation("email", m).with_values(&[("email", raw_email)]))?;
    let mut tx = pool.begin().await?;
    let user = sqlx::query!(
        "SELECT id, display_name FROM users WHERE email = $1",
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(u) = user {
        let token = issue_token(&mut tx, u.id, "reset_password", RESET_LINK_LIFETIME).await?;
        let link = format!("{}/reset-password?token={token}", config.public_url);
        let body = format!(
            "Hi {},\n\nSomeone (hopefully you) asked to reset your Carry password. Choose a new one here:\n\n{link}\n\n\
             The link works once, for 1 hour. If you did not ask, ignore this email: your password stays as it is.",
            u.display_name
        );
        email::enqueue(
            &mut *tx,
            email.as_str(),
            "Reset your Carry password",
            &body,
            "reset_password",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link: single use, 1 hour, and every session ends.
pub async fn reset_password(
    pool: &PgPool,
    token: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT t.user_id, t.used_at IS NOT NULL AS "used!", t.expires_at < now() AS "expired!",
                  u.email, u.display_name
           FROM email_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.token_hash = $1 AND t.purpose = 'reset_password' FOR UPDATE OF t"#,
        tokens::hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(t) = row else {
        return Err(AppError::NotFound(
            "This reset link is not valid. Ask for a new one.".into(),
        ));
    };
    if t.used || t.expired {
        return Err(AppError::Conflict(
            "This reset link has expired or was already used. Ask for a new one.".into(),
        ));
    }
    let pw = NewPassword::parse(new_password, &t.email, &t.display_name)
        .map_err(|m| AppError::validation("password", m))?;
    let hash = password::hash(pw.into_inner()).await?;
    sqlx::query!(
        "UPDATE email_tokens SET used_at = now()
         WHERE user_id = $1 AND purpose = 'reset_password' AND used_at IS NULL",
        t.user_id
    )
    .execute(&mut *tx)
    .await?;
    // The link proves the user reads this inbox, so the address counts as confirmed.
    sqlx::query!(
        "UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, now()),
                updated_at = now() WHERE id = $1",
        t.user_id,
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

/// Changes the password of a logged-in user, ending their other sessions.
pub async fn change_password(
    pool: &PgPool,
    user_id: Uuid,
    keep_session: Uuid,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let u = sqlx::query!(
        "SELECT email, display_name, password_hash FROM users WHERE id = $1",
        user_id
    )
    .fetch_one(pool)
    .await?;
    if !password::verify(current.to_string(), Some(u.password_hash)).await? {
        return Err(AppError::validation(
            "current_password",
            "Your current password is not right.",
        ));
    }
    let pw = NewPassword::parse(new, &u.email, &u.display_name)
        .map_err(|m| AppError::validation("new_password", m))?;
    if new == current {
        return Err(AppError::validation(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let hash = password::hash(pw.into_inner()).await?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1",
        user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sessions::revoke_all(&mut *tx, user_id, Some(keep_session)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn profile(pool: &PgPool, user_id: Uuid) -> Result<Profile, AppError> {
    let r = sqlx::query!(
        r#"SELECT display_name, bio, home_city, email, email_verified_at IS NOT NULL AS "verified!"
           FROM users WHERE id = $1"#,
        user_id
    )
    .fetch_one(pool)
    .await?;
    Ok(Profile {
        display_name: r.display_name,
        bio: r.bio,
        home_city: r.home_city,
        email: r.email,
        email_verified: r.verified,
    })
}

pub async fn update_profile(
    pool: &PgPool,
    user_id: Uuid,
    display_name: &str,
    bio: &str,
    home_city: &str,
) -> Result<(), AppError> {
    let mut p = Problems::new();
    let name = field(&mut p, "display_name", DisplayName::parse(display_name));
    p.check(
        bio.chars().count() <= 2000,
        "bio",
        "Keep your bio to 2,000 characters.",
    );
    p.check(
        home_city.trim().chars().count() <= 120,
        "home_city",
        "Keep the city to 120 characters.",
    );
    p.into_result().map_err(|e| {
        e.with_values(&[
            ("display_name", display_name),
            ("bio", bio),
            ("home_city", home_city),
        ])
    })?;
    let name = name.expect("checked above");
    sqlx::query!(
        "UPDATE users SET display_name = $2, bio = $3, home_city = $4, updated_at = now() WHERE id = $1",
        user_id,
        name.as_str(),
        bio.trim(),
        home_city.trim()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// What anyone may see of a member. Banned members have no public page.
pub async fn public_profile(pool: &PgPool, user_id: Uuid) -> Result<PublicProfile, AppError> {
    let r = sqlx::query!(
        r#"SELECT id, display_name, bio, home_city, created_at, email_verified_at IS NOT NULL AS "verified!",
                  id_verified_at IS NOT NULL AS "id_verified!"
           FROM users WHERE id = $1 AND status <> 'banned'"#,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("There is no member at this address.".into()))?;
    Ok(PublicProfile {
        id: r.id,
        display_name: r.display_name,
        bio: r.bio,
        home_city: r.home_city,
        member_since: time_fmt::month_year(r.created_at),
        email_verified: r.verified,
        id_verified: r.id_verified,
    })
}

/// Creates a verified admin account, or makes an existing account an admin (the server's
/// `admin create` command). Returns whether the account was new.
pub async fn create_or_promote_admin(
    pool: &PgPool,
    raw_email: &str,
    raw_password: Option<&str>,
    raw_name: &str,
) -> Result<bool, AppError> {
    let email = Email::parse(raw_email).map_err(|m| AppError::validation("email", m))?;
    let mut tx = pool.begin().await?;
    let existing = sqlx::query!(
        "SELECT id, role FROM users WHERE email = $1 FOR UPDATE",
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let created = match existing {
        Some(u) => {
            sqlx::query!(
                "UPDATE users SET role = 'admin', updated_at = now() WHERE id = $1",
                u.id
            )
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                None,
                "promote_admin",
                &u.id.to_string(),
                Some(&u.role),
                Some("admin"),
            )
            .await?;
            false
        }
        None => {
            let name = DisplayName::parse(raw_name)
                .map_err(|m| AppError::validation("display_name", m))?;
            let pw = NewPassword::parse(raw_password.unwrap_or(""), email.as_str(), name.as_str())
                .map_err(|m| AppError::validation("password", m))?;
            let hash = password::hash(pw.into_inner()).await?;
            let id = sqlx::query_scalar!(
                "INSERT INTO users (email, display_name, password_hash, role, email_verified_at)
                 VALUES ($1, $2, $3, 'admin', now()) RETURNING id",
                email.as_str(),
                name.as_str(),
                hash
            )
            .fetch_one(&mut *tx)
            .await?;
            audit(
                &mut tx,
                None,
                "create_admin",
                &id.to_string(),
                None,
                Some("admin"),
            )
            .await?;
            true
        }
    };
    tx.commit().await?;
    Ok(created)
}

/// Creates a verified ordinary account if it does not exist (demo data).
pub async fn ensure_user(
    pool: &PgPool,
    raw_email: &str,
    raw_password: &str,
    name: &str,
) -> Result<Uuid, AppError> {
    let email = Email::parse(raw_email).map_err(|m| AppError::validation("email", m))?;
    if let Some(id) = sqlx::query_scalar!("SELECT id FROM users WHERE email = $1", email.as_str())
        .fetch_optional(pool)
        .await?
    {
        return Ok(id);
    }
    let name = DisplayName::parse(name).map_err(|m| AppError::validation("display_name", m))?;
    let pw = NewPassword::parse(raw_password, email.as_str(), name.as_str())
        .map_err(|m| AppError::validation("password", m))?;
    let hash = password::hash(pw.into_inner()).await?;
    Ok(sqlx::query_scalar!(
        "INSERT INTO users (email, display_name, password_hash, email_verified_at)
         VALUES ($1, $2, $3, now())
         ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id",
        email.as_str(),
        name.as_str(),
        hash
    )
    .fetch_one(pool)
    .await?)
}

pub async fn audit(
    tx: &mut sqlx::PgConnection,
    actor: Option<Uuid>,
    action: &str,
    subject: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, subject, before, after) VALUES ($1, $2, $3, $4, $5)",
        actor,
        action,
        subject,
        before.map(|b| serde_json::json!(b)),
        after.map(|a| serde_json::json!(a))
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn admin_overview(pool: &PgPool) -> Result<AdminOverview, AppError> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "total!",
                  count(*) FILTER (WHERE email_verified_at IS NOT NULL) AS "verified!",
                  count(*) FILTER (WHERE role = 'admin') AS "admins!",
                  count(*) FILTER (WHERE created_at > now() - interval '7 days') AS "recent!"
           FROM users"#
    )
    .fetch_one(pool)
    .await?;
    let active = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM sessions
           WHERE revoked_at IS NULL AND expires_at > now() AND last_seen_at > now() - interval '14 days'"#
    )
    .fetch_one(pool)
    .await?;
    let queues = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM parcels WHERE status = 'in_review') AS "review!",
                  (SELECT count(*) FROM id_verifications WHERE status = 'pending') AS "ids!",
                  (SELECT count(*) FROM withdrawals WHERE status = 'pending') AS "payouts!""#
    )
    .fetch_one(pool)
    .await?;
    Ok(AdminOverview {
        users_total: r.total,
        users_verified: r.verified,
        admins: r.admins,
        signups_last_7_days: r.recent,
        active_sessions: active,
        parcels_in_review: queues.review,
        id_checks_waiting: queues.ids,
        payouts_waiting: queues.payouts,
    })
}
