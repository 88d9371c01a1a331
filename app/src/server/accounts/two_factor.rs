//! Two-factor login (PRODUCT §1, optional): a TOTP secret enrolled by QR code or key and
//! confirmed with a first code, ten single-use recovery codes shown once, a second step at login
//! (a half-authenticated challenge that allows nothing else, for 5 minutes), codes accepted
//! within ±1 step and never twice, wrong codes counted with the password's lock-out, disabling
//! with the password and a code, and an admin reset for a member who lost both.

use super::lockout::{self, LOCKED_OUT, LOCKOUT_FAILURES};
use super::sessions::{self, LoggedIn};
use super::tokens;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::audit;
use crate::types::accounts::TwoFactorState;
use crate::types::UserId;
use ::time::Duration;
use rand::Rng;
use sqlx::{PgConnection, PgPool};
use totp_rs::{Builder, Secret, Totp};
use uuid::Uuid;

/// How long the code step of a login may take.
pub const CHALLENGE_LIFETIME: Duration = Duration::minutes(5);
pub const RECOVERY_CODES: usize = 10;
/// Tries at turning two-factor off (right or wrong) per 15 minutes.
pub const DISABLE_TRIES: i64 = 5;

pub const WRONG_CODE: &str = crate::i18n::key(
    "That code is not right. Enter the 6-digit code your app shows now, or a recovery code.",
);
pub const CHALLENGE_GONE: &str = crate::i18n::key(
    "This sign-in has expired (it lasts 5 minutes). Log in again with your password.",
);

fn totp(secret: &[u8], account: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_secret(Secret::from(secret.to_vec()))
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(crate::BRAND))
        .build()
        .map_err(|e| AppError::internal(format!("totp: {e:?}")))
}

fn now_secs() -> u64 {
    u64::try_from(::time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0)
}

/// The time step `code` is valid for (now, or one step either side), if it is.
fn step_of(secret: &[u8], account: &str, code: &str) -> Result<Option<i64>, AppError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(totp(secret, account)?
        .check(&digits, now_secs())
        .and_then(|s| i64::try_from(s).ok()))
}

/// A recovery code as stored: lower case, without spaces or dashes.
fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Ten codes like `k7mq2-x9rtd`, from an alphabet without look-alikes (no 0/o, 1/l/i).
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let c: String = (0..10)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect();
            format!("{}-{}", &c[..5], &c[5..])
        })
        .collect()
}

/// What the security page shows: whether two-factor login is on, an enrolment in progress (its
/// key, its `otpauth:` address and that address as a QR code), and the recovery codes left.
pub async fn state(pool: &PgPool, user: UserId) -> Result<TwoFactorState, AppError> {
    let r = sqlx::query!(
        r#"SELECT email, totp_secret IS NOT NULL AS "on!", totp_pending,
                  (SELECT count(*) FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL) AS "left!"
           FROM users u WHERE id = $1"#,
        user as UserId
    )
    .fetch_one(pool)
    .await?;
    let mut state = TwoFactorState {
        enabled: r.on,
        recovery_codes_left: r.left,
        ..Default::default()
    };
    if let (false, Some(pending)) = (r.on, r.totp_pending) {
        let t = totp(&pending, &r.email)?;
        let url = t
            .to_url()
            .map_err(|e| AppError::internal(format!("totp url: {e:?}")))?;
        state.key = Some(t.secret().to_base32());
        state.qr_svg = crate::server::bookings::codes::qr_svg(&url);
        state.otpauth_url = Some(url);
    }
    Ok(state)
}

/// Starts enrolling: a new secret waits for its first code (starting again replaces it).
#[tracing::instrument(skip(pool))]
pub async fn start(pool: &PgPool, user: UserId) -> Result<(), AppError> {
    let secret = Secret::generate();
    let done = sqlx::query!(
        "UPDATE users SET totp_pending = $2 WHERE id = $1 AND totp_secret IS NULL",
        user as UserId,
        secret.as_bytes()
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(
            tr("Two-factor login is already on.").into(),
        ));
    }
    Ok(())
}

/// Confirms the enrolment with a first code: two-factor login is on, and ten new recovery codes
/// are answered (to be shown once; only their hashes are kept).
#[tracing::instrument(skip(pool, code))]
pub async fn confirm(pool: &PgPool, user: UserId, code: &str) -> Result<Vec<String>, AppError> {
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        "SELECT email, totp_secret, totp_pending FROM users WHERE id = $1 FOR UPDATE",
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if r.totp_secret.is_some() {
        return Err(AppError::Conflict(
            tr("Two-factor login is already on.").into(),
        ));
    }
    let Some(pending) = r.totp_pending else {
        return Err(AppError::validation(
            "code",
            crate::i18n::tr("Start by adding Carry to your authenticator app."),
        ));
    };
    let Some(step) = step_of(&pending, &r.email, code)? else {
        return Err(AppError::validation("code", crate::i18n::tr(WRONG_CODE)));
    };
    sqlx::query!(
        "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2,
                          totp_enabled_at = now()
         WHERE id = $1",
        user as UserId,
        step
    )
    .execute(&mut *tx)
    .await?;
    let codes = replace_recovery_codes(&mut tx, user).await?;
    tx.commit().await?;
    Ok(codes)
}

async fn replace_recovery_codes(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<Vec<String>, AppError> {
    sqlx::query!(
        "DELETE FROM recovery_codes WHERE user_id = $1",
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    let codes = new_recovery_codes();
    let hashes: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| tokens::hash(&normalise_recovery(c)))
        .collect();
    sqlx::query!(
        "INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])",
        user as UserId,
        &hashes
    )
    .execute(&mut *conn)
    .await?;
    Ok(codes)
}

/// Uses a code for a member whose row the caller has locked: a TOTP code for a later step than
/// the last one accepted (then remembered), or an unused recovery code (then spent).
async fn use_code(conn: &mut PgConnection, user: UserId, code: &str) -> Result<bool, AppError> {
    let r = sqlx::query!(
        "SELECT email, totp_secret, totp_last_step FROM users WHERE id = $1",
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    let Some(secret) = r.totp_secret else {
        return Ok(false);
    };
    if let Some(step) = step_of(&secret, &r.email, code)? {
        if r.totp_last_step.is_some_and(|last| step <= last) {
            return Ok(false); // already used (or an older one): never twice
        }
        sqlx::query!(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1",
            user as UserId,
            step
        )
        .execute(&mut *conn)
        .await?;
        return Ok(true);
    }
    let normal = normalise_recovery(code);
    if normal.len() != 10 {
        return Ok(false);
    }
    let spent = sqlx::query!(
        "UPDATE recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        user as UserId,
        tokens::hash(&normal)
    )
    .execute(&mut *conn)
    .await?;
    Ok(spent.rows_affected() == 1)
}

/// Whether `user` logs in with a second step.
pub async fn is_on(db: impl sqlx::PgExecutor<'_>, user: UserId) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT totp_secret IS NOT NULL AS "on!" FROM users WHERE id = $1"#,
        user as UserId
    )
    .fetch_one(db)
    .await?)
}

/// After the right password for an account with two-factor login: the challenge the code step
/// answers (its token goes in a cookie of its own; only its hash is stored).
pub async fn challenge(
    pool: &PgPool,
    user: UserId,
    email: &str,
    user_agent: &str,
    ip: &str,
) -> Result<String, AppError> {
    let token = tokens::generate();
    sqlx::query!(
        "INSERT INTO login_challenges (token_hash, user_id, email, user_agent, ip, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
        tokens::hash(&token),
        user as UserId,
        email,
        user_agent,
        ip,
        CHALLENGE_LIFETIME.as_seconds_f64()
    )
    .execute(pool)
    .await?;
    Ok(token)
}

/// The code step of a login: a current code or a recovery code for the challenge's account.
/// Every try counts with the password attempts on that email (5 failures in 15 minutes lock
/// both); the challenge is spent and the session made in one transaction, so one challenge
/// makes one session.
#[tracing::instrument(skip_all)]
pub async fn complete_login(
    pool: &PgPool,
    challenge: &str,
    code: &str,
) -> Result<LoggedIn, AppError> {
    let c = sqlx::query!(
        r#"SELECT user_id AS "user_id: UserId", email, user_agent, ip FROM login_challenges
           WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()"#,
        tokens::hash(challenge)
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::Conflict(CHALLENGE_GONE.into()))?;
    if code.trim().is_empty() {
        return Err(AppError::validation(
            "code",
            crate::i18n::tr("Enter the code from your app."),
        ));
    }
    let Some(attempt) = lockout::begin_attempt(pool, &c.email).await? else {
        return Err(AppError::TooManyRequests(LOCKED_OUT.into()));
    };
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        c.user_id as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    let ok = use_code(
        &mut tx,
        c.user_id,
        code.chars().take(64).collect::<String>().as_str(),
    )
    .await?;
    if !ok {
        tx.rollback().await?;
        if lockout::finish_attempt(pool, &c.email, attempt, false).await? >= LOCKOUT_FAILURES {
            return Err(AppError::TooManyRequests(LOCKED_OUT.into()));
        }
        return Err(AppError::validation("code", crate::i18n::tr(WRONG_CODE)));
    }
    let spent = sqlx::query!(
        "UPDATE login_challenges SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL",
        tokens::hash(challenge)
    )
    .execute(&mut *tx)
    .await?;
    if spent.rows_affected() != 1 {
        return Err(AppError::Conflict(CHALLENGE_GONE.into()));
    }
    let token = sessions::create(&mut *tx, c.user_id, &c.user_agent, &c.ip).await?;
    tx.commit().await?;
    lockout::finish_attempt(pool, &c.email, attempt, true).await?;
    Ok(LoggedIn {
        user_id: c.user_id,
        token,
    })
}

/// Turns two-factor login off: needs the password and a code (or a recovery code).
#[tracing::instrument(skip(pool, password, code))]
pub async fn disable(
    pool: &PgPool,
    user: UserId,
    password: &str,
    code: &str,
) -> Result<(), AppError> {
    let bucket = format!("two-factor-off:{user}");
    lockout::confirm_password(pool, user, password, &bucket, DISABLE_TRIES).await?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if !use_code(
        &mut tx,
        user,
        code.chars().take(64).collect::<String>().as_str(),
    )
    .await?
    {
        return Err(AppError::validation("code", crate::i18n::tr(WRONG_CODE)));
    }
    turn_off(&mut tx, user).await?;
    tx.commit().await?;
    Ok(())
}

async fn turn_off(conn: &mut PgConnection, user: UserId) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL,
                          totp_enabled_at = NULL
         WHERE id = $1",
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM recovery_codes WHERE user_id = $1",
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An admin turns two-factor login off for a member who lost their phone and their codes
/// (after checking who they are by other means), audited; the member's sessions end.
#[tracing::instrument(skip(pool))]
pub async fn admin_reset(pool: &PgPool, admin: UserId, user: UserId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let on = sqlx::query_scalar!(
        r#"SELECT totp_secret IS NOT NULL AS "on!" FROM users WHERE id = $1 FOR UPDATE"#,
        user as UserId
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("There is no such member.").into()))?;
    if !on {
        return Err(AppError::Conflict(
            tr("This member does not use two-factor login.").into(),
        ));
    }
    turn_off(&mut tx, user).await?;
    sessions::revoke_all(&mut *tx, user, None).await?;
    audit::record(
        &mut tx,
        Some(admin),
        "member.two_factor_reset",
        &format!("user:{user}"),
        Some(r#"{"two_factor":true}"#),
        Some(r#"{"two_factor":false,"reason":"two-factor login reset: the member's sessions ended"}"#),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets finished and expired login challenges (after a day) and secrets never shown (after
/// their ten minutes): part of the sweep.
pub async fn prune(conn: &mut PgConnection) -> Result<(), AppError> {
    sqlx::query!("DELETE FROM login_challenges WHERE expires_at < now() - interval '1 day'")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM one_time_reveals WHERE created_at < now() - interval '10 minutes'")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Keeps a secret for the one page view that shows it (see `one_time_reveals`).
pub async fn reveal_later(
    db: impl sqlx::PgExecutor<'_>,
    session: Uuid,
    kind: &str,
    secret: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO one_time_reveals (session_id, kind, secret) VALUES ($1, $2, $3)
         ON CONFLICT (session_id, kind) DO UPDATE SET secret = EXCLUDED.secret, created_at = now()",
        session,
        kind,
        secret
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The secret kept for this session's one view, deleted as it is read.
pub async fn reveal_now(
    pool: &PgPool,
    session: Uuid,
    kind: &str,
) -> Result<Option<String>, AppError> {
    let r = sqlx::query!(
        r#"DELETE FROM one_time_reveals WHERE session_id = $1 AND kind = $2
           RETURNING secret, created_at > now() - interval '10 minutes' AS "fresh!""#,
        session,
        kind
    )
    .fetch_optional(pool)
    .await?;
    Ok(r.filter(|r| r.fresh).map(|r| r.secret))
}

/// The code an authenticator app with this key shows `offset_secs` from now (the tests; the
/// browser specs compute it from the key the same way).
pub fn code_for(key_base32: &str, offset_secs: i64) -> Option<String> {
    let secret = Secret::try_from_base32(key_base32).ok()?;
    let t = totp(secret.as_bytes(), "x").ok()?;
    let at = u64::try_from(i64::try_from(now_secs()).ok()?.checked_add(offset_secs)?).ok()?;
    Some(t.generate(at).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_distinct_and_normalise() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut set: Vec<String> = codes.iter().map(|c| normalise_recovery(c)).collect();
        set.sort();
        set.dedup();
        assert_eq!(set.len(), 10);
        assert!(codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        assert_eq!(normalise_recovery(" K7MQ2-X9RTD "), "k7mq2x9rtd");
    }

    #[test]
    fn a_code_is_valid_one_step_either_side_and_no_further() {
        let secret = Secret::generate();
        let t = totp(secret.as_bytes(), "a@b.c").unwrap();
        let now = now_secs();
        for (offset, ok) in [
            (-60i64, false),
            (-30, true),
            (0, true),
            (30, true),
            (90, false),
        ] {
            let at = u64::try_from(i64::try_from(now).unwrap() + offset).unwrap();
            let code = t.generate(at).to_string();
            let found = t.check(&code, now).is_some();
            // A code from 60 s ago may equal another step's by chance (1 in a million).
            if ok {
                assert!(found, "offset {offset}");
            } else {
                assert!(
                    !found || code == t.generate(now).to_string(),
                    "offset {offset}"
                );
            }
        }
        assert_eq!(step_of(secret.as_bytes(), "a@b.c", "12 34").unwrap(), None);
    }
}
