//! Money over HTTP: the Stripe webhook (signed locally: valid, bad signature, replayed,
//! unknown event), Stripe Checkout creation against a local stand-in for Stripe's API, and who
//! may see and do what.

use super::support;
use app::server::config::StripeConfig;
use app::server::wallet::stripe;
use axum::routing::post;
use sqlx::PgPool;
use uuid::Uuid;

const SECRET: &str = "whsec_local_test_secret";

async fn id_of(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar("UPDATE users SET email_verified_at = now() WHERE email = $1 RETURNING id")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A stand-in for Stripe's API: answers a Checkout Session with a URL.
async fn fake_stripe() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/v1/checkout/sessions",
        post(|body: String| async move {
            assert!(body.contains("unit_amount%5D=2500") || body.contains("unit_amount]=2500"), "{body}");
            axum::Json(serde_json::json!({ "id": "cs_test_42", "url": "https://checkout.stripe.test/pay/cs_test_42" }))
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn completed(event: &str, payment: Uuid, amount: i64) -> String {
    serde_json::json!({
        "id": event, "type": "checkout.session.completed",
        "data": { "object": {
            "id": "cs_test_42", "payment_status": "paid", "amount_total": amount,
            "currency": "eur", "metadata": { "payment_id": payment.to_string() }
        }}
    })
    .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn stripe_checkout_and_signed_webhooks(pool: PgPool) {
    let api = fake_stripe().await;
    let app = support::spawn_with(pool.clone(), |c| {
        c.stripe = Some(StripeConfig {
            secret_key: "sk_test_local".into(),
            webhook_secret: SECRET.into(),
            api_base: api.clone(),
        })
    })
    .await;
    let client = app.signed_up_client("stella@example.com").await;
    let user = id_of(&pool, "stella@example.com").await;
    // The top-up sends the user to Stripe and credits nothing yet.
    let res = app
        .post_form(
            &client,
            "/api/wallet/top-up",
            &[
                ("amount", "25"),
                ("currency", "EUR"),
                ("key", &Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(
        res.headers()["location"],
        "https://checkout.stripe.test/pay/cs_test_42"
    );
    let payment: Uuid = sqlx::query_scalar("SELECT id FROM payments WHERE user_id = $1")
        .bind(user)
        .fetch_one(&pool)
        .await
        .unwrap();
    let balance = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT coalesce(sum(balance_minor), 0)::bigint FROM ledger_accounts WHERE user_id = $1",
        )
        .bind(user)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(balance().await, 0);

    let hook = |body: String, sig: String| {
        let c = app.client();
        let url = app.url("/webhooks/stripe");
        async move {
            c.post(url)
                .header("stripe-signature", sig)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let body = completed("evt_1", payment, 2500);
    // Bad signatures: wrong secret, tampered body, stale timestamp, none at all.
    for (b, sig) in [
        (
            body.clone(),
            stripe::sign("whsec_wrong", now, body.as_bytes()),
        ),
        (
            completed("evt_1", payment, 99_999),
            stripe::sign(SECRET, now, body.as_bytes()),
        ),
        (
            body.clone(),
            stripe::sign(SECRET, now - 3600, body.as_bytes()),
        ),
        (body.clone(), String::new()),
    ] {
        assert_eq!(hook(b, sig).await.status(), 400);
    }
    assert_eq!(balance().await, 0);
    // A valid one credits; the same delivery again is ignored.
    let ok = stripe::sign(SECRET, now, body.as_bytes());
    assert_eq!(hook(body.clone(), ok.clone()).await.status(), 200);
    assert_eq!(balance().await, 2500);
    let again = hook(body.clone(), ok).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.text().await.unwrap(), "Ignored");
    assert_eq!(balance().await, 2500);
    // An event type we do not use is acknowledged and ignored.
    let other = r#"{"id":"evt_9","type":"invoice.paid","data":{"object":{}}}"#.to_string();
    let sig = stripe::sign(SECRET, now, other.as_bytes());
    assert_eq!(hook(other, sig).await.status(), 200);
    assert_eq!(balance().await, 2500);
    let report = app::server::money::ledger::check(&pool).await.unwrap();
    assert!(report.iter().all(|f| f.ok), "{report:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn money_pages_are_private(pool: PgPool) {
    let app = support::spawn(pool.clone()).await;
    let owner = app.signed_up_client("olga@example.com").await;
    let stranger = app.signed_up_client("eve@example.com").await;
    let anonymous = app.client();
    let owner_id = id_of(&pool, "olga@example.com").await;
    id_of(&pool, "eve@example.com").await;
    // Without Stripe keys the webhook does not exist.
    let res = app
        .client()
        .post(app.url("/webhooks/stripe"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // The sandbox top-up over HTTP; a declined card answers with its message.
    let top = |card: &'static str| {
        let key = Uuid::new_v4().to_string();
        let app = &app;
        let owner = &owner;
        async move {
            app.post_form(
                owner,
                "/api/wallet/top-up",
                &[
                    ("amount", "30"),
                    ("currency", "EUR"),
                    ("number", card),
                    ("expiry", "12/40"),
                    ("cvc", "123"),
                    ("key", &key),
                ],
            )
            .await
        }
    };
    let ok = top("4242 4242 4242 4242").await;
    assert!(ok.status().is_success() && ok.headers()["location"] == "/wallet?topped_up=1");
    let declined = top("4000 0000 0000 0002").await;
    assert_eq!(declined.status(), 409);
    assert!(declined.text().await.unwrap().contains("declined"));
    let payment: Uuid =
        sqlx::query_scalar("SELECT id FROM payments WHERE user_id = $1 AND status = 'succeeded'")
            .bind(owner_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let url = |c: &reqwest::Client| {
        c.get(app.url(&format!("/api/wallet/receipt?kind=payment&id={payment}")))
            .send()
    };
    assert_eq!(url(&owner).await.unwrap().status(), 200);
    assert_eq!(url(&stranger).await.unwrap().status(), 404);
    assert_eq!(url(&anonymous).await.unwrap().status(), 401);
    // The wallet of the stranger shows nothing of the owner's.
    let w = stranger
        .get(app.url("/api/wallet/get"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!w.contains("3000"), "{w}");
    // Admin money pages and files are for admins.
    for path in [
        "/api/admin/payouts",
        "/api/admin/verifications",
        "/api/admin/ledger",
    ] {
        assert_eq!(
            stranger.get(app.url(path)).send().await.unwrap().status(),
            403,
            "{path}"
        );
    }
    let id = Uuid::new_v4();
    assert_eq!(
        stranger
            .get(app.url(&format!("/admin/verifications/{id}/id")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    for (path, form) in [
        (
            "/api/admin/payouts/decide",
            vec![("id", id.to_string()), ("decision", "paid".to_string())],
        ),
        (
            "/api/bookings/settle",
            vec![("id", id.to_string()), ("what", "cancel".to_string())],
        ),
        (
            "/api/bookings/pick-up",
            vec![("id", id.to_string()), ("code", "123456".to_string())],
        ),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let status = app.post_form(&stranger, path, &form).await.status();
        assert!(status == 403 || status == 404, "{path}: {status}");
    }
    // A withdrawal without ID verification is refused with a reason.
    let res = app
        .post_form(
            &owner,
            "/api/wallet/withdraw",
            &[
                ("amount", "20"),
                ("currency", "EUR"),
                ("method", "iban"),
                ("destination", "DE89370400440532013000"),
                ("key", &Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
}
