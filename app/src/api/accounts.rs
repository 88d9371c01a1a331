//! Accounts: sign-up, login, logout, email verification, password reset and change, profile,
//! sessions, public profiles.

use crate::error::AppError;
use crate::types::accounts::{
    ApiTokens, CurrentUser, Profile, PublicProfile, SessionInfo, TwoFactorState,
};
use crate::types::UserId;
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{accounts, ctx};
#[cfg(feature = "ssr")]
use crate::url::safe_next;

/// The logged-in user, or `None`. Used by the navigation on every page.
#[server(prefix = "/api", endpoint = "auth/me", output = Postcard)]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(ctx::current_user().await?.map(|a| a.user))
}

#[server(prefix = "/api", endpoint = "auth/signup", output = Postcard)]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, ip) = ctx::client_info();
    let input = accounts::signup::SignUp {
        email: &email,
        password: &password,
        display_name: &display_name,
    };
    accounts::signup::sign_up(&state.pool, &state.config, input, &ip).await?;
    leptos_axum::redirect("/signup?sent=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/login", output = Postcard)]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (ua, ip) = ctx::client_info();
    // An old session cookie is replaced, never reused.
    if let Some(old) = ctx::session_token() {
        accounts::sessions::end(&state.pool, &old).await?;
    }
    let next = safe_next(next.as_deref().unwrap_or("/"), "/");
    match accounts::login::log_in(&state.pool, &email, &password, &ua, &ip).await? {
        accounts::login::LoginStep::Session(done) => {
            ctx::set_session_cookie(&done.token);
            ctx::restore_locale(&state.pool, done.user_id).await?;
            leptos_axum::redirect(&next);
        }
        accounts::login::LoginStep::Code { challenge } => {
            ctx::set_challenge_cookie(&challenge);
            leptos_axum::redirect(&format!(
                "/login/code?next={}",
                crate::url::urlencode(&next)
            ));
        }
    }
    Ok(())
}

/// The second step of a login with two-factor on: a code from the app, or a recovery code.
#[server(prefix = "/api", endpoint = "auth/login-code", output = Postcard)]
pub async fn log_in_with_code(code: String, next: Option<String>) -> Result<(), AppError> {
    let pool = ctx::pool()?;
    let Some(challenge) = ctx::challenge_token() else {
        return Err(AppError::Conflict(
            crate::i18n::tr(accounts::two_factor::CHALLENGE_GONE).into(),
        ));
    };
    let done = accounts::two_factor::complete_login(&pool, &challenge, &code).await?;
    ctx::clear_challenge_cookie();
    ctx::set_session_cookie(&done.token);
    ctx::restore_locale(&pool, done.user_id).await?;
    leptos_axum::redirect(&safe_next(next.as_deref().unwrap_or("/"), "/"));
    Ok(())
}

/// The language switch in the footer: remembered in a cookie, and on the account of a member
/// who is logged in; then back to the page it was used on (a full page load, in the new
/// language).
#[server(prefix = "/api", endpoint = "language", output = Postcard)]
pub async fn set_language(lang: String, next: Option<String>) -> Result<(), AppError> {
    let locale = crate::i18n::Locale::parse(&lang)
        .ok_or_else(|| AppError::BadRequest(crate::i18n::tr("Choose English or French.").into()))?;
    if let Some(me) = ctx::current_user().await? {
        accounts::profile::set_locale(&ctx::pool()?, me.user.id, locale).await?;
    }
    ctx::set_locale_cookie(locale);
    leptos_axum::redirect(&safe_next(next.as_deref().unwrap_or("/"), "/"));
    Ok(())
}

/// Two-factor login as the security page shows it (new recovery codes shown this once).
#[server(prefix = "/api", endpoint = "account/two-factor", output = Postcard)]
pub async fn get_two_factor() -> Result<TwoFactorState, AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    let mut state = accounts::two_factor::state(&pool, me.user.id).await?;
    state.new_recovery_codes =
        accounts::two_factor::reveal_now(&pool, me.session_id, "recovery_codes")
            .await?
            .map(|s| s.split(' ').map(str::to_string).collect());
    Ok(state)
}

#[server(prefix = "/api", endpoint = "account/two-factor/start", output = Postcard)]
pub async fn start_two_factor() -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    accounts::two_factor::start(&ctx::pool()?, me.user.id).await?;
    leptos_axum::redirect("/account/security");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/two-factor/confirm", output = Postcard)]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    let codes = accounts::two_factor::confirm(&pool, me.user.id, &code).await?;
    accounts::two_factor::reveal_later(&pool, me.session_id, "recovery_codes", &codes.join(" "))
        .await?;
    leptos_axum::redirect("/account/security?enabled=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/two-factor/disable", output = Postcard)]
pub async fn disable_two_factor(password: String, code: String) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    accounts::two_factor::disable(&ctx::pool()?, me.user.id, &password, &code).await?;
    leptos_axum::redirect("/account/security?disabled=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/logout", output = Postcard)]
pub async fn log_out() -> Result<(), AppError> {
    if let Some(token) = ctx::session_token() {
        accounts::sessions::end(&ctx::pool()?, &token).await?;
    }
    ctx::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/verify-email", output = Postcard)]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let (ua, ip) = ctx::client_info();
    let pool = ctx::pool()?;
    match accounts::signup::verify_email(&pool, &token, &ua, &ip).await? {
        Some(done) => {
            // Whoever was logged in in this browser is replaced by the owner of the address.
            if let Some(old) = ctx::session_token() {
                accounts::sessions::end(&pool, &old).await?;
            }
            ctx::set_session_cookie(&done.token);
            leptos_axum::redirect("/account?welcome=1");
        }
        None => leptos_axum::redirect("/verify-email?done=1"),
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/resend-verification", output = Postcard)]
pub async fn resend_verification() -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    accounts::signup::resend_verification(&state.pool, &state.config, me.user.id).await?;
    leptos_axum::redirect("/account?resent=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/forgot-password", output = Postcard)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, ip) = ctx::client_info();
    accounts::recovery::request_password_reset(&state.pool, &state.config, &email, &ip).await?;
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/reset-password", output = Postcard)]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    accounts::recovery::reset_password(&ctx::pool()?, &token, &password).await?;
    ctx::clear_session_cookie();
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/password", output = Postcard)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    accounts::profile::change_password(
        &ctx::pool()?,
        me.user.id,
        me.session_id,
        &current_password,
        &new_password,
    )
    .await?;
    leptos_axum::redirect("/account/password?saved=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/profile", output = Postcard)]
pub async fn my_profile() -> Result<Profile, AppError> {
    let me = ctx::require_user().await?;
    accounts::profile::profile(&ctx::pool()?, me.user.id).await
}

#[server(prefix = "/api", endpoint = "account/profile/update", output = Postcard)]
pub async fn update_profile(
    display_name: String,
    bio: String,
    home_city: String,
    #[server(default)] languages: Vec<String>,
    #[server(default)] phone: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let form = accounts::profile::ProfileForm {
        display_name: &display_name,
        bio: &bio,
        home_city: &home_city,
        languages: &languages,
        phone: &phone,
    };
    accounts::profile::update_profile(&ctx::pool()?, me.user.id, &form).await?;
    leptos_axum::redirect("/account?saved=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sessions", output = Postcard)]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let me = ctx::require_user().await?;
    let tz = ctx::viewer_zone(Some(&me));
    accounts::sessions::list(&ctx::pool()?, me.user.id, me.session_id, &tz).await
}

#[server(prefix = "/api", endpoint = "account/sessions/revoke", output = Postcard)]
pub async fn revoke_session(session_id: Uuid) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    accounts::sessions::revoke(&ctx::pool()?, me.user.id, session_id).await?;
    if session_id == me.session_id {
        ctx::clear_session_cookie();
        leptos_axum::redirect("/login");
    } else {
        leptos_axum::redirect("/account/sessions?revoked=1");
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "profiles/get", output = Postcard)]
pub async fn get_public_profile(user_id: UserId) -> Result<PublicProfile, AppError> {
    let pool = ctx::pool()?;
    let mut profile = accounts::profile::public_profile(&pool, user_id).await?;
    let me = ctx::current_user().await?;
    let tz = ctx::viewer_zone(me.as_ref());
    profile.reputation = crate::server::reviews::reputation(&pool, user_id, &tz).await?;
    profile.is_me = me.is_some_and(|m| m.user.id == user_id);
    Ok(profile)
}

/// The browser reports its time zone: kept in a cookie, and on the account when signed in, so
/// every page (with or without JavaScript) shows times in it.
#[server(prefix = "/api", endpoint = "account/time-zone", output = Postcard)]
pub async fn remember_time_zone(tz: String) -> Result<(), AppError> {
    let Some(tz) = crate::server::time::valid_zone(&tz) else {
        return Err(AppError::validation(
            "tz",
            crate::i18n::tr("This is not a time zone we know."),
        ));
    };
    ctx::set_zone_cookie(&tz);
    if let Some(me) = ctx::current_user().await? {
        accounts::profile::set_time_zone(&ctx::pool()?, me.user.id, &tz).await?;
    }
    Ok(())
}

/// The member's API tokens, and a token just made (shown this once).
#[server(prefix = "/api", endpoint = "account/tokens", output = Postcard)]
pub async fn my_api_tokens() -> Result<ApiTokens, AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    let tz = ctx::viewer_zone(Some(&me));
    Ok(ApiTokens {
        tokens: accounts::api_tokens::list(&pool, me.user.id, &tz).await?,
        new_token: accounts::two_factor::reveal_now(&pool, me.session_id, "api_token").await?,
    })
}

#[server(prefix = "/api", endpoint = "account/tokens/create", output = Postcard)]
pub async fn create_api_token(
    name: String,
    #[server(default)] read: Option<String>,
    #[server(default)] write: Option<String>,
    #[server(default)] days: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    let form = accounts::api_tokens::NewToken {
        name: &name,
        read: read.is_some(),
        write: write.is_some(),
        days: &days,
    };
    let token = accounts::api_tokens::create(&pool, me.user.id, &form).await?;
    accounts::two_factor::reveal_later(&pool, me.session_id, "api_token", &token).await?;
    leptos_axum::redirect("/account/security?token=1#tokens");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/tokens/revoke", output = Postcard)]
pub async fn revoke_api_token(id: Uuid) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    accounts::api_tokens::revoke(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect("/account/security?revoked=1#tokens");
    Ok(())
}

/// The privacy page: copies of the member's data, and whether the account can be deleted now.
#[server(prefix = "/api", endpoint = "account/privacy", output = Postcard)]
pub async fn my_privacy() -> Result<crate::types::accounts::Privacy, AppError> {
    let me = ctx::require_user().await?;
    let tz = ctx::viewer_zone(Some(&me));
    accounts::privacy::page(&ctx::pool()?, me.user.id, &tz).await
}

/// "Download my data": the job queue makes a copy and the member is told when it is ready.
#[server(prefix = "/api", endpoint = "account/export", output = Postcard)]
pub async fn request_data_export() -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    accounts::privacy::request_export(&ctx::pool()?, me.user.id).await?;
    leptos_axum::redirect("/account/privacy?requested=1");
    Ok(())
}

/// "Delete my account": the password and the word DELETE.
#[server(prefix = "/api", endpoint = "account/delete", output = Postcard)]
pub async fn delete_account(password: String, confirm: String) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    accounts::privacy::erase(
        &state.pool,
        &state.config.upload_dir,
        me.user.id,
        &password,
        &confirm,
    )
    .await?;
    ctx::clear_session_cookie();
    leptos_axum::redirect("/?deleted=1");
    Ok(())
}
