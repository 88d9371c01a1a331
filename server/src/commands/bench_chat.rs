//! `server bench-chat --a URL --b URL [--clients 500] [--seconds 60]`: chat delivery across two
//! instances. Every client is a logged-in member with its event stream open, half on each
//! instance; in each pair one member sends a message every few seconds through one instance and
//! the other receives the live event through the other. It reports the delay from sending to
//! receiving (p50, p99, max), and what was lost or came twice.

use app::server::accounts::sessions;
use app::types::UserId;
use rand::Rng;
use sqlx::PgPool;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The seconds between two messages of one sender (30 a minute are allowed).
const EVERY: f64 = 3.0;

#[derive(Default)]
struct Tally {
    /// Per conversation, when each message on its way was sent.
    pending: HashMap<Uuid, VecDeque<Instant>>,
    latencies: Vec<f64>,
    seen: HashSet<i64>,
    duplicates: usize,
    sent: usize,
    failed: usize,
}

struct Pair {
    conversation: Uuid,
    sender: String,
    receiver: String,
    send_base: String,
    receive_base: String,
}

/// Members, their sessions and one conversation per pair, straight in the database.
async fn fixture(pool: &PgPool, clients: usize, a: &str, b: &str) -> Result<Vec<Pair>, String> {
    let pairs = clients / 2;
    let run = Uuid::new_v4().simple().to_string()[..8].to_string();
    let users: Vec<UserId> = sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, email_verified_at)
         SELECT 'bench-chat-' || $1 || '-' || g || '@carry.test', 'Bench ' || g, 'x', now()
         FROM generate_series(1, $2) g RETURNING id",
    )
    .bind(&run)
    .bind(i64::try_from(pairs * 2).map_err(err)?)
    .fetch_all(pool)
    .await
    .map_err(err)?;
    let trip: Uuid = sqlx::query_scalar("SELECT id FROM trips LIMIT 1")
        .fetch_optional(pool)
        .await
        .map_err(err)?
        .ok_or("no trips: run `server demo` first")?;
    let parcels: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM parcels p WHERE NOT EXISTS
           (SELECT 1 FROM conversations c WHERE c.parcel_id = p.id AND c.trip_id = $1)
         LIMIT $2",
    )
    .bind(trip)
    .bind(i64::try_from(pairs).map_err(err)?)
    .fetch_all(pool)
    .await
    .map_err(err)?;
    if parcels.len() < pairs {
        return Err(format!(
            "{pairs} parcels are needed: run `server demo --large` first"
        ));
    }
    let mut out = Vec::with_capacity(pairs);
    for (i, parcel) in parcels.iter().enumerate() {
        let (s, r) = (users[2 * i], users[2 * i + 1]);
        let conversation: Uuid = sqlx::query_scalar(
            "INSERT INTO conversations (parcel_id, trip_id, sender_id, traveler_id)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(parcel)
        .bind(trip)
        .bind(s)
        .bind(r)
        .fetch_one(pool)
        .await
        .map_err(err)?;
        let token = |u| async move {
            sessions::create(pool, u, "bench-chat", "127.0.0.1")
                .await
                .map_err(|e| format!("{e:?}"))
        };
        // Every message crosses from one instance to the other.
        let (send_base, receive_base) = if i % 2 == 0 { (a, b) } else { (b, a) };
        out.push(Pair {
            conversation,
            sender: token(s).await?,
            receiver: token(r).await?,
            send_base: send_base.to_string(),
            receive_base: receive_base.to_string(),
        });
    }
    Ok(out)
}

/// Opens `base`'s event stream for the member with session `token`; calls `on_message` with
/// each message event's conversation and id. Returns once the stream said "ready".
async fn listen(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    on_message: impl Fn(Uuid, i64) + Send + 'static,
) -> Result<(), String> {
    let mut res = http
        .get(format!("{base}/api/events"))
        .header("cookie", format!("carry_session={token}"))
        .send()
        .await
        .map_err(err)?;
    if !res.status().is_success() {
        return Err(format!("the event stream answered {}", res.status()));
    }
    let mut buf = String::new();
    while !buf.contains("event: ready") {
        match res.chunk().await.map_err(err)? {
            Some(c) => buf.push_str(&String::from_utf8_lossy(&c)),
            None => return Err("the event stream closed".into()),
        }
    }
    buf.clear();
    tokio::spawn(async move {
        while let Ok(Some(chunk)) = res.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let event: String = buf.drain(..end + 2).collect();
                for line in event.lines() {
                    let Some(data) = line.strip_prefix("data: ") else {
                        continue;
                    };
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(data) else {
                        continue;
                    };
                    if v["what"] == "message" {
                        if let (Some(c), Some(id)) = (
                            v["conversation"].as_str().and_then(|s| s.parse().ok()),
                            v["id"].as_i64(),
                        ) {
                            on_message(c, id);
                        }
                    }
                }
            }
        }
    });
    Ok(())
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted
        .get(sorted.len().saturating_sub(1) * p / 100)
        .copied()
        .unwrap_or(0.0)
}

pub async fn run(
    pool: &PgPool,
    clients: usize,
    seconds: u64,
    a: &str,
    b: &str,
) -> Result<(), String> {
    let pairs = fixture(pool, clients.max(2), a, b).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .map_err(err)?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    // Every member's stream: the receivers measure, the senders' streams are load.
    for p in &pairs {
        let t = tally.clone();
        listen(&http, &p.receive_base, &p.receiver, move |c, id| {
            let mut t = t.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if !t.seen.insert(id) {
                t.duplicates += 1;
                return;
            }
            if let Some(sent) = t.pending.get_mut(&c).and_then(VecDeque::pop_front) {
                let ms = sent.elapsed().as_secs_f64() * 1000.0;
                t.latencies.push(ms);
            }
        })
        .await?;
        listen(&http, &p.send_base, &p.sender, |_, _| {}).await?;
    }
    println!(
        "{} members connected ({} on each instance); sending for {seconds} s ...",
        pairs.len() * 2,
        pairs.len()
    );
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut senders = Vec::new();
    let mut rng = rand::thread_rng();
    for p in pairs {
        let first: f64 = rng.gen_range(0.0..EVERY);
        let (http, tally) = (http.clone(), tally.clone());
        senders.push(tokio::spawn(async move {
            // Spread the first messages over the interval.
            tokio::time::sleep(Duration::from_secs_f64(first)).await;
            let mut n = 0u64;
            while Instant::now() < end {
                let started = Instant::now();
                tally
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .pending
                    .entry(p.conversation)
                    .or_default()
                    .push_back(started);
                n += 1;
                let res = http
                    .post(format!("{}/api/chat/send", p.send_base))
                    .header("cookie", format!("carry_session={}", p.sender))
                    .header("origin", &p.send_base)
                    .form(&[
                        ("conversation", p.conversation.to_string()),
                        ("body", format!("benchmark message {n}")),
                    ])
                    .send()
                    .await;
                {
                    let mut t = tally
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match res {
                        Ok(r) if r.status().is_success() => t.sent += 1,
                        _ => {
                            t.failed += 1;
                            if let Some(q) = t.pending.get_mut(&p.conversation) {
                                q.pop_back();
                            }
                        }
                    }
                }
                let next = started + Duration::from_secs_f64(EVERY);
                tokio::time::sleep_until(next.into()).await;
            }
        }));
    }
    for s in senders {
        let _ = s.await;
    }
    // The last messages' events.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let t = tally
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut lat = t.latencies.clone();
    lat.sort_by(|x, y| x.total_cmp(y));
    let lost = t.sent.saturating_sub(t.seen.len());
    println!(
        "chat delivery across two instances: {} messages sent ({} refused), {} received: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; lost {lost}, duplicated {} (target p99 <= 50 ms, none lost or duplicated)",
        t.sent,
        t.failed,
        t.seen.len(),
        percentile(&lat, 50),
        percentile(&lat, 99),
        lat.last().copied().unwrap_or(0.0),
        t.duplicates
    );
    Ok(())
}
