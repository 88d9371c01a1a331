//! A member's own profile and password, and what anyone may see of them.

use super::avatar;
use super::login::LOCKOUT_WINDOW;
use super::password;
use super::sessions;
use super::validate::{field, DisplayName, NewPassword};
use crate::error::{printable, AppError, Problems};
use crate::i18n::tr;
use crate::i18n::Locale;
use crate::server::{places, ratelimit, time};
use crate::types::accounts::{language_name, Profile, PublicProfile};
use crate::types::UserId;
use sqlx::PgPool;
use uuid::Uuid;

/// Changes the password of a logged-in user, ending their other sessions.
/// Tries at changing the password (right or wrong) per 15 minutes: the current password cannot
/// be guessed here faster than at the login.
pub const PASSWORD_CHANGES_PER_WINDOW: i64 = 5;

#[tracing::instrument(skip(pool, current, new))]
pub async fn change_password(
    pool: &PgPool,
    user_id: UserId,
    keep_session: Uuid,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let u = sqlx::query!(
        "SELECT email, display_name, password_hash FROM users WHERE id = $1",
        user_id as UserId
    )
    .fetch_one(pool)
    .await?;
    let bucket = format!("password-change:{user_id}");
    if !ratelimit::hit(pool, &bucket, PASSWORD_CHANGES_PER_WINDOW, LOCKOUT_WINDOW).await? {
        return Err(AppError::TooManyRequests(
            tr("Too many tries. Wait 15 minutes, or reset your password by email.").into(),
        ));
    }
    if !password::verify(current.chars().take(1024).collect(), Some(u.password_hash)).await? {
        return Err(AppError::validation(
            "current_password",
            crate::i18n::tr("Your current password is not right."),
        ));
    }
    let pw = NewPassword::parse(new, &u.email, &u.display_name)
        .map_err(|m| AppError::validation("new_password", m))?;
    if new == current {
        return Err(AppError::validation(
            "new_password",
            crate::i18n::tr("Choose a password different from the current one."),
        ));
    }
    let hash = password::hash(pw.into_inner()).await?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1",
        user_id as UserId,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sessions::revoke_all(&mut *tx, user_id, Some(keep_session)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn profile(pool: &PgPool, user_id: UserId) -> Result<Profile, AppError> {
    let r = sqlx::query!(
        r#"SELECT u.display_name, u.bio, coalesce(p.label, u.home_city) AS "home_city!", u.email,
                  u.email_verified_at IS NOT NULL AS "verified!", u.languages, u.phone, u.avatar_version
           FROM users u LEFT JOIN places p ON p.id = u.home_place_id WHERE u.id = $1"#,
        user_id as UserId
    )
    .fetch_one(pool)
    .await?;
    Ok(Profile {
        display_name: r.display_name,
        bio: r.bio,
        home_city: r.home_city,
        email: r.email,
        email_verified: r.verified,
        languages: r.languages,
        phone: r.phone,
        avatar: r.avatar_version.map(|v| avatar::url(user_id, v, 160)),
    })
}

/// A phone number as the profile keeps it: E.164 ("+33612345678"), checked with libphonenumber's
/// rules; empty means none.
pub fn phone_number(typed: &str) -> Result<String, &'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(String::new());
    }
    if !typed.starts_with('+') || typed.len() > 40 {
        return Err(tr(
            "Start with + and the country code, e.g. +33 6 12 34 56 78.",
        ));
    }
    let parsed = phonenumber::parse(None, typed)
        .map_err(|_| tr("This is not a phone number. Type it with + and the country code."))?;
    if !parsed.is_valid() {
        return Err(tr("This number does not exist in that country. Check it."));
    }
    Ok(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// What the profile form sends.
pub struct ProfileForm<'a> {
    pub display_name: &'a str,
    pub bio: &'a str,
    pub home_city: &'a str,
    pub languages: &'a [String],
    pub phone: &'a str,
}

#[tracing::instrument(skip(pool, form))]
pub async fn update_profile(
    pool: &PgPool,
    user_id: UserId,
    form: &ProfileForm<'_>,
) -> Result<(), AppError> {
    let ProfileForm {
        display_name,
        bio,
        home_city,
        languages,
        phone,
    } = *form;
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
    p.check(
        printable(home_city, false) && printable(bio, true),
        if printable(bio, true) {
            "home_city"
        } else {
            "bio"
        },
        "This has characters we can't show; type it again.",
    );
    let unknown: Vec<&String> = languages
        .iter()
        .filter(|l| language_name(l).is_none())
        .collect();
    p.check(
        unknown.is_empty() && languages.len() <= 12,
        "languages",
        "Choose languages from the list (at most 12).",
    );
    let phone = match phone_number(phone) {
        Ok(n) => Some(n),
        Err(m) => {
            p.add("phone", m);
            None
        }
    };
    let place = if home_city.trim().is_empty() {
        None
    } else {
        let found = places::resolve(pool, home_city).await?;
        if found.is_none() {
            p.add("home_city", crate::i18n::tr(places::UNKNOWN_PLACE));
        }
        found
    };
    p.into_result().map_err(|e| {
        e.with_values(&[
            ("display_name", display_name),
            ("bio", bio),
            ("home_city", home_city),
            ("phone", form.phone),
        ])
    })?;
    let Some(name) = name else {
        return Err(AppError::internal("display name checked"));
    };
    let mut langs: Vec<String> = languages.to_vec();
    langs.sort();
    langs.dedup();
    sqlx::query!(
        "UPDATE users SET display_name = $2, bio = $3, home_city = $4, home_place_id = $5,
                languages = $6, phone = $7, updated_at = now()
         WHERE id = $1",
        user_id as UserId,
        name.as_str(),
        bio.trim(),
        place.as_ref().map(|p| p.label.as_str()).unwrap_or(""),
        place.as_ref().map(|p| p.id),
        &langs,
        phone.unwrap_or_default()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// What anyone may see of a member. Banned members have no public page.
pub async fn public_profile(pool: &PgPool, user_id: UserId) -> Result<PublicProfile, AppError> {
    let r = sqlx::query!(
        r#"SELECT u.id AS "id: UserId", u.display_name, u.bio, coalesce(p.label, u.home_city) AS "home_city!",
                  u.created_at, u.email_verified_at IS NOT NULL AS "verified!",
                  u.id_verified_at IS NOT NULL AS "id_verified!", u.languages, u.avatar_version
           FROM users u LEFT JOIN places p ON p.id = u.home_place_id
           WHERE u.id = $1 AND u.status NOT IN ('banned', 'deleted')"#,
        user_id as UserId
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("There is no member at this address.").into()))?;
    Ok(PublicProfile {
        id: r.id,
        display_name: r.display_name,
        bio: r.bio,
        home_city: r.home_city,
        languages: r
            .languages
            .iter()
            .filter_map(|l| language_name(l))
            .map(str::to_string)
            .collect(),
        avatar: r.avatar_version.map(|v| avatar::url(r.id, v, 400)),
        member_since: time::month_year(r.created_at),
        email_verified: r.verified,
        id_verified: r.id_verified,
        reputation: Default::default(),
        is_me: false,
    })
}

/// Remembers the member's time zone (an IANA name the caller has checked).
pub async fn set_time_zone(pool: &PgPool, user_id: UserId, tz: &str) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE users SET time_zone = $2 WHERE id = $1 AND time_zone IS DISTINCT FROM $2",
        user_id as UserId,
        tz
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The member with this email (as typed: case and surrounding spaces do not matter).
pub async fn id_by_email(pool: &PgPool, email: &str) -> Result<Option<UserId>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE email = lower($1)"#,
        email.trim()
    )
    .fetch_optional(pool)
    .await?)
}

/// Remembers the member's language (for what is written to them, and their next browser).
pub async fn set_locale(pool: &PgPool, user_id: UserId, locale: Locale) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE users SET locale = $2 WHERE id = $1 AND locale IS DISTINCT FROM $2",
        user_id as UserId,
        locale.code()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The language a member chose, or signed up in; `None` when neither (an account an operator
/// made).
pub async fn locale(
    conn: &mut sqlx::PgConnection,
    user_id: UserId,
) -> Result<Option<Locale>, AppError> {
    let code = sqlx::query_scalar!("SELECT locale FROM users WHERE id = $1", user_id as UserId)
        .fetch_optional(conn)
        .await?;
    Ok(code.flatten().and_then(|c| Locale::parse(&c)))
}
