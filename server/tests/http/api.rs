//! The public REST API over HTTP: its document and its routes agree, tokens and scopes, problem
//! details, who may touch what (a token of one member on another's objects, every endpoint),
//! `Idempotency-Key`, and the rate limit.

use crate::support::{spawn, spawn_with, TestApp};
use app::server::accounts::api_tokens::{self, NewToken};
use app::server::{places, testkit};
use app::types::UserId;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;

async fn token(pool: &PgPool, user: UserId, read: bool, write: bool) -> String {
    let form = NewToken {
        name: "Test client",
        read,
        write,
        days: "",
    };
    api_tokens::create(pool, user, &form).await.unwrap()
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = app
        .client()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn is_problem(h: &reqwest::header::HeaderMap, body: &Value) -> bool {
    h.get("content-type").and_then(|v| v.to_str().ok()) == Some("application/problem+json")
        && body.get("type").is_some()
        && body
            .get("request_id")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
}

#[sqlx::test(migrations = "../migrations")]
async fn every_documented_route_exists_and_nothing_else_does(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = spawn(pool.clone()).await;
    let w = testkit::world(&pool, "10").await.unwrap();
    let t = token(&pool, w.sender, true, true).await;
    let doc: Value = app
        .client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, item) in paths {
        for m in ["get", "post", "put", "patch", "delete"] {
            if item.get(m).is_none() {
                continue;
            }
            assert!(path.starts_with("/api/v1/"), "{path}");
            let concrete = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
            let method = Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            if path == "/api/v1/events" {
                // A stream that does not end: its headers say what it is.
                let res = app
                    .client()
                    .get(app.url(&concrete))
                    .bearer_auth(&t)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                assert!(res.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/event-stream"));
                checked += 1;
                continue;
            }
            let body = (m != "get").then(|| json!({}));
            let (status, _, b) = call(&app, method, &concrete, &t, body).await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
            assert_ne!(b["type"], "/api/docs#problem-no-such-route", "{m} {path}");
            assert!(status.as_u16() < 500, "{m} {path}: {status} {b}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "operations documented: {checked}");
    // Anything else under /api/v1 is a problem, not the site's page.
    let (status, h, b) = call(&app, Method::GET, "/api/v1/nothing-here", &t, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(is_problem(&h, &b), "{b}");
    // The docs page renders the document, offline.
    let docs = app
        .client()
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(docs.contains("/api/v1/bookings/{id}/answer") && !docs.contains("<script"));
}

#[sqlx::test(migrations = "../migrations")]
async fn tokens_and_scopes_are_checked_and_problems_say_why(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = spawn(pool.clone()).await;
    let ann = testkit::member(&pool, "Ann").await.unwrap();
    let reader = token(&pool, ann, true, false).await;
    let writer = token(&pool, ann, false, true).await;

    let res = app
        .client()
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let (status, h, b) = call(&app, Method::GET, "/api/v1/me", "carry_wrong", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(is_problem(&h, &b), "{b}");
    assert_eq!(b["request_id"], h["x-request-id"].to_str().unwrap());

    let (status, _, me) = call(&app, Method::GET, "/api/v1/me", &reader, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], ann.to_string());
    assert_eq!(me["scopes"], json!(["read"]));
    // Reading needs read; changing needs write.
    let (status, h, b) = call(
        &app,
        Method::PUT,
        "/api/v1/me",
        &reader,
        Some(json!({"display_name": "Ann B"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        is_problem(&h, &b) && b["detail"].as_str().unwrap().contains("write"),
        "{b}"
    );
    let (status, _, _) = call(&app, Method::GET, "/api/v1/me", &writer, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, me) = call(
        &app,
        Method::PUT,
        "/api/v1/me",
        &writer,
        Some(json!({"display_name": "Ann B"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["display_name"], "Ann B");

    // Invalid input: 422 with the fields; unreadable input: 400; both problems.
    let (status, h, b) = call(
        &app,
        Method::PUT,
        "/api/v1/me",
        &writer,
        Some(json!({"display_name": "   "})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(is_problem(&h, &b));
    assert_eq!(b["errors"][0]["field"], "display_name");
    let (status, h, b) = call(
        &app,
        Method::PUT,
        "/api/v1/me",
        &writer,
        Some(json!({"bio": 7})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(is_problem(&h, &b), "{b}");
    let (status, h, b) = call(
        &app,
        Method::GET,
        "/api/v1/trips?cursor=not-ours&from=CDG",
        &reader,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(is_problem(&h, &b), "{b}");

    // A revoked token stops at once.
    api_tokens::revoke_all(&pool, ann).await.unwrap();
    let (status, _, _) = call(&app, Method::GET, "/api/v1/me", &reader, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Every endpoint that names an object, called with the token of a member who is neither of
/// its sides: refused (404 or 403), and nothing changed.
#[sqlx::test(migrations = "../migrations")]
async fn a_token_of_one_member_cannot_read_or_change_another_s_objects(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = spawn(pool.clone()).await;
    let w = testkit::world(&pool, "10").await.unwrap();
    testkit::fund(&pool, w.sender, "1000").await.unwrap();
    testkit::photo(&pool, w.parcel).await.unwrap();
    let sender = token(&pool, w.sender, true, true).await;
    let mallory = testkit::member(&pool, "Mallory").await.unwrap();
    let evil = token(&pool, mallory, true, true).await;

    // A booking between the two sides, and their conversation.
    let (status, _, booking) = app_propose(&app, &sender, &w, "key-matrix-0001").await;
    assert_eq!(status, StatusCode::CREATED, "{booking}");
    let b = booking["id"].as_str().unwrap().to_string();
    let (status, _, conv) = call(
        &app,
        Method::POST,
        "/api/v1/conversations",
        &sender,
        Some(json!({"parcel_id": w.parcel.to_string(), "trip_id": w.trip.to_string()})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{conv}");
    let c = conv["id"].as_str().unwrap().to_string();
    let (trip, parcel) = (w.trip.to_string(), w.parcel.to_string());

    let trip_body = json!({"origin": "CDG", "destination": "LHR", "departs_at": "2030-01-01T09:00",
        "arrives_at": "2030-01-01T10:00", "mode": "plane", "capacity_kg": "10", "price_per_kg": "5"});
    let cases: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PUT,
            format!("/api/v1/trips/{trip}"),
            Some(trip_body),
        ),
        (Method::POST, format!("/api/v1/trips/{trip}/cancel"), None),
        (Method::GET, format!("/api/v1/trips/{trip}/matches"), None),
        (
            Method::PUT,
            format!("/api/v1/parcels/{parcel}"),
            Some(json!({"title": "Mine now"})),
        ),
        (
            Method::POST,
            format!("/api/v1/parcels/{parcel}/cancel"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/parcels/{parcel}/matches"),
            None,
        ),
        (Method::GET, format!("/api/v1/bookings/{b}"), None),
        (
            Method::POST,
            format!("/api/v1/bookings/{b}/answer"),
            Some(json!({"answer": "accept"})),
        ),
        (
            Method::POST,
            format!("/api/v1/bookings/{b}/answer"),
            Some(json!({"answer": "decline"})),
        ),
        (
            Method::POST,
            format!("/api/v1/bookings/{b}/pickup"),
            Some(json!({"code": "123456", "contents_match": true, "nothing_prohibited": true})),
        ),
        (
            Method::POST,
            format!("/api/v1/bookings/{b}/delivery"),
            Some(json!({"code": "123456"})),
        ),
        (
            Method::POST,
            format!("/api/v1/bookings/{b}/settle"),
            Some(json!({"what": "cancel"})),
        ),
        (Method::GET, format!("/api/v1/conversations/{c}"), None),
        (
            Method::POST,
            format!("/api/v1/conversations/{c}/messages"),
            Some(json!({"body": "hello"})),
        ),
        (
            Method::POST,
            "/api/v1/conversations".into(),
            Some(json!({"parcel_id": parcel, "trip_id": trip})),
        ),
    ];
    for (method, path, body) in cases {
        let (status, h, body_out) = call(&app, method.clone(), &path, &evil, body).await;
        assert!(
            matches!(
                status,
                StatusCode::NOT_FOUND
                    | StatusCode::FORBIDDEN
                    | StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::BAD_REQUEST
            ),
            "{method} {path}: {status} {body_out}"
        );
        assert!(is_problem(&h, &body_out), "{method} {path}: {body_out}");
    }
    // The parcel's private details stay private; nothing changed.
    let (_, _, seen) = call(
        &app,
        Method::GET,
        &format!("/api/v1/parcels/{parcel}"),
        &evil,
        None,
    )
    .await;
    assert!(seen.get("private").is_none_or(Value::is_null), "{seen}");
    assert_eq!(seen["is_mine"], false);
    let (_, _, still) = call(
        &app,
        Method::GET,
        &format!("/api/v1/bookings/{b}"),
        &sender,
        None,
    )
    .await;
    assert_eq!(still["status"], "pending");
    let (_, _, lists) = call(&app, Method::GET, "/api/v1/bookings", &evil, None).await;
    assert_eq!(lists["items"], json!([]));
    let (_, _, inbox) = call(&app, Method::GET, "/api/v1/conversations", &evil, None).await;
    assert_eq!(inbox["items"], json!([]));
}

async fn app_propose(
    app: &TestApp,
    token: &str,
    w: &testkit::World,
    key: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let res = app
        .client()
        .post(app.url("/api/v1/bookings"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({"side": "sender", "parcel_id": w.parcel.to_string(), "trip_id": w.trip.to_string()}))
        .send()
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.json().await.unwrap_or(Value::Null))
}

#[sqlx::test(migrations = "../migrations")]
async fn money_moving_requests_honour_their_idempotency_key(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = spawn(pool.clone()).await;
    let w = testkit::world(&pool, "10").await.unwrap();
    testkit::fund(&pool, w.sender, "100").await.unwrap();
    testkit::photo(&pool, w.parcel).await.unwrap();
    let sender = token(&pool, w.sender, true, true).await;
    let traveler = token(&pool, w.traveler, true, true).await;

    // Without a key, proposing is refused (it moves money).
    let res = app
        .client()
        .post(app.url("/api/v1/bookings"))
        .bearer_auth(&sender)
        .json(&json!({"side": "sender", "parcel_id": w.parcel.to_string(), "trip_id": w.trip.to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Twenty retries at once with one key: one booking, paid once.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (app_addr, t, parcel, trip) = (
            app.url("/api/v1/bookings"),
            sender.clone(),
            w.parcel,
            w.trip,
        );
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(app_addr)
                .bearer_auth(t)
                .header("idempotency-key", "key-idem-0001")
                .json(&json!({"side": "sender", "parcel_id": parcel.to_string(), "trip_id": trip.to_string()}))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "one booking for one key");
    let (_, _, wallet) = call(&app, Method::GET, "/api/v1/wallet", &sender, None).await;
    // 100.00 topped up; 10.00 price + 1.00 fee held once.
    assert_eq!(wallet[0]["available"]["minor"], 8900, "{wallet}");
    assert_eq!(wallet[0]["in_escrow"]["minor"], 1100, "{wallet}");

    // An answer with a key is done once; its retry is replayed.
    let b = ids.into_iter().next().unwrap();
    let answer = |key: &'static str| {
        app.client()
            .post(app.url(&format!("/api/v1/bookings/{b}/answer")))
            .bearer_auth(&traveler)
            .header("idempotency-key", key)
            .json(&json!({"answer": "accept"}))
            .send()
    };
    let first = answer("key-accept-001").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "accepted");
    let again = answer("key-accept-001").await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let bad = app
        .client()
        .post(app.url(&format!("/api/v1/bookings/{b}/answer")))
        .bearer_auth(&traveler)
        .header("idempotency-key", "no")
        .json(&json!({"answer": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for f in app::server::money::ledger::check(&pool).await.unwrap() {
        assert!(f.ok, "{}: {}", f.check, f.detail);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn each_token_has_a_rate_limit_with_headers_that_say_so(pool: PgPool) {
    places::seed::run(&pool).await.unwrap();
    let app = spawn_with(pool.clone(), |c| c.api_rate_per_minute = 5).await;
    let ann = testkit::member(&pool, "Ann").await.unwrap();
    let t = token(&pool, ann, true, false).await;
    let other = token(&pool, ann, true, false).await;
    for left in (0..5).rev() {
        let (status, h, _) = call(&app, Method::GET, "/api/v1/me", &t, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h["ratelimit-limit"], "5");
        assert_eq!(h["ratelimit-remaining"], left.to_string().as_str());
    }
    let (status, h, b) = call(&app, Method::GET, "/api/v1/me", &t, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(is_problem(&h, &b));
    let wait: i64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // The limit is per token.
    let (status, _, _) = call(&app, Method::GET, "/api/v1/me", &other, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn problems_speak_the_client_s_language(pool: PgPool) {
    let app = spawn(pool.clone()).await;
    let ann = testkit::member(&pool, "Ann").await.unwrap();
    let reader = token(&pool, ann, true, false).await;
    let path = format!("/api/v1/bookings/{}", uuid::Uuid::new_v4());
    let ask = |language: &'static str| {
        app.client()
            .get(app.url(&path))
            .bearer_auth(&reader)
            .header("accept-language", language)
            .send()
    };
    let english: Value = ask("en-GB").await.unwrap().json().await.unwrap();
    assert_eq!(
        english["detail"],
        "This booking does not exist, or it is not yours."
    );
    let res = ask("fr-FR, en;q=0.5").await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let french: Value = res.json().await.unwrap();
    assert_eq!(
        french["detail"],
        "Cette réservation n'existe pas, ou elle n'est pas à vous."
    );
}
