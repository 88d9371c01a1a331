//! Starts the real app on a random local port against a test database.
#![allow(dead_code)] // Each module uses a different part of this.

use app::server::Config;
use server::http::metrics::Metrics;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    server: Option<(tokio::task::JoinHandle<()>, PgPool)>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The `cookie` header of a browser logged in as `user` (a session made straight away).
    pub async fn session_cookie(&self, user: app::types::UserId) -> String {
        let token = app::server::accounts::sessions::create(&self.pool, user, "", "")
            .await
            .unwrap();
        format!("carry_session={token}")
    }

    /// A same-origin form post (as a browser sends it).
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", format!("http://{}", self.addr))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs up through the server functions (the form, then the emailed link) and returns a
    /// client holding the session cookie.
    pub async fn signed_up_client(&self, email: &str) -> reqwest::Client {
        let c = self.client();
        let res = c
            .post(self.url("/api/auth/signup"))
            .header("origin", format!("http://{}", self.addr))
            .form(&[
                ("email", email),
                ("display_name", "Test User"),
                ("password", "a sturdy passphrase"),
            ])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "sign-up: {}", res.status());
        let token = self.emailed_token(email, "verify_email").await;
        let res = c
            .post(self.url("/api/auth/verify-email"))
            .header("origin", format!("http://{}", self.addr))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "verify: {}", res.status());
        assert!(
            res.headers().get("set-cookie").is_some(),
            "the emailed link logs in"
        );
        c
    }

    /// The token in the newest email of `kind` to `to`.
    pub async fn emailed_token(&self, to: &str, kind: &str) -> String {
        let body: String = sqlx::query_scalar(
            "SELECT body_text FROM email_outbox WHERE to_email = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(to)
        .bind(kind)
        .fetch_one(&self.pool)
        .await
        .expect("an email was queued");
        let start = body.find("token=").expect("the link has a token") + "token=".len();
        body[start..].split_whitespace().next().unwrap().to_string()
    }
}

pub async fn spawn(pool: PgPool) -> TestApp {
    spawn_with(pool, |_| {}).await
}

/// The one runtime every test server runs on, as a production server runs on one (multi-threaded)
/// runtime. (Served from each test's own runtime instead, a page now and then never finished
/// rendering while other tests ran: an artefact of several runtimes in one process.)
static SERVERS: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("test-servers")
        .enable_all()
        .build()
        .unwrap()
});

/// `spawn` with a changed configuration (Stripe keys, say). The server has its own pool to the
/// test's database, opened on the servers' runtime.
pub async fn spawn_with(pool: PgPool, change: impl FnOnce(&mut Config)) -> TestApp {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let mut options = leptos::config::get_configuration(None)
        .unwrap()
        .leptos_options;
    options.site_addr = addr;
    let mut config = Config::for_tests();
    config.public_url = format!("http://{addr}");
    change(&mut config);
    let connect = (*pool.connect_options()).clone();
    let _on_servers = SERVERS.enter();
    let server_pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(5)
        .connect_lazy_with(connect);
    let state = server::state(options, server_pool.clone(), config);
    let app = server::router(state, Arc::new(Metrics::default()));
    let task = SERVERS.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        addr,
        pool,
        server: Some((task, server_pool)),
    }
}

impl Drop for TestApp {
    /// Stops the server and closes its connections before the test's database is dropped.
    fn drop(&mut self) {
        if let Some((task, server_pool)) = self.server.take() {
            task.abort();
            let _ = std::thread::spawn(move || {
                SERVERS.block_on(async move {
                    let _ = tokio::time::timeout(
                        std::time::Duration::from_secs(5),
                        server_pool.close(),
                    )
                    .await;
                })
            })
            .join();
        }
    }
}
