//! Two servers on one database: a message sent through one reaches the other side's event
//! stream open on the other; a setting an admin changes on one holds on the other at once.

use super::support;
use app::server::testkit;
use app::types::UserId;
use sqlx::PgPool;
use std::time::Duration;

async fn id_of(pool: &PgPool, email: &str) -> UserId {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// An open event stream and everything it said so far.
struct Stream {
    res: reqwest::Response,
    said: String,
}

impl Stream {
    async fn open(client: &reqwest::Client, url: String) -> Stream {
        let res = client.get(url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Stream {
            res,
            said: String::new(),
        }
    }

    /// Reads until `want` was said `times` times in all (or five seconds pass).
    async fn wait_for(&mut self, want: &str, times: usize) -> &str {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.said.matches(want).count() < times {
            match tokio::time::timeout_at(deadline, self.res.chunk()).await {
                Ok(Ok(Some(bytes))) => self.said.push_str(&String::from_utf8_lossy(&bytes)),
                _ => panic!(
                    "{want:?} never came {times} times; the stream said {:?}",
                    self.said
                ),
            }
        }
        &self.said
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_message_sent_on_one_instance_reaches_a_stream_open_on_another(pool: PgPool) {
    let a = support::spawn(pool.clone()).await;
    let b = support::spawn(pool.clone()).await;
    let sender = a.signed_up_client("sam@example.com").await;
    let traveler = b.signed_up_client("tara@example.com").await;
    let (s, t) = (
        id_of(&pool, "sam@example.com").await,
        id_of(&pool, "tara@example.com").await,
    );
    app::server::places::seed::run(&pool).await.unwrap();
    let w = testkit::world_of(&pool, t, s, "10").await.unwrap();

    // Visitors get no stream.
    let anonymous = b.client().get(b.url("/api/events")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let mut stream = Stream::open(&traveler, b.url("/api/events")).await;
    stream.wait_for("event: ready", 1).await;

    let origin = format!("http://{}", a.addr);
    let res = sender
        .post(a.url("/api/chat/start"))
        .header("origin", &origin)
        .form(&[
            ("parcel", w.parcel.to_string()),
            ("trip", w.trip.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let conversation: uuid::Uuid = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(&pool)
        .await
        .unwrap();
    let res = sender
        .post(a.url("/api/chat/send"))
        .header("origin", &origin)
        .form(&[
            ("conversation", conversation.to_string()),
            ("body", "Is there room for my parcel?".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let got = stream.wait_for("\"what\":\"message\"", 1).await;
    assert!(got.contains(&conversation.to_string()), "{got}");
    let got = stream.wait_for("\"what\":\"notification\"", 1).await;
    // The event says what to fetch again, never the message itself.
    assert!(!got.contains("room for my parcel"), "{got}");

    // The stranger's stream hears nothing of it.
    let eve = a.signed_up_client("eve@example.com").await;
    let mut other = Stream::open(&eve, a.url("/api/events")).await;
    other.wait_for("event: ready", 1).await;
    sender
        .post(a.url("/api/chat/send"))
        .header("origin", &origin)
        .form(&[
            ("conversation", conversation.to_string()),
            ("body", "Hello again".into()),
        ])
        .send()
        .await
        .unwrap();
    stream.wait_for("\"what\":\"message\"", 2).await;
    let quiet = tokio::time::timeout(Duration::from_millis(700), other.res.chunk()).await;
    assert!(
        quiet.is_err() || matches!(&quiet, Ok(Ok(Some(b))) if b.starts_with(b":")),
        "{quiet:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_setting_changed_on_one_instance_holds_on_another(pool: PgPool) {
    let a = support::spawn(pool.clone()).await;
    let b = support::spawn(pool.clone()).await;
    let admin = a.signed_up_client("root@example.com").await;
    sqlx::query("UPDATE users SET role = 'admin' WHERE email = 'root@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let terms = || async {
        b.client()
            .get(b.url("/api/bookings/terms"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert!(terms().await.contains("10%"), "{}", terms().await);
    let res = admin
        .post(a.url("/api/admin/settings/set"))
        .header("origin", format!("http://{}", a.addr))
        .form(&[("key", "service_fee_bps"), ("value", "1500")])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let now = terms().await;
    assert!(now.contains("15%"), "{now}");
    // A value out of range is refused with the field's message, and nothing changes.
    let res = admin
        .post(a.url("/api/admin/settings/set"))
        .header("origin", format!("http://{}", a.addr))
        .form(&[("key", "service_fee_bps"), ("value", "9223372036854775807")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(terms().await.contains("15%"));
}
