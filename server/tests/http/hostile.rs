//! The app tried the way an attacker would, over HTTP with compression on (every real browser
//! asks for it): hostile text rendered into pages, crafted error links, redirects, NUL bytes,
//! absurd numbers and names, and every server function fed hostile values.

use super::support::{self, TestApp};
use app::server::testkit;
use sqlx::PgPool;

const HOSTILE_TITLE: &str = "</title><meta http-equiv=refresh content=0;url=//x.org>";
/// Markup with both quotes and a backslash, which the pages' data (`PageJson`) swaps around
/// (60 characters at most: a display name's limit).
const HOSTILE_DATA: &str = "</title><meta http-equiv=refresh content=0> Ben's \"a\" \\";
const BROWSER_ENCODINGS: &str = "gzip, deflate, br";

/// A client that asks for compressed answers (and decodes nothing: only statuses matter).
fn browser(app: &TestApp) -> reqwest::Client {
    let _ = app;
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::ACCEPT_ENCODING,
                reqwest::header::HeaderValue::from_static(BROWSER_ENCODINGS),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap()
}

/// The page's HTML as served (uncompressed: this client does not ask for compression).
async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The data of the page's resources as the browser reads it: each `__RESOLVED_RESOURCES[n] =
/// "…";` a JavaScript string holding `PageData` (postcard in base64), undone the way the
/// browser undoes it. Base64 needs no escape, so the string's text is taken as it stands: any
/// other character in it (a quote, a backslash, a `<`) fails the test.
fn resolved_resources(page: &str, html: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for part in html.split("__RESOLVED_RESOURCES[").skip(1) {
        let literal = part
            .split_once("] = \"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(text, _)| text)
            .unwrap_or_else(|| panic!("{page}: a resource without its string"));
        out.push(
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD_NO_PAD, literal)
                .unwrap_or_else(|e| panic!("{page}: the data is not base64 ({e}): {literal}")),
        );
    }
    out
}

/// The props of the page's islands as the browser reads them: each `data-props="…"` attribute,
/// its escapes undone, parsed as JSON, with every string in it collected.
fn island_props(html: &str) -> Vec<String> {
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for part in html.split("data-props=\"").skip(1) {
        let raw = part.split('"').next().unwrap_or_default();
        let text = raw
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        let value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("props are not JSON ({e}): {raw}"));
        strings(&value, &mut out);
    }
    out
}

fn assert_no_raw_markup(page: &str, html: &str) {
    assert!(
        !html.contains("<meta http-equiv=refresh") && !html.contains("</textarea><b>"),
        "{page}: hostile markup was written raw"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn hostile_names_and_titles_are_escaped_in_page_titles(pool: PgPool) {
    let app = support::spawn(pool.clone()).await;
    let w = testkit::world(&pool, "10").await.unwrap();
    testkit::fund(&pool, w.sender, "100").await.unwrap();
    // Written straight to the rows: whatever the forms allow, rendering must hold on its own.
    sqlx::query("UPDATE users SET display_name = $1")
        .bind(HOSTILE_DATA)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE parcels SET title = $1")
        .bind(HOSTILE_DATA)
        .execute(&pool)
        .await
        .unwrap();
    let booking = testkit::request(&pool, w.sender, w.parcel, w.trip, "hostile-page-titles")
        .await
        .unwrap();
    // A conversation (its page is titled with the other member's name), reported, so an admin
    // may read it (that page is titled with the parcel's).
    use app::server::chat::service as chat;
    let conversation = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    let message = chat::send(&pool, w.sender, conversation, "Hello", None)
        .await
        .unwrap();
    chat::report(&pool, w.traveler, message, "spam")
        .await
        .unwrap();
    let admin = testkit::member(&pool, "Ada Admin").await.unwrap();
    sqlx::query("UPDATE users SET role = 'admin' WHERE id = $1")
        .bind(admin)
        .execute(&pool)
        .await
        .unwrap();
    let client = app.client();
    let (sender, admin) = (
        app.session_cookie(w.sender).await,
        app.session_cookie(admin).await,
    );
    // `island`: the page shows the conversation, an island the browser runs from the page's
    // data; the other pages are only HTML and carry no data.
    for (path, cookie, named, island) in [
        (format!("/u/{}", w.sender), &sender, true, false),
        (format!("/parcels/{}", w.parcel), &sender, true, false),
        // A trip's title is its route: nothing of a member's in it.
        (format!("/trips/{}", w.trip), &sender, false, false),
        (format!("/bookings/{booking}"), &sender, true, true),
        (format!("/messages/{conversation}"), &sender, true, true),
        (
            format!("/admin/conversations/{conversation}"),
            &admin,
            true,
            false,
        ),
    ] {
        let res = client
            .get(app.url(&path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        assert_no_raw_markup(&path, &body);
        let title = body
            .split("<title>")
            .nth(1)
            .unwrap()
            .split("</title>")
            .next()
            .unwrap();
        assert!(!title.contains('<'), "{path}: {title}");
        if named {
            assert!(
                title.contains("&lt;/title&gt;"),
                "{path}: the title names it: {title}"
            );
        }
        // Whatever data the page carries reads back as written (base64, nothing to escape).
        resolved_resources(&path, &body);
        if island {
            // The conversation's island gets the thread in its props: the text reads back whole.
            assert!(
                island_props(&body).iter().any(|p| p.contains(HOSTILE_DATA)),
                "{path}: the island's props hold the text as it was written"
            );
        }
    }
    // A value from the address that an island receives (in its element's `data-props`) stays
    // inside the attribute: markup that would close the island or start a script is escaped.
    let hostile_query = "</leptos-island><script>alert(1)</script>\"'";
    let path = format!(
        "/messages/{conversation}?photo_error={}",
        app::url::urlencode(hostile_query)
    );
    let res = client
        .get(app.url(&path))
        .header("cookie", &sender)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)"), "{body}");
    assert_eq!(
        body.matches("</leptos-island>").count(),
        body.matches("<leptos-island").count()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn values_echoed_after_a_failed_form_post_are_escaped_and_sealed(pool: PgPool) {
    let app = support::spawn(pool).await;
    let user = app.signed_up_client("ann@example.com").await;
    // A no-JavaScript post of the profile form, with a bio too long and full of markup.
    let bio = format!("</textarea><b>bold</b>{}", "x".repeat(2100));
    let res = user
        .post(app.url("/api/account/profile/update"))
        .header("origin", format!("http://{}", app.addr))
        .header("referer", app.url("/account"))
        .header("accept", "text/html")
        .form(&[
            ("display_name", "Ann"),
            ("bio", bio.as_str()),
            ("home_city", "Lyon"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("__err="), "{back}");
    let back = back
        .trim_start_matches(&format!("http://{}", app.addr))
        .to_string();
    let (status, page) = html(&app, &user, &back).await;
    assert_eq!(status, 200);
    assert_no_raw_markup(&back, &page);
    assert!(
        page.contains("&lt;/textarea&gt;&lt;b&gt;bold"),
        "the value is shown, escaped"
    );

    // The same link with its error forged (or stale) shows the page without it.
    let forged = "/account?__err=eyJlcnJvciI6IntcIlZhbGlkYXRpb25cIjp7fX0iLCJhdCI6MCwic2VhbCI6IiJ9&__path=/account";
    let res = user.get(app.url(forged)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account");
    let res = user
        .get(app.url("/parcels/new?__err=not-even-base64"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/parcels/new");
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_arguments_are_400_with_compression_on(pool: PgPool) {
    let app = support::spawn(pool).await;
    let c = browser(&app);
    let origin = format!("http://{}", app.addr);
    for (path, form) in [
        ("/api/auth/login", vec![("email", "a@example.com")]),
        ("/api/parcels/get", vec![("id", "not-a-uuid")]),
        ("/api/bookings/answer", vec![("id", "1"), ("what", "dance")]),
    ] {
        let res = c
            .post(app.url(path))
            .header("origin", &origin)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{path}");
    }
    // NUL bytes are refused up front, in a form and in an address.
    let nul = c
        .post(app.url("/api/auth/login"))
        .header("origin", &origin)
        .form(&[("email", "a\0@example.com"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(nul.status(), 400);
    let nul = c
        .get(app.url("/search/trips?from=Paris%00"))
        .send()
        .await
        .unwrap();
    assert_eq!(nul.status(), 400);
    let res = c
        .get(app.url("/api/wallet/history?page=lots"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn redirects_after_login_and_top_up_stay_on_the_site(pool: PgPool) {
    let app = support::spawn(pool.clone()).await;
    app.signed_up_client("ann@example.com").await;
    let origin = format!("http://{}", app.addr);
    for next in [
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "https://evil.example",
        "/ok\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "\\\\evil.example",
        "",
    ] {
        let c = app.client();
        let res = c
            .post(app.url("/api/auth/login"))
            .header("origin", &origin)
            .form(&[
                ("email", "ann@example.com"),
                ("password", "a sturdy passphrase"),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers().get("location").map(|v| v.to_str().unwrap()),
            Some("/"),
            "{next:?}: {} {:?}",
            res.status(),
            res.headers()
        );
        // And after a top-up that succeeded.
        let res = c
            .post(app.url("/api/wallet/top-up"))
            .header("origin", &origin)
            .form(&[
                ("amount", "5"),
                ("currency", "EUR"),
                ("number", "4242424242424242"),
                ("expiry", "12/40"),
                ("cvc", "123"),
                ("key", &uuid::Uuid::new_v4().to_string()),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers().get("location").map(|v| v.to_str().unwrap()),
            Some("/wallet?topped_up=1"),
            "{next:?}: {}",
            res.status()
        );
    }
    // A path on the site is kept.
    let res = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("origin", &origin)
        .form(&[
            ("email", "ann@example.com"),
            ("password", "a sturdy passphrase"),
            ("next", "/wallet?page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/wallet?page=2");
}

#[sqlx::test(migrations = "../migrations")]
async fn metrics_need_the_token_outside_development(pool: PgPool) {
    let closed = support::spawn_with(pool.clone(), |c| c.dev = false).await;
    let res = closed
        .client()
        .get(closed.url("/api/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let guarded = support::spawn_with(pool, |c| {
        c.dev = false;
        c.metrics_token = Some("s3cret-token".into());
    })
    .await;
    let c = guarded.client();
    let res = c.get(guarded.url("/api/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = c
        .get(guarded.url("/api/metrics"))
        .header("authorization", "Bearer wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = c
        .get(guarded.url("/api/metrics"))
        .header("authorization", "Bearer s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("carry_jobs_failed 0"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn development_pages_are_off_outside_development(pool: PgPool) {
    let app = support::spawn_with(pool, |c| c.dev = false).await;
    let c = app.client();
    let res = c
        .post(app.url("/api/dev/outbox"))
        .header("origin", format!("http://{}", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (status, _) = html(&app, &c, "/dev/outbox").await;
    assert_eq!(status, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn absurd_numbers_and_names_in_addresses_get_a_clear_answer(pool: PgPool) {
    let app = support::spawn(pool).await;
    let user = app.signed_up_client("ann@example.com").await;
    let c = browser(&app);
    let long = "a".repeat(300);
    for path in [
        "/wallet?page=9223372036854775807".to_string(),
        "/wallet?page=-9223372036854775808".to_string(),
        "/search/trips?page=9223372036854775807".to_string(),
        "/search/parcels?page=99999999999999999999999".to_string(),
        "/search/trips?weight=9223372036854775807&price=-1".to_string(),
        format!("/media/parcels/{long}"),
        format!("/media/parcels/{long}.jpg"),
        "/media/parcels/..%2F..%2Fetc%2Fpasswd".to_string(),
        "/parcels/not-a-uuid".to_string(),
        format!("/u/{long}"),
        "/track?number=%3Cscript%3E".to_string(),
        "/wallet/receipts/nope/00000000-0000-0000-0000-000000000000".to_string(),
    ] {
        for client in [&user, &c] {
            let started = std::time::Instant::now();
            let res = client.get(app.url(&path)).send().await.unwrap();
            let status = res.status().as_u16();
            assert!(status < 500, "{path}: {status}");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "{path} took {:?}",
                started.elapsed()
            );
        }
    }
    let res = user
        .get(app.url("/api/wallet/history?page=9223372036854775807"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// Argument names the server functions use; every function gets all of them at once (unknown
/// ones are ignored), each set to the same hostile value.
const FIELDS: &[&str] = &[
    "id",
    "page",
    "email",
    "password",
    "display_name",
    "token",
    "next",
    "amount",
    "currency",
    "number",
    "expiry",
    "cvc",
    "key",
    "method",
    "destination",
    "price",
    "protect",
    "title",
    "description",
    "category",
    "weight_kg",
    "length_cm",
    "width_cm",
    "height_cm",
    "declared_value",
    "pickup_place",
    "delivery_place",
    "pickup_address",
    "delivery_address",
    "ready_from",
    "deliver_by",
    "reward",
    "recipient",
    "recipient_name",
    "recipient_phone",
    "recipient_email",
    "origin",
    "departs_at",
    "arrives_at",
    "mode",
    "capacity_kg",
    "price_per_kg",
    "notes",
    "q",
    "from",
    "to",
    "sort",
    "decision",
    "reason",
    "code",
    "what",
    "bio",
    "home_city",
    "current_password",
    "new_password",
    "parcel",
    "trip",
    "side",
    "session_id",
    "user_id",
    "kind",
    "weight",
    "categories",
    "fragile",
    "has_receipt",
    "tz",
    "declared_legal",
    "contents_match",
    "nothing_prohibited",
    "electronics_power_on",
    "limit",
    "n",
    "query",
    "booking_id",
    "dispute_id",
    "stars",
    "communication",
    "punctuality",
    "care",
    "comment",
    "body",
    "outcome",
    "sender_percent",
    "payout",
    "note",
    "action",
    "subject",
    "days",
    "member",
    "session",
    "role",
    "value",
    "booking",
    "account",
    "points",
    "param",
    "enabled",
    "keyword",
    "country",
];

/// The fields that hold free text, each sent 100 KB at once.
const TEXT_FIELDS: &[&str] = &[
    "title",
    "description",
    "bio",
    "notes",
    "display_name",
    "email",
    "password",
    "q",
    "reason",
    "destination",
    "comment",
    "body",
    "note",
    "what",
];

#[sqlx::test(migrations = "../migrations")]
async fn no_server_function_answers_hostile_input_with_a_5xx(pool: PgPool) {
    let app = support::spawn(pool.clone()).await;
    let member = app.signed_up_client("mallory@example.com").await;
    let stranger = browser(&app);
    // An admin too, so the admin functions' own checks meet the values, not only the refusal.
    let admin = app.signed_up_client("mallory-root@example.com").await;
    sqlx::query("UPDATE users SET role = 'admin' WHERE email = 'mallory-root@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    // 100 KB in each text field of a form (the others left out: the body stays under the 2 MB
    // limit); in an address, as much as one may hold (64 KB over all the fields).
    let big = format!("{}€", "x".repeat(100_000));
    let big_query = "€".repeat(90);
    let values = [
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999999999",
        "-1",
        "1e309",
        "NaN",
        HOSTILE_TITLE,
        "line\r\nInjected: header",
        "nul\0byte",
        "' OR 1=1 --",
        "../../etc/passwd",
        "//evil.example",
        "00000000-0000-0000-0000-000000000000",
        "𝕏\u{202e}\u{feff}",
        big.as_str(),
        "",
    ];
    let mut paths: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    paths.sort_by_key(|(p, _)| *p);
    assert!(
        paths.len() > 40,
        "every server function is registered: {}",
        paths.len()
    );
    let origin = format!("http://{}", app.addr);
    let mut failures = Vec::new();
    for (path, method) in &paths {
        if path.contains("logout") {
            continue; // Ends the member's session: tried last.
        }
        for value in values {
            let get = method.as_str() == "GET";
            let long = value == big;
            let value = if get && long {
                big_query.as_str()
            } else {
                value
            };
            // The long values go in the text fields only (a query string has a size limit).
            let form: Vec<(&str, &str)> = if long {
                TEXT_FIELDS.iter().map(|f| (*f, value)).collect()
            } else {
                FIELDS.iter().map(|f| (*f, value)).collect()
            };
            for client in [&member, &stranger, &admin] {
                let res = if get {
                    client.get(app.url(path)).query(&form).send().await
                } else {
                    client
                        .post(app.url(path))
                        .header("origin", &origin)
                        .form(&form)
                        .send()
                        .await
                };
                let status = res.map(|r| r.status().as_u16()).unwrap_or(599);
                if status >= 500 {
                    let shown: String = value.chars().take(40).collect();
                    failures.push(format!("{method} {path} with {shown:?}: {status}"));
                }
            }
        }
    }
    let res = member
        .post(app.url("/api/auth/logout"))
        .header("origin", &origin)
        .form(&[("next", HOSTILE_TITLE)])
        .send()
        .await
        .unwrap();
    assert!(res.status().as_u16() < 500, "logout: {}", res.status());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_admin_server_function_refuses_a_member(pool: PgPool) {
    let app = support::spawn(pool).await;
    let member = app.signed_up_client("mallory-admin@example.com").await;
    let origin = format!("http://{}", app.addr);
    let id = uuid::Uuid::new_v4().to_string();
    let form = [
        ("id", id.as_str()),
        ("outcome", "refund"),
        ("decision", "approve"),
        ("page", "1"),
    ];
    let mut checked = 0;
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        if !path.starts_with("/api/admin/") {
            continue;
        }
        let res = if method.as_str() == "GET" {
            member.get(app.url(path)).query(&form).send().await
        } else {
            member
                .post(app.url(path))
                .header("origin", &origin)
                .form(&form)
                .send()
                .await
        };
        let status = res.map(|r| r.status().as_u16()).unwrap_or(599);
        assert!(status == 403 || status == 400, "{method} {path}: {status}");
        checked += 1;
    }
    assert!(checked >= 10, "admin functions found: {checked}");
}

#[sqlx::test(migrations = "../migrations")]
async fn reports_and_moderation_decisions_hold_against_hostile_text(pool: PgPool) {
    let app = support::spawn(pool.clone()).await;
    let w = testkit::world(&pool, "10").await.unwrap();
    let reporter = app.signed_up_client("mallory-reports@example.com").await;
    let admin = app.signed_up_client("mallory-mod@example.com").await;
    sqlx::query("UPDATE users SET role = 'admin' WHERE email = 'mallory-mod@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let origin = format!("http://{}", app.addr);
    let big = "x".repeat(100_000);
    let trip = w.trip.to_string();
    let traveler = w.traveler.to_string();
    let mut failures = Vec::new();
    for value in [
        HOSTILE_TITLE,
        "line\r\nInjected: header",
        "nul\0byte",
        "9223372036854775807",
        "-9223372036854775808",
        big.as_str(),
    ] {
        let report = [
            ("subject", "trip"),
            ("id", trip.as_str()),
            ("reason", "fraud"),
            ("note", value),
        ];
        let moderate = [
            ("member", traveler.as_str()),
            ("action", "suspend"),
            ("days", value),
            ("reason", value),
        ];
        for (client, path, form) in [
            (&reporter, "/api/moderation/report", &report),
            (&admin, "/api/admin/users/moderate", &moderate),
        ] {
            let status = client
                .post(app.url(path))
                .header("origin", &origin)
                .form(form)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(599);
            if status >= 500 {
                failures.push(format!(
                    "{path} with {:?}: {status}",
                    &value[..value.len().min(30)]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The one report that was valid (hostile markup in its note) is shown escaped to admins.
    let (status, page) = html(&app, &admin, "/admin/reports").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("data-testid=\"listing-report\""),
        "the report is listed"
    );
    assert_no_raw_markup("/admin/reports", &page);
    // Suspending for an absurd number of days was refused: the traveler is still active.
    let status: String = sqlx::query_scalar("SELECT status FROM users WHERE id = $1")
        .bind(w.traveler)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "active");
}
