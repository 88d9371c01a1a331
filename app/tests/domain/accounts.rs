//! Accounts: sign-up, verification, login and the lock-out, sessions, reset, profiles, admins.

use super::support::fields;
use app::error::AppError;
use app::server::accounts::sessions::{self, LoggedIn};
use app::server::accounts::signup::{self, SignUp};
use app::server::accounts::{admins, login, profile, recovery};
use app::server::Config;
use sqlx::PgPool;

const PW: &str = "a sturdy passphrase";

async fn try_sign_up(
    pool: &PgPool,
    email: &str,
    password: &str,
    display_name: &str,
) -> Result<(), AppError> {
    let input = SignUp {
        email,
        password,
        display_name,
    };
    signup::sign_up(pool, &Config::for_tests(), input, "127.0.0.1").await
}

/// Signs up and opens the emailed link: confirmed and logged in.
async fn sign_up(pool: &PgPool, email: &str) -> LoggedIn {
    try_sign_up(pool, email, PW, "Ann Example")
        .await
        .expect("sign-up succeeds");
    let token = emailed_token(pool, email, "verify_email").await;
    signup::verify_email(pool, &token, "test-agent", "127.0.0.1")
        .await
        .unwrap()
        .expect("the first opening logs in")
}

/// The token in the newest email of `kind` to `to`.
async fn emailed_token(pool: &PgPool, to: &str, kind: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE to_email = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .bind(kind)
    .fetch_one(pool)
    .await
    .expect("an email was queued");
    let start = body.find("token=").expect("link has a token") + "token=".len();
    body[start..].split_whitespace().next().unwrap().to_string()
}

/// Whether the session with this token still lets its holder in.
async fn live(pool: &PgPool, token: &str) -> bool {
    sessions::authenticate(pool, token).await.unwrap().is_some()
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_reports_every_bad_field_and_keeps_what_was_typed(pool: PgPool) {
    let err = try_sign_up(&pool, "not-an-email", "short", "  ")
        .await
        .expect_err("rejected");
    assert_eq!(fields(&err), vec!["email", "display_name", "password"]);
    assert_eq!(err.value("email").as_deref(), Some("not-an-email"));
    assert_eq!(err.value("password"), None, "passwords are never echoed");

    let common = try_sign_up(&pool, "ann@example.com", "password123", "Ann")
        .await
        .expect_err("common password rejected");
    assert_eq!(fields(&common), vec!["password"]);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_up_with_a_taken_address_says_the_same_and_tells_its_owner(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    try_sign_up(&pool, "  ANN@Example.com ", PW, "Other")
        .await
        .expect("the same answer as for a new address");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM email_outbox WHERE to_email = 'ann@example.com' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(kinds, vec!["verify_email", "already_member"]);
    // Nobody can flood an address with sign-up emails: three an hour, then silence.
    for _ in 0..5 {
        try_sign_up(&pool, "ann@example.com", PW, "Other")
            .await
            .unwrap();
    }
    let sent: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE to_email = 'ann@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sent, signup::EMAILS_PER_ADDRESS_HOUR);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_emailed_link_confirms_the_address_and_logs_in_once(pool: PgPool) {
    try_sign_up(&pool, "ann@example.com", PW, "Ann")
        .await
        .unwrap();
    let token = emailed_token(&pool, "ann@example.com", "verify_email").await;
    let done = signup::verify_email(&pool, &token, "", "")
        .await
        .unwrap()
        .expect("logged in");
    let me = sessions::authenticate(&pool, &done.token)
        .await
        .unwrap()
        .expect("a live session");
    assert!(me.user.email_verified);
    // Opening the link again confirms nothing more and logs no one in; a made-up token is not
    // found.
    assert!(signup::verify_email(&pool, &token, "", "")
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        signup::verify_email(&pool, "deadbeef", "", "").await,
        Err(AppError::NotFound(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_verification_link_is_refused(pool: PgPool) {
    try_sign_up(&pool, "ann@example.com", PW, "Ann")
        .await
        .unwrap();
    let token = emailed_token(&pool, "ann@example.com", "verify_email").await;
    sqlx::query("UPDATE email_tokens SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        signup::verify_email(&pool, &token, "", "").await,
        Err(AppError::Conflict(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_password_and_unknown_email_get_the_same_answer(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    let wrong = login::log_in(&pool, "ann@example.com", "not the password", "", "")
        .await
        .err()
        .unwrap();
    let unknown = login::log_in(&pool, "nobody@example.com", "not the password", "", "")
        .await
        .err()
        .unwrap();
    assert_eq!(wrong.to_string(), login::WRONG_CREDENTIALS);
    assert_eq!(unknown.to_string(), wrong.to_string());
    assert!(login::log_in(&pool, "ANN@example.com", PW, "", "")
        .await
        .is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn five_failures_in_fifteen_minutes_lock_password_login(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    for attempt in 1..=5 {
        let err = login::log_in(&pool, "ann@example.com", "wrong password!", "", "")
            .await
            .err()
            .unwrap();
        if attempt < 5 {
            assert_eq!(
                err.to_string(),
                login::WRONG_CREDENTIALS,
                "attempt {attempt}"
            );
        } else {
            assert!(
                matches!(err, AppError::TooManyRequests(_)),
                "attempt {attempt}: {err:?}"
            );
        }
    }
    // Even the right password is refused while locked.
    let err = login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .err()
        .unwrap();
    assert_eq!(err.to_string(), login::LOCKED_OUT);

    // An unknown email locks the same way, so the lock reveals nothing.
    for _ in 0..5 {
        let _ = login::log_in(&pool, "ghost@example.com", "wrong password!", "", "").await;
    }
    let ghost = login::log_in(&pool, "ghost@example.com", "wrong password!", "", "")
        .await
        .err()
        .unwrap();
    assert_eq!(ghost.to_string(), login::LOCKED_OUT);

    // Fifteen minutes later the account opens again.
    sqlx::query("UPDATE login_failures SET failed_at = failed_at - interval '16 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn fifty_parallel_attempts_cannot_beat_the_lock_out(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    let failed = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM login_failures WHERE email = 'ann@example.com' AND outcome = 'failed'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    // 45 guesses and 5 right passwords at once, interleaved: before the fix every right one got
    // in after up to 42 wrong ones had been checked. Now at most five guesses are checked.
    let attempts = (0..50).map(|i| {
        let pool = pool.clone();
        let password = if i % 10 == 9 { PW } else { "wrong password!" };
        tokio::spawn(async move { login::log_in(&pool, "ann@example.com", password, "", "").await })
    });
    for a in attempts.collect::<Vec<_>>() {
        let _ = a.await.unwrap();
    }
    let checked = failed(pool.clone()).await;
    assert!(
        (1..=login::LOCKOUT_FAILURES).contains(&checked),
        "{checked} guesses checked"
    );

    // 50 guesses at once: exactly five are checked, the rest refused unchecked, and no success
    // erases them: the right password stays locked out.
    sqlx::query("DELETE FROM login_failures")
        .execute(&pool)
        .await
        .unwrap();
    let attempts = (0..50).map(|_| {
        let pool = pool.clone();
        tokio::spawn(async move {
            login::log_in(&pool, "ann@example.com", "wrong password!", "", "").await
        })
    });
    let mut wrong_answers = 0;
    for a in attempts.collect::<Vec<_>>() {
        match a.await.unwrap() {
            Err(e) if e.to_string() == login::WRONG_CREDENTIALS => wrong_answers += 1,
            Err(AppError::TooManyRequests(_)) => {}
            other => panic!("unexpected answer: {:?}", other.err()),
        }
    }
    assert_eq!(failed(pool.clone()).await, login::LOCKOUT_FAILURES);
    assert!(
        wrong_answers < login::LOCKOUT_FAILURES,
        "the fifth says locked"
    );
    let after = login::log_in(&pool, "ann@example.com", PW, "", "").await;
    assert_eq!(after.err().unwrap().to_string(), login::LOCKED_OUT);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_success_between_guesses_does_not_buy_more_guesses(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    for _ in 0..4 {
        let _ = login::log_in(&pool, "ann@example.com", "wrong password!", "", "").await;
    }
    login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .unwrap();
    let fifth = login::log_in(&pool, "ann@example.com", "wrong password!", "", "").await;
    assert!(matches!(fifth, Err(AppError::TooManyRequests(_))));
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_ups_and_reset_requests_are_limited_per_network_and_per_address(pool: PgPool) {
    let config = Config::for_tests();
    for i in 0..config.per_ip_hourly {
        signup::sign_up(
            &pool,
            &config,
            SignUp {
                email: &format!("user{i}@example.com"),
                password: PW,
                display_name: "Someone",
            },
            "203.0.113.9",
        )
        .await
        .unwrap();
    }
    let over = signup::sign_up(
        &pool,
        &config,
        SignUp {
            email: "one-more@example.com",
            password: PW,
            display_name: "Someone",
        },
        "203.0.113.9",
    )
    .await;
    assert!(
        matches!(over, Err(AppError::TooManyRequests(_))),
        "{over:?}"
    );
    // Another network is not affected.
    signup::sign_up(
        &pool,
        &config,
        SignUp {
            email: "one-more@example.com",
            password: PW,
            display_name: "Someone",
        },
        "198.51.100.7",
    )
    .await
    .unwrap();

    // Resets: three emails an hour to an address, silently; then the network is refused.
    for _ in 0..6 {
        recovery::request_password_reset(&pool, &config, "user0@example.com", "192.0.2.1")
            .await
            .unwrap();
    }
    let resets: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM email_outbox WHERE to_email = 'user0@example.com' AND kind = 'reset_password'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(resets, recovery::RESETS_PER_ADDRESS_HOUR);
    let mut refused = None;
    for i in 0..config.per_ip_hourly {
        let r = recovery::request_password_reset(
            &pool,
            &config,
            &format!("user{i}@example.com"),
            "192.0.2.1",
        )
        .await;
        if r.is_err() {
            refused = Some(r);
            break;
        }
    }
    assert!(
        matches!(refused, Some(Err(AppError::TooManyRequests(_)))),
        "{refused:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_hundred_parallel_reset_requests_send_three_emails(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    let config = Config::for_tests();
    let all = (0..200).map(|i| {
        let (pool, config) = (pool.clone(), config.clone());
        tokio::spawn(async move {
            recovery::request_password_reset(
                &pool,
                &config,
                "ann@example.com",
                &format!("10.0.{}.{}", i / 200, i % 200),
            )
            .await
        })
    });
    for r in all.collect::<Vec<_>>() {
        r.await.unwrap().unwrap();
    }
    let resets: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE kind = 'reset_password'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(resets, recovery::RESETS_PER_ADDRESS_HOUR);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_works_once_and_ends_every_session(pool: PgPool) {
    let first = sign_up(&pool, "ann@example.com").await;
    let second = login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .unwrap()
        .into_session()
        .unwrap();
    assert_ne!(first.token, second.token, "every login gets a new token");

    recovery::request_password_reset(&pool, &Config::for_tests(), "ann@example.com", "127.0.0.1")
        .await
        .unwrap();
    let token = emailed_token(&pool, "ann@example.com", "reset_password").await;

    let weak = recovery::reset_password(&pool, &token, "short")
        .await
        .err()
        .unwrap();
    assert_eq!(fields(&weak), vec!["password"]);

    recovery::reset_password(&pool, &token, "a brand new passphrase")
        .await
        .unwrap();
    assert!(!live(&pool, &first.token).await);
    assert!(!live(&pool, &second.token).await);
    assert!(login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .is_err());
    assert!(
        login::log_in(&pool, "ann@example.com", "a brand new passphrase", "", "")
            .await
            .is_ok()
    );

    let again = recovery::reset_password(&pool, &token, "yet another passphrase").await;
    assert!(
        matches!(again, Err(AppError::Conflict(_))),
        "single use: {again:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_expires_after_an_hour(pool: PgPool) {
    sign_up(&pool, "ann@example.com").await;
    recovery::request_password_reset(&pool, &Config::for_tests(), "ann@example.com", "127.0.0.1")
        .await
        .unwrap();
    let token = emailed_token(&pool, "ann@example.com", "reset_password").await;
    sqlx::query("UPDATE email_tokens SET created_at = now() - interval '61 minutes', expires_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    let r = recovery::reset_password(&pool, &token, "a brand new passphrase").await;
    assert!(matches!(r, Err(AppError::Conflict(_))), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn asking_for_a_reset_for_an_unknown_email_sends_nothing_and_says_nothing(pool: PgPool) {
    recovery::request_password_reset(
        &pool,
        &Config::for_tests(),
        "nobody@example.com",
        "127.0.0.1",
    )
    .await
    .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn revoking_a_session_ends_it_at_once_and_only_the_owner_can(pool: PgPool) {
    let a1 = sign_up(&pool, "ann@example.com").await;
    let a2 = login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .unwrap()
        .into_session()
        .unwrap();
    let bob = sign_up(&pool, "bob@example.com").await;

    let ann = sessions::authenticate(&pool, &a1.token)
        .await
        .unwrap()
        .unwrap();
    let list = sessions::list(&pool, ann.user.id, ann.session_id, "UTC")
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let other = list.iter().find(|s| !s.current).unwrap().id;

    // Bob cannot end Ann's session.
    let bob_me = sessions::authenticate(&pool, &bob.token)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        sessions::revoke(&pool, bob_me.user.id, other).await,
        Err(AppError::NotFound(_))
    ));
    assert!(live(&pool, &a2.token).await);

    sessions::revoke(&pool, ann.user.id, other).await.unwrap();
    assert!(!live(&pool, &a2.token).await);
    assert!(live(&pool, &a1.token).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn sessions_expire_when_idle_for_14_days_or_after_60(pool: PgPool) {
    let a = sign_up(&pool, "ann@example.com").await;
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '15 days'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(!live(&pool, &a.token).await);

    let b = login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .unwrap()
        .into_session()
        .unwrap();
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(!live(&pool, &b.token).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn suspended_and_banned_members_cannot_log_in(pool: PgPool) {
    let a = sign_up(&pool, "ann@example.com").await;
    sqlx::query(
        "UPDATE users SET status = 'suspended', suspended_until = now() + interval '3 days'",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(!live(&pool, &a.token).await);
    assert!(matches!(
        login::log_in(&pool, "ann@example.com", PW, "", "").await,
        Err(AppError::Conflict(_))
    ));
    sqlx::query("UPDATE users SET status = 'banned'")
        .execute(&pool)
        .await
        .unwrap();
    let Err(closed) = login::log_in(&pool, "ann@example.com", PW, "", "").await else {
        panic!("a banned member logged in");
    };
    assert!(closed.to_string().contains("banned"), "{closed}");
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_keeps_this_session_and_ends_the_others(pool: PgPool) {
    let a1 = sign_up(&pool, "ann@example.com").await;
    let a2 = login::log_in(&pool, "ann@example.com", PW, "", "")
        .await
        .unwrap()
        .into_session()
        .unwrap();
    let me = sessions::authenticate(&pool, &a1.token)
        .await
        .unwrap()
        .unwrap();
    let wrong = profile::change_password(
        &pool,
        me.user.id,
        me.session_id,
        "nope",
        "another passphrase",
    )
    .await;
    assert_eq!(fields(&wrong.err().unwrap()), vec!["current_password"]);
    profile::change_password(&pool, me.user.id, me.session_id, PW, "another passphrase")
        .await
        .unwrap();
    assert!(live(&pool, &a1.token).await);
    assert!(!live(&pool, &a2.token).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_the_current_password_is_throttled(pool: PgPool) {
    let a = sign_up(&pool, "ann@example.com").await;
    let me = sessions::authenticate(&pool, &a.token)
        .await
        .unwrap()
        .unwrap();
    for _ in 0..profile::PASSWORD_CHANGES_PER_WINDOW {
        let r = profile::change_password(
            &pool,
            me.user.id,
            me.session_id,
            "a guess",
            "another passphrase",
        )
        .await;
        assert_eq!(fields(&r.err().unwrap()), vec!["current_password"]);
    }
    // Even the right one is refused now: the sixth try is not checked.
    let r =
        profile::change_password(&pool, me.user.id, me.session_id, PW, "another passphrase").await;
    assert!(matches!(r, Err(AppError::TooManyRequests(_))), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn profiles_validate_and_public_pages_hide_banned_members(pool: PgPool) {
    super::support::setup(&pool).await;
    let a = sign_up(&pool, "ann@example.com").await;
    let form = |name: &'static str, bio: &'static str| profile::ProfileForm {
        display_name: name,
        bio,
        home_city: "Lyon",
        languages: &[],
        phone: "",
    };
    let long = "x".repeat(2001);
    let mut too_long = form("", "");
    too_long.bio = &long;
    let bad = profile::update_profile(&pool, a.user_id, &too_long)
        .await
        .err()
        .unwrap();
    assert_eq!(fields(&bad), vec!["display_name", "bio"]);
    profile::update_profile(
        &pool,
        a.user_id,
        &form("Ann B.", "I fly Lyon–Dakar monthly."),
    )
    .await
    .unwrap();
    let p = profile::public_profile(&pool, a.user_id).await.unwrap();
    assert_eq!(
        (p.display_name.as_str(), p.home_city.as_str()),
        ("Ann B.", "Lyon, France")
    );
    sqlx::query("UPDATE users SET status = 'banned'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        profile::public_profile(&pool, a.user_id).await,
        Err(AppError::NotFound(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_admin_command_creates_or_promotes(pool: PgPool) {
    assert!(admins::create_or_promote_admin(
        &pool,
        "boss@example.com",
        Some("a boss passphrase"),
        "Boss"
    )
    .await
    .unwrap());
    let a = sign_up(&pool, "ann@example.com").await;
    assert!(
        !admins::create_or_promote_admin(&pool, "ann@example.com", None, "")
            .await
            .unwrap()
    );
    let me = sessions::authenticate(&pool, &a.token)
        .await
        .unwrap()
        .unwrap();
    assert!(me.user.is_admin());
    let audits: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audits, 2);
}
