//! The server over HTTP: CSRF refusal, the admin guard, headers, error pages, operations endpoints.

use super::support;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn cross_origin_posts_are_refused(pool: PgPool) {
    let app = support::spawn(pool).await;
    let c = app.client();
    let form = [("email", "a@example.com"), ("password", "whatever it is")];

    let evil = c
        .post(app.url("/api/auth/login"))
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    assert_eq!(evil.text().await.unwrap(), "Cross-site request refused.");

    let no_origin = c
        .post(app.url("/api/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), 403);

    let null_origin = c
        .post(app.url("/api/auth/login"))
        .header("origin", "null")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(null_origin.status(), 403);

    // The same request from the site itself reaches the server function (wrong password: 422).
    let same = c
        .post(app.url("/api/auth/login"))
        .header("origin", format!("http://{}", app.addr))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 422);
    let body: serde_json::Value = same.json().await.unwrap();
    assert!(
        body.to_string().contains("don't match an account"),
        "{body}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_reach_the_admin_server_function_and_page(pool: PgPool) {
    let app = support::spawn(pool.clone()).await;
    let origin = format!("http://{}", app.addr);

    let anonymous = app
        .client()
        .post(app.url("/api/admin/overview"))
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let user = app.signed_up_client("user@example.com").await;
    let refused = user
        .post(app.url("/api/admin/overview"))
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let page = user.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 403);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("You don't have access to this page"));

    app::server::accounts::admins::create_or_promote_admin(&pool, "user@example.com", None, "")
        .await
        .unwrap();
    let allowed = user
        .post(app.url("/api/admin/overview"))
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    // Server functions answer in postcard (`application/x-postcard`), as the browser reads them.
    assert_eq!(
        allowed.headers()["content-type"],
        "application/x-postcard",
        "{:?}",
        allowed.headers()
    );
    let o: app::types::admin::AdminOverview =
        postcard::from_bytes(&allowed.bytes().await.unwrap()).unwrap();
    assert_eq!(o.users_total, 1);
    let page = user.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_cookie_is_opaque_http_only_and_lax(pool: PgPool) {
    let app = support::spawn(pool).await;
    let c = app.client();
    let origin = format!("http://{}", app.addr);
    let res = c
        .post(app.url("/api/auth/signup"))
        .header("origin", &origin)
        .form(&[
            ("email", "c@example.com"),
            ("display_name", "C"),
            ("password", "a sturdy passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        res.headers().get("set-cookie").is_none(),
        "signing up alone logs nobody in: the emailed link does"
    );
    let token = app.emailed_token("c@example.com", "verify_email").await;
    let res = c
        .post(app.url("/api/auth/verify-email"))
        .header("origin", &origin)
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("carry_session="), "{cookie}");
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("carry_session=");
    assert_eq!(token.len(), 64, "256 random bits, hex");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-HTTP localhost keeps working"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_security_headers_and_a_script_nonce(pool: PgPool) {
    let app = support::spawn(pool).await;
    let res = app.client().get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("referrer-policy"));
    assert!(h.contains_key("x-request-id"));
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration scripts carry the nonce"
    );
    assert!(html.contains("already making the trip"));
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_get_a_real_404(pool: PgPool) {
    let app = support::spawn(pool).await;
    let res = app
        .client()
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("We couldn't find that page"));
    let profile = app
        .client()
        .get(app.url("/u/00000000-0000-0000-0000-000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn health_live_ready_and_metrics_answer(pool: PgPool) {
    let app = support::spawn(pool).await;
    let c = app.client();
    for path in ["/api/health", "/api/live", "/api/ready"] {
        assert_eq!(
            c.get(app.url(path)).send().await.unwrap().status(),
            200,
            "{path}"
        );
    }
    let metrics = c
        .get(app.url("/api/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .contains("http_requests_total{method=\"GET\",route=\"/api/health\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("db_pool_connections"));
}

#[sqlx::test(migrations = "../migrations")]
async fn oversized_bodies_are_refused(pool: PgPool) {
    let app = support::spawn(pool).await;
    let big = "x".repeat(server::http::middleware::BODY_LIMIT + 1);
    let res = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("origin", format!("http://{}", app.addr))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_pages_french_is_served_by_its_hashed_name_only(pool: PgPool) {
    let app = support::spawn(pool).await;
    let c = app.client();
    let path = app::i18n::browser_texts_path(app::i18n::Locale::Fr).unwrap();
    let res = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-type"], "application/json");
    let texts: std::collections::HashMap<String, String> = res.json().await.unwrap();
    assert_eq!(texts["Log in"], "Se connecter");

    // A page in French names the file for its loader; a page in English does not.
    let french = c
        .get(app.url("/"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(french.text().await.unwrap().contains(path));
    let english = c.get(app.url("/")).send().await.unwrap();
    assert!(!english.text().await.unwrap().contains("/texts/"));

    // Any other name is not found (and not cached).
    for other in [
        "/texts/fr.json",
        "/texts/fr.0000000000000000.json",
        "/texts/en.json",
    ] {
        let res = c.get(app.url(other)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{other}");
        assert!(res
            .headers()
            .get("cache-control")
            .is_none_or(|v| v != "public, max-age=31536000, immutable"));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_for_browsers_and_read_back_whole(pool: PgPool) {
    use std::io::Read;
    let app = support::spawn(pool.clone()).await;
    app::server::testkit::world(&pool, "10").await.unwrap();
    let c = app.client();
    let get = |path: &'static str, encoding: &'static str| {
        let c = c.clone();
        let url = app.url(path);
        async move {
            let res = c
                .get(url)
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let coding = res
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_string());
            let vary = res
                .headers()
                .get("vary")
                .map(|v| v.to_str().unwrap().to_string());
            (coding, vary, res.bytes().await.unwrap().to_vec())
        }
    };
    for path in [
        "/",
        "/search/trips?from=Lisbon%2C+Portugal&to=Porto%2C+Portugal",
    ] {
        let (none, _, plain) = get(path, "identity").await;
        assert_eq!(none, None, "{path}: nothing asked, nothing compressed");
        let plain = String::from_utf8(plain).unwrap();
        assert!(plain.starts_with("<!DOCTYPE html>") && plain.contains("</html>"));

        // As Chromium and Firefox ask: brotli.
        let (coding, vary, body) = get(path, "gzip, deflate, br, zstd").await;
        assert_eq!(coding.as_deref(), Some("br"), "{path}");
        assert!(vary
            .unwrap_or_default()
            .to_ascii_lowercase()
            .contains("accept-encoding"));
        assert!(
            body.len() * 2 < plain.len(),
            "{path}: brotli makes it much smaller ({} → {})",
            plain.len(),
            body.len()
        );
        let mut text = String::new();
        brotli_decompressor::Decompressor::new(&body[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.starts_with("<!DOCTYPE html>") && text.contains("</html>"));
        // The same page (its nonce and request id differ from one answer to the next).
        assert!(text.len().abs_diff(plain.len()) < 200, "{path}");

        // An older client: gzip.
        let (coding, _, body) = get(path, "gzip").await;
        assert_eq!(coding.as_deref(), Some("gzip"), "{path}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.starts_with("<!DOCTYPE html>") && text.contains("</html>"));
    }
}

/// The language at log-in: an account that never chose one (made by an operator) leaves the
/// browser's own language in charge and records it; one that chose gives its choice to a new
/// browser.
#[sqlx::test(migrations = "../migrations")]
async fn logging_in_keeps_the_browser_s_language_unless_the_member_chose_one(pool: PgPool) {
    use app::server::accounts::admins;
    let app = support::spawn(pool.clone()).await;
    let origin = format!("http://{}", app.addr);
    let log_in = |email: &'static str| {
        let (c, url, origin) = (app.client(), app.url("/api/auth/login"), origin.clone());
        async move {
            let res = c
                .post(url)
                .header("origin", origin)
                .header("accept-language", "fr-FR,fr;q=0.9")
                .form(&[("email", email), ("password", "a long passphrase 1")])
                .send()
                .await
                .unwrap();
            assert!(
                res.status().is_success() || res.status().is_redirection(),
                "{}",
                res.status()
            );
            res.headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let locale = |email: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<String>>("SELECT locale FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };

    admins::ensure_user(&pool, "ops-made@example.com", "a long passphrase 1", "Olga")
        .await
        .unwrap();
    assert_eq!(locale("ops-made@example.com").await, None);
    let cookies = log_in("ops-made@example.com").await;
    assert!(cookies.iter().any(|c| c.starts_with("carry_session=")));
    assert!(
        !cookies.iter().any(|c| c.starts_with("carry_lang=")),
        "the browser's French goes on deciding: {cookies:?}"
    );
    assert_eq!(locale("ops-made@example.com").await.as_deref(), Some("fr"));

    // A member who chose English gets it in a French browser that has not chosen.
    admins::ensure_user(&pool, "chose@example.com", "a long passphrase 1", "Chloé")
        .await
        .unwrap();
    sqlx::query("UPDATE users SET locale = 'en' WHERE email = 'chose@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let cookies = log_in("chose@example.com").await;
    assert!(
        cookies.iter().any(|c| c.starts_with("carry_lang=en")),
        "{cookies:?}"
    );
}
