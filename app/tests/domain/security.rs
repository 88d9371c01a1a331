//! Two-factor login and personal API tokens.

use super::support::*;
use app::error::AppError;
use app::server::accounts::api_tokens::{self, NewToken};
use app::server::accounts::login::{self, LoginStep};
use app::server::accounts::{password, sessions, two_factor};
use app::types::accounts::TokenScope;
use app::types::UserId;
use sqlx::PgPool;

const PW: &str = "a sturdy passphrase";

async fn member_with_password(pool: &PgPool, email: &str) -> UserId {
    let hash = password::hash(PW.into()).await.unwrap();
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, email_verified_at)
         VALUES ($1, 'Ann Example', $2, now()) RETURNING id",
    )
    .bind(email)
    .bind(hash)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Turns two-factor on for `user` and answers its key and recovery codes. The code used to
/// confirm is the current one, so the next accepted code must be for a later step.
async fn enrol(pool: &PgPool, user: UserId) -> (String, Vec<String>) {
    two_factor::start(pool, user).await.unwrap();
    let key = two_factor::state(pool, user).await.unwrap().key.unwrap();
    let wrong = two_factor::confirm(pool, user, "000000").await;
    assert!(
        matches!(wrong, Err(AppError::Validation { .. })),
        "{wrong:?}"
    );
    let codes = two_factor::confirm(pool, user, &two_factor::code_for(&key, 0).unwrap())
        .await
        .unwrap();
    (key, codes)
}

async fn password_step(pool: &PgPool, email: &str) -> Result<LoginStep, AppError> {
    login::log_in(pool, email, PW, "test-agent", "127.0.0.1").await
}

async fn challenge(pool: &PgPool, email: &str) -> String {
    match password_step(pool, email).await.unwrap() {
        LoginStep::Code { challenge } => challenge,
        LoginStep::Session(_) => panic!("two-factor login asks for a code"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn two_factor_login_takes_a_code_once_and_each_recovery_code_once(pool: PgPool) {
    let ann = member_with_password(&pool, "ann@example.com").await;
    let state = two_factor::state(&pool, ann).await.unwrap();
    assert!(!state.enabled && state.key.is_none());
    let (key, codes) = enrol(&pool, ann).await;
    assert_eq!(codes.len(), 10);
    let state = two_factor::state(&pool, ann).await.unwrap();
    assert!(state.enabled && state.key.is_none() && state.recovery_codes_left == 10);
    assert!(matches!(
        two_factor::start(&pool, ann).await,
        Err(AppError::Conflict(_))
    ));

    // The password alone gives a challenge, which is no session.
    let c = challenge(&pool, "ann@example.com").await;
    assert!(sessions::authenticate(&pool, &c).await.unwrap().is_none());
    // A code is accepted for a later step than the last one only. (The last accepted step is
    // set to now's, so the test holds across a step's boundary.)
    sqlx::query("UPDATE users SET totp_last_step = floor(extract(epoch FROM now()) / 30)::bigint WHERE id = $1")
        .bind(ann)
        .execute(&pool)
        .await
        .unwrap();
    let used =
        two_factor::complete_login(&pool, &c, &two_factor::code_for(&key, -30).unwrap()).await;
    assert!(matches!(used, Err(AppError::Validation { .. })), "{used:?}");
    let next = two_factor::code_for(&key, 30).unwrap();
    let done = two_factor::complete_login(&pool, &c, &next).await.unwrap();
    assert!(sessions::authenticate(&pool, &done.token)
        .await
        .unwrap()
        .is_some());
    // The challenge is spent, and the same code never works twice.
    let again = two_factor::complete_login(&pool, &c, &next).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let c2 = challenge(&pool, "ann@example.com").await;
    let replay = two_factor::complete_login(&pool, &c2, &next).await;
    assert!(
        matches!(replay, Err(AppError::Validation { .. })),
        "{replay:?}"
    );

    // A recovery code (typed in capitals with spaces) works once.
    let typed = format!(" {} ", codes[3].to_uppercase());
    two_factor::complete_login(&pool, &c2, &typed)
        .await
        .unwrap();
    let c3 = challenge(&pool, "ann@example.com").await;
    let reused = two_factor::complete_login(&pool, &c3, &codes[3]).await;
    assert!(
        matches!(reused, Err(AppError::Validation { .. })),
        "{reused:?}"
    );
    assert_eq!(
        two_factor::state(&pool, ann)
            .await
            .unwrap()
            .recovery_codes_left,
        9
    );

    // A challenge lasts 5 minutes.
    sqlx::query("UPDATE login_challenges SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let late = two_factor::complete_login(&pool, &c3, &codes[4]).await;
    assert!(matches!(late, Err(AppError::Conflict(_))), "{late:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn five_wrong_codes_lock_the_account_like_passwords(pool: PgPool) {
    let ann = member_with_password(&pool, "ann@example.com").await;
    let (key, _) = enrol(&pool, ann).await;
    let c = challenge(&pool, "ann@example.com").await;
    let mut locked = false;
    for i in 0..5 {
        match two_factor::complete_login(&pool, &c, "123456").await {
            Err(AppError::Validation { .. }) => assert!(i < 4, "the fifth locks"),
            Err(AppError::TooManyRequests(_)) => locked = true,
            other => panic!("{other:?}"),
        }
    }
    assert!(locked);
    // Locked: neither a right code nor the password gets in for 15 minutes.
    let right =
        two_factor::complete_login(&pool, &c, &two_factor::code_for(&key, 30).unwrap()).await;
    assert!(
        matches!(right, Err(AppError::TooManyRequests(_))),
        "{right:?}"
    );
    assert!(matches!(
        password_step(&pool, "ann@example.com").await,
        Err(AppError::TooManyRequests(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_codes_for_one_challenge_make_one_session(pool: PgPool) {
    let ann = member_with_password(&pool, "ann@example.com").await;
    let (key, codes) = enrol(&pool, ann).await;
    let c = challenge(&pool, "ann@example.com").await;
    let next = two_factor::code_for(&key, 30).unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (pool, c) = (pool.clone(), c.clone());
        let code = if i % 2 == 0 {
            next.clone()
        } else {
            codes[i % 10].clone()
        };
        tasks.push(tokio::spawn(async move {
            two_factor::complete_login(&pool, &c, &code).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 1, "one challenge, one session");
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE user_id = $1")
        .bind(ann)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(live, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn turning_two_factor_off_needs_the_password_and_a_code_or_an_admin(pool: PgPool) {
    let ann = member_with_password(&pool, "ann@example.com").await;
    let (key, codes) = enrol(&pool, ann).await;
    let next = two_factor::code_for(&key, 30).unwrap();
    let wrong_pw = two_factor::disable(&pool, ann, "not my password", &next).await;
    assert_eq!(fields(&wrong_pw.unwrap_err()), vec!["password"]);
    let wrong_code = two_factor::disable(&pool, ann, PW, "654321").await;
    assert_eq!(fields(&wrong_code.unwrap_err()), vec!["code"]);
    two_factor::disable(&pool, ann, PW, &codes[0])
        .await
        .unwrap();
    assert!(!two_factor::state(&pool, ann).await.unwrap().enabled);
    assert!(password_step(&pool, "ann@example.com")
        .await
        .unwrap()
        .into_session()
        .is_some());

    // An admin resets it for a member who lost their phone: audited, sessions ended.
    let root = user(&pool, "Root").await;
    let (_, _) = enrol(&pool, ann).await;
    let c = challenge(&pool, "ann@example.com").await;
    let old = two_factor::complete_login(&pool, &c, &codes[1]).await;
    assert!(
        matches!(old, Err(AppError::Validation { .. })),
        "new codes replace the old"
    );
    two_factor::admin_reset(&pool, root, ann).await.unwrap();
    assert!(!two_factor::state(&pool, ann).await.unwrap().enabled);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'member.two_factor_reset' AND actor_id = $1",
    )
    .bind(root)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    assert!(matches!(
        two_factor::admin_reset(&pool, root, ann).await,
        Err(AppError::Conflict(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn api_tokens_are_scoped_expire_and_are_revoked_by_their_owner_only(pool: PgPool) {
    let ann = user(&pool, "Ann").await;
    let bob = user(&pool, "Bob").await;
    let form = |name: &'static str, read: bool, write: bool, days: &'static str| NewToken {
        name,
        read,
        write,
        days,
    };
    let none = api_tokens::create(&pool, ann, &form("", false, false, "400")).await;
    assert_eq!(fields(&none.unwrap_err()), vec!["name", "scopes", "days"]);
    let token = api_tokens::create(&pool, ann, &form("My app", true, false, "30"))
        .await
        .unwrap();
    assert!(token.starts_with("carry_") && token.len() > 60);
    let (who, _, scopes) = api_tokens::authenticate(&pool, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((who.id, scopes), (ann, vec![TokenScope::Read]));
    // The operators' command names the member by email, written as they like.
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(bob)
        .fetch_one(&pool)
        .await
        .unwrap();
    let by_email = api_tokens::create_for_email(
        &pool,
        &format!(" {} ", email.to_uppercase()),
        &form("Ops", true, true, "1"),
    )
    .await
    .unwrap();
    let (who, _, scopes) = api_tokens::authenticate(&pool, &by_email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((who.id, scopes.len()), (bob, 2));
    let nobody =
        api_tokens::create_for_email(&pool, "nobody@example.com", &form("Ops", true, true, "1"))
            .await;
    assert_eq!(fields(&nobody.unwrap_err()), vec!["email"]);
    assert!(api_tokens::authenticate(&pool, "carry_not-a-token")
        .await
        .unwrap()
        .is_none());

    let list = api_tokens::list(&pool, ann, "UTC").await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(token.starts_with(&list[0].prefix) && list[0].prefix.len() < 20);
    assert!(list[0].last_used.is_some(), "using it is noted");
    assert!(matches!(
        api_tokens::revoke(&pool, bob, list[0].id).await,
        Err(AppError::NotFound(_))
    ));
    api_tokens::revoke(&pool, ann, list[0].id).await.unwrap();
    assert!(api_tokens::authenticate(&pool, &token)
        .await
        .unwrap()
        .is_none());

    let expiring = api_tokens::create(&pool, ann, &form("Old", true, true, "never"))
        .await
        .unwrap();
    sqlx::query(
        "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(api_tokens::authenticate(&pool, &expiring)
        .await
        .unwrap()
        .is_none());
    // A suspended member's tokens stop working.
    let fresh = api_tokens::create(&pool, ann, &form("New", true, true, ""))
        .await
        .unwrap();
    assert!(api_tokens::authenticate(&pool, &fresh)
        .await
        .unwrap()
        .is_some());
    sqlx::query("UPDATE users SET status = 'suspended', suspended_until = now() + interval '1 day' WHERE id = $1")
        .bind(ann)
        .execute(&pool)
        .await
        .unwrap();
    assert!(api_tokens::authenticate(&pool, &fresh)
        .await
        .unwrap()
        .is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn forty_parallel_token_requests_make_at_most_twenty(pool: PgPool) {
    let ann = user(&pool, "Ann").await;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let form = NewToken {
                name: "Bulk",
                read: true,
                write: false,
                days: "",
            };
            api_tokens::create(&pool, ann, &form).await
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => made += 1,
            Err(AppError::Conflict(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(made, api_tokens::MAX_TOKENS);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_secret_is_revealed_once_to_its_session_and_not_after_ten_minutes(pool: PgPool) {
    let ann = user(&pool, "Ann").await;
    let token = sessions::create(&pool, ann, "", "").await.unwrap();
    let session = sessions::authenticate(&pool, &token)
        .await
        .unwrap()
        .unwrap()
        .session_id;
    two_factor::reveal_later(&pool, session, "api_token", "carry_secret")
        .await
        .unwrap();
    assert_eq!(
        two_factor::reveal_now(&pool, session, "api_token")
            .await
            .unwrap()
            .as_deref(),
        Some("carry_secret")
    );
    assert_eq!(
        two_factor::reveal_now(&pool, session, "api_token")
            .await
            .unwrap(),
        None
    );
    two_factor::reveal_later(&pool, session, "recovery_codes", "a b")
        .await
        .unwrap();
    sqlx::query("UPDATE one_time_reveals SET created_at = now() - interval '11 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        two_factor::reveal_now(&pool, session, "recovery_codes")
            .await
            .unwrap(),
        None
    );
}
