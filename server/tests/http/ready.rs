//! `/api/ready` follows the database: 503 while it is unreachable, 200 again once it is back,
//! without restarting the server. The database "goes down" behind a TCP proxy we control.

use super::support;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, conns2) = (up.clone(), conns.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound); // "Connection refused", as far as the client can tell.
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut out) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
                conns2.lock().unwrap().push(task);
            }
        });
        Proxy { addr, up, conns }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        for c in self.conns.lock().unwrap().drain(..) {
            c.abort();
        }
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn ready_is_503_while_the_database_is_down_and_200_when_it_is_back(pool: PgPool) {
    let opts = pool.connect_options();
    let upstream = format!("{}:{}", opts.get_host(), opts.get_port());
    let db = opts.get_database().unwrap().to_string();
    let proxy = Proxy::start(upstream).await;
    let proxied = server::pool(&format!("postgres://postgres@{}/{db}", proxy.addr), 4).unwrap();
    let app = support::spawn(proxied).await;
    let c = app.client();
    let status = || async {
        c.get(app.url("/api/ready"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };

    assert_eq!(status().await, 200);
    proxy.down();
    assert_eq!(status().await, 503);
    assert_eq!(
        c.get(app.url("/api/health")).send().await.unwrap().status(),
        200,
        "the process is still up"
    );
    proxy.up();
    assert_eq!(status().await, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn ready_is_503_when_a_migration_is_missing(pool: PgPool) {
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(&pool)
        .await
        .unwrap();
    let app = support::spawn(pool).await;
    let res = app
        .client()
        .get(app.url("/api/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
}
