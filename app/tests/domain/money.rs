//! The ledger: the rules Postgres enforces, a model-based property test, and many clients at
//! once.

use super::support::*;
use app::error::AppError;
use app::server::bookings::{end, handoff};
use app::server::money::escrow;
use app::server::money::ledger::{self, Acct, Posting, TxKind};
use app::server::wallet::{top_up, withdrawals};
use app::server::{places, worker};
use app::types::{BookingId, UserId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::collections::HashMap;

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_broken_ledger_rows(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "50").await;
    let b = accepted(&pool, &w).await;
    let account = |kind: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM ledger_accounts WHERE kind = $1 AND currency = 'EUR'
                 AND (user_id IS NULL OR user_id = $2) ORDER BY id LIMIT 1",
            )
            .bind(kind)
            .bind(w.sender)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let user_acct = account("user").await;
    let fees = account("provider").await;
    let raw = |sql: String| {
        let pool = pool.clone();
        async move {
            let mut c = pool.acquire().await.unwrap();
            let r = sqlx::raw_sql(&sql).execute(&mut *c).await;
            // A failed BEGIN … COMMIT leaves the connection in an aborted transaction.
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *c).await;
            r
        }
    };
    // An unbalanced transaction fails at commit.
    let err = raw(format!(
        "BEGIN;
         INSERT INTO ledger_transactions (id, kind, idempotency_key, user_id)
           VALUES (900001, 'top_up', 'raw-unbalanced', '{}');
         INSERT INTO ledger_entries (transaction_id, account_id, currency, amount_minor)
           VALUES (900001, {user_acct}, 'EUR', 100), (900001, {fees}, 'EUR', -99);
         COMMIT;",
        w.sender
    ))
    .await
    .unwrap_err();
    assert!(err.to_string().contains("does not balance"), "{err}");
    // A single-entry transaction too.
    let err = raw("BEGIN;
         INSERT INTO ledger_transactions (id, kind, idempotency_key) VALUES (900002, 'top_up', 'raw-single');
         COMMIT;"
        .to_string())
    .await
    .unwrap_err();
    assert!(err.to_string().contains("fewer than two"), "{err}");
    // A user balance below zero.
    let err = raw(format!(
        "BEGIN;
         INSERT INTO ledger_transactions (id, kind, idempotency_key) VALUES (900003, 'top_up', 'raw-negative');
         INSERT INTO ledger_entries (transaction_id, account_id, currency, amount_minor)
           VALUES (900003, {user_acct}, 'EUR', -1000000), (900003, {fees}, 'EUR', 1000000);
         COMMIT;"
    ))
    .await
    .unwrap_err();
    assert!(err.to_string().contains("check"), "{err}");
    // Entries and transactions are immutable.
    for sql in [
        "UPDATE ledger_entries SET amount_minor = amount_minor + 1",
        "DELETE FROM ledger_entries",
        "DELETE FROM ledger_transactions",
        "TRUNCATE ledger_entries CASCADE",
        "UPDATE ledger_accounts SET balance_minor = balance_minor + 1 WHERE kind = 'provider'",
    ] {
        let r = raw(sql.to_string()).await;
        if sql.starts_with("UPDATE ledger_accounts") {
            // Balances can be written by hand (only the trigger should), but the check sees it.
            r.unwrap();
            let broken = ledger::check(&pool).await.unwrap();
            assert!(broken.iter().any(|f| !f.ok), "the check must notice");
            raw("UPDATE ledger_accounts SET balance_minor = balance_minor - 1 WHERE kind = 'provider'".into())
                .await
                .unwrap();
        } else {
            assert!(r.is_err(), "{sql} must be refused");
        }
    }
    // A booking's escrow is settled once: a second refund posting with another key fails.
    end::cancel(&pool, w.traveler, b, "sick").await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let second = ledger::post(
        &mut tx,
        &Posting {
            kind: TxKind::Refund,
            key: "another-refund".into(),
            currency: EUR,
            booking: Some(b),
            user: Some(w.sender),
            memo: String::new(),
            legs: vec![(Acct::User(w.sender), -100), (Acct::Escrow(b), 100)],
        },
    )
    .await;
    assert!(second.is_err(), "settled twice");
    drop(tx);
    assert_ledger_ok(&pool).await;
}

// ---------- a model-based property test ----------

/// One step of a random money story.
#[derive(Debug, Clone)]
enum Op {
    TopUp {
        user: usize,
        amount: i64,
    },
    Hold {
        booking: usize,
        amount: i64,
    },
    Release {
        booking: usize,
    },
    Refund {
        booking: usize,
        keep_fee: bool,
    },
    Withdraw {
        user: usize,
        amount: i64,
    },
    /// Repeat the last step with the same idempotency key.
    Retry,
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        (0..3usize, 1..20_000i64).prop_map(|(user, amount)| Op::TopUp { user, amount }),
        (0..4usize, 1..8_000i64).prop_map(|(booking, amount)| Op::Hold { booking, amount }),
        (0..4usize).prop_map(|booking| Op::Release { booking }),
        (0..4usize, any::<bool>()).prop_map(|(booking, keep_fee)| Op::Refund { booking, keep_fee }),
        (0..3usize, 1..10_000i64).prop_map(|(user, amount)| Op::Withdraw { user, amount }),
        Just(Op::Retry),
    ]
}

/// The simple model: balances in a map, settled bookings in a set.
#[derive(Default, Debug)]
struct Model {
    balances: HashMap<Acct, i64>,
    settled: std::collections::HashSet<BookingId>,
}

impl Model {
    fn get(&self, a: Acct) -> i64 {
        *self.balances.get(&a).unwrap_or(&0)
    }
    fn add(&mut self, a: Acct, v: i64) {
        *self.balances.entry(a).or_default() += v;
    }
}

struct Fixture {
    users: Vec<UserId>,
    /// (booking, sender, traveler)
    bookings: Vec<(BookingId, UserId, UserId)>,
}

/// Makes three users and four bookings between them (each sender one of the users).
async fn fixture(pool: &PgPool) -> Fixture {
    let users = vec![
        user(pool, "p0").await,
        user(pool, "p1").await,
        user(pool, "p2").await,
    ];
    let mut list = Vec::new();
    for i in 0..4 {
        let (s, t) = (users[i % 3], users[(i + 1) % 3]);
        let w = world_for(pool, t, s).await;
        let b: BookingId = sqlx::query_scalar(
            "INSERT INTO bookings (parcel_id, trip_id, sender_id, traveler_id, initiator, awaiting,
                price_minor, currency, weight_g, expires_at)
             VALUES ($1, $2, $3, $4, 'sender', 'traveler', 1000, 'EUR', 2000, now() + interval '1 day')
             RETURNING id",
        )
        .bind(w.parcel)
        .bind(w.trip)
        .bind(s)
        .bind(t)
        .fetch_one(pool)
        .await
        .unwrap();
        list.push((b, s, t));
    }
    Fixture {
        users,
        bookings: list,
    }
}

/// Runs one step against Postgres; returns what the model should expect to change, as the
/// service told it.
async fn run(pool: &PgPool, f: &Fixture, step: &Op, key: &str, m: &mut Model) -> bool {
    match step {
        Op::TopUp { user, amount } => {
            let u = f.users[*user];
            let amount = format!("{}.{:02}", amount / 100, amount % 100);
            let r = top_up::top_up_sandbox(pool, u, &card(&amount, top_up::CARD_OK), key).await;
            r.map(|t| t.succeeded).unwrap_or(false)
        }
        Op::Hold { booking, amount } => {
            let (b, s, _) = f.bookings[*booking];
            ledger::ensure_accounts_committed(pool, &[Acct::User(s), Acct::Escrow(b)], EUR)
                .await
                .unwrap();
            let mut tx = pool.begin().await.unwrap();
            let current = escrow::held(&mut tx, b, EUR).await.unwrap();
            if m.settled.contains(&b) {
                return false;
            }
            let r = escrow::hold_to(&mut tx, b, s, EUR, current + amount, key).await;
            match r {
                Ok(_) => {
                    tx.commit().await.unwrap();
                    true
                }
                Err(AppError::InsufficientFunds { .. }) => false,
                Err(e) => panic!("{e:?}"),
            }
        }
        Op::Release { booking } => {
            let (b, _, t) = f.bookings[*booking];
            ledger::ensure_accounts_committed(pool, &ledger::release_accounts(t), EUR)
                .await
                .unwrap();
            let mut tx = pool.begin().await.unwrap();
            let held = escrow::held(&mut tx, b, EUR).await.unwrap();
            if held == 0 || m.settled.contains(&b) {
                return false;
            }
            let fee = held / 10;
            let c = escrow::Charges {
                price: held - fee,
                fee,
                protection: 0,
            };
            let r = escrow::release(&mut tx, b, t, EUR, c).await.unwrap();
            tx.commit().await.unwrap();
            r.fresh
        }
        Op::Refund { booking, keep_fee } => {
            let (b, s, _) = f.bookings[*booking];
            let mut tx = pool.begin().await.unwrap();
            if m.settled.contains(&b) {
                return false;
            }
            let held = escrow::held(&mut tx, b, EUR).await.unwrap();
            let keep = if *keep_fee { held / 10 } else { 0 };
            let r = escrow::refund(&mut tx, b, s, EUR, keep, "refund")
                .await
                .unwrap();
            tx.commit().await.unwrap();
            r.is_some_and(|p| p.fresh)
        }
        Op::Withdraw { user, amount } => {
            let u = f.users[*user];
            sqlx::query("UPDATE users SET id_verified_at = now() WHERE id = $1")
                .bind(u)
                .execute(pool)
                .await
                .unwrap();
            let amount = format!("{}.{:02}", 10 + amount / 100, amount % 100);
            withdrawals::request(pool, u, &mobile(&amount), key)
                .await
                .is_ok()
        }
        Op::Retry => unreachable!(),
    }
}

/// What a step does to the model when the service says it happened.
fn apply(f: &Fixture, step: &Op, m: &mut Model, before: &Model) {
    match step {
        Op::TopUp { user, amount } => {
            m.add(Acct::User(f.users[*user]), *amount);
            m.add(Acct::Provider, -amount);
        }
        Op::Hold { booking, amount } => {
            let (b, s, _) = f.bookings[*booking];
            m.add(Acct::User(s), -amount);
            m.add(Acct::Escrow(b), *amount);
        }
        Op::Release { booking } => {
            let (b, _, t) = f.bookings[*booking];
            let held = before.get(Acct::Escrow(b));
            let fee = held / 10;
            m.add(Acct::Escrow(b), -held);
            m.add(Acct::User(t), held - fee);
            m.add(Acct::Fees, fee);
            m.settled.insert(b);
        }
        Op::Refund { booking, keep_fee } => {
            let (b, s, _) = f.bookings[*booking];
            let held = before.get(Acct::Escrow(b));
            let keep = if *keep_fee { held / 10 } else { 0 };
            m.add(Acct::Escrow(b), -held);
            m.add(Acct::User(s), held - keep);
            m.add(Acct::Fees, keep);
            m.settled.insert(b);
        }
        Op::Withdraw { user, amount } => {
            let a = 1000 + amount;
            m.add(Acct::User(f.users[*user]), -a);
            m.add(Acct::PayoutsPending, a);
        }
        Op::Retry => {}
    }
}

/// Random sequences of top-ups, holds, releases, refunds, withdrawals and retries, against
/// the in-memory model: after every step the balances agree and the invariants hold.
#[sqlx::test(migrations = "../migrations")]
async fn the_ledger_agrees_with_a_simple_model(_opts: PgPoolOptions, conn: PgConnectOptions) {
    use proptest::test_runner::{Config, TestRunner};
    // Proptest drives synchronous closures: give it its own runtime on its own thread.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let pool = rt.block_on(async {
            let pool = PgPoolOptions::new().connect_with(conn).await.unwrap();
            places::seed::run(&pool).await.unwrap();
            pool
        });
        let mut runner = TestRunner::new(Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&proptest::collection::vec(op(), 1..30), |steps| {
                rt.block_on(async {
                    let f = fixture(&pool).await;
                    let mut m = Model::default();
                    // System accounts are shared between cases: compare their changes.
                    let base = [Acct::Provider, Acct::Fees, Acct::PayoutsPending];
                    let mut base_vals = Vec::new();
                    for a in base {
                        base_vals.push(system(&pool, a).await);
                    }
                    let mut last: Option<(Op, String)> = None;
                    for step in steps {
                        let (step, k, retry) = match (&step, &last) {
                            (Op::Retry, Some((s, k))) => (s.clone(), k.clone(), true),
                            (Op::Retry, None) => continue,
                            _ => (step.clone(), key(), false),
                        };
                        let before = Model {
                            balances: m.balances.clone(),
                            settled: m.settled.clone(),
                        };
                        let happened = run(&pool, &f, &step, &k, &mut m).await;
                        if happened && !retry {
                            apply(&f, &step, &mut m, &before);
                        }
                        // A retry (same key) moves nothing: top-ups and withdrawals answer
                        // with the first result, a hold's ledger key is spent, a settled
                        // booking is not settled again. The balances below prove it.
                        last = Some((step, k));
                        for (i, u) in f.users.iter().enumerate() {
                            assert_eq!(
                                available(&pool, *u).await,
                                m.get(Acct::User(*u)),
                                "user {i} after {:?}",
                                last
                            );
                        }
                        for (b, _, _) in &f.bookings {
                            assert_eq!(held(&pool, *b).await, m.get(Acct::Escrow(*b)));
                        }
                        for (a, v0) in base.iter().zip(&base_vals) {
                            assert_eq!(system(&pool, *a).await - v0, m.get(*a), "{a:?}");
                        }
                    }
                    assert_ledger_ok(&pool).await;
                });
                Ok(())
            })
            .unwrap();
    })
    .join()
    .unwrap();
}

// ---------- many clients at once ----------

/// 16 clients do thousands of random money operations at once, with duplicated keys and racing
/// settlements. Afterwards the invariant check passes and the totals match what the clients
/// were told.
#[sqlx::test(migrations = "../migrations")]
async fn sixteen_clients_hammer_the_ledger(_opts: PgPoolOptions, conn: PgConnectOptions) {
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect_with(conn)
        .await
        .unwrap();
    places::seed::run(&pool).await.unwrap();
    let f = std::sync::Arc::new(fixture(&pool).await);
    // More bookings to settle: 4 from the fixture, plus 12 more.
    let mut all = f.bookings.clone();
    for _ in 0..3 {
        all.extend(fixture(&pool).await.bookings);
    }
    let users: Vec<UserId> = all
        .iter()
        .flat_map(|(_, s, t)| [*s, *t])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let all = std::sync::Arc::new(all);
    let users = std::sync::Arc::new(users);
    let mut tasks = Vec::new();
    for client in 0..16u64 {
        let (pool, all, users) = (pool.clone(), all.clone(), users.clone());
        tasks.push(tokio::spawn(async move {
            use rand::{Rng, SeedableRng};
            let mut rng = rand::rngs::StdRng::seed_from_u64(client);
            // What this client was told: top-ups credited, releases and refunds that moved.
            let (mut topped, mut released, mut refunded) = (0i64, 0i64, 0i64);
            let mut keys: Vec<String> = Vec::new();
            let mut credited = std::collections::HashSet::new();
            for _ in 0..150 {
                let k = if !keys.is_empty() && rng.gen_bool(0.2) {
                    keys[rng.gen_range(0..keys.len())].clone()
                } else {
                    let k = format!("c{client}-{}", uuid::Uuid::new_v4());
                    keys.push(k.clone());
                    k
                };
                let u = users[rng.gen_range(0..users.len())];
                let (b, s, t) = all[rng.gen_range(0..all.len())];
                match rng.gen_range(0..4) {
                    0 => {
                        let amount = rng.gen_range(1..50);
                        let r = top_up::top_up_sandbox(&pool, u, &card(&amount.to_string(), top_up::CARD_OK), &k).await;
                        // A repeated key answers with the first result: count each key once.
                        if r.is_ok_and(|t| t.succeeded) && credited.insert((u, k.clone())) {
                            topped += amount * 100;
                        }
                    }
                    1 => {
                        ledger::ensure_accounts_committed(&pool, &[Acct::User(s)], EUR).await.unwrap();
                        let mut tx = pool.begin().await.unwrap();
                        sqlx::query("SELECT id FROM bookings WHERE id = $1 FOR UPDATE").bind(b).execute(&mut *tx).await.unwrap();
                        let settled: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE booking_id = $1 AND kind IN ('release','refund'))")
                            .bind(b).fetch_one(&mut *tx).await.unwrap();
                        if settled { continue; }
                        let target = rng.gen_range(100..3000);
                        match escrow::hold_to(&mut tx, b, s, EUR, target, &k).await {
                            Ok(_) => tx.commit().await.unwrap(),
                            Err(AppError::InsufficientFunds { .. }) => {}
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                    2 => {
                        ledger::ensure_accounts_committed(&pool, &ledger::release_accounts(t), EUR).await.unwrap();
                        let mut tx = pool.begin().await.unwrap();
                        // Lock the "booking" first, as the services do.
                        sqlx::query("SELECT id FROM bookings WHERE id = $1 FOR UPDATE").bind(b).execute(&mut *tx).await.unwrap();
                        let held = escrow::held(&mut tx, b, EUR).await.unwrap();
                        if held == 0 { continue; }
                        let fee = held / 10;
                        let c = escrow::Charges { price: held - fee, fee, protection: 0 };
                        match escrow::release(&mut tx, b, t, EUR, c).await {
                            Ok(p) => {
                                tx.commit().await.unwrap();
                                if p.fresh { released += held; }
                            }
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                    _ => {
                        let mut tx = pool.begin().await.unwrap();
                        sqlx::query("SELECT id FROM bookings WHERE id = $1 FOR UPDATE").bind(b).execute(&mut *tx).await.unwrap();
                        let held = escrow::held(&mut tx, b, EUR).await.unwrap();
                        if let Some(p) = escrow::refund(&mut tx, b, s, EUR, 0, "refund").await.unwrap() {
                            tx.commit().await.unwrap();
                            if p.fresh { refunded += held; }
                        }
                    }
                }
            }
            (topped, released, refunded)
        }));
    }
    let (mut topped, mut released, mut refunded) = (0, 0, 0);
    for t in tasks {
        let (a, b, c) = t.await.unwrap();
        topped += a;
        released += b;
        refunded += c;
    }
    assert_ledger_ok(&pool).await;
    assert_eq!(
        -system(&pool, Acct::Provider).await,
        topped,
        "top-ups credited once each"
    );
    let settled: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(-e.amount_minor), 0)::bigint FROM ledger_entries e
         JOIN ledger_transactions t ON t.id = e.transaction_id
         JOIN ledger_accounts a ON a.id = e.account_id
         WHERE t.kind IN ('release', 'refund') AND a.kind = 'escrow'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        settled,
        released + refunded,
        "settlements match what clients were told"
    );
    let settlements: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ledger_transactions WHERE kind IN ('release', 'refund')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(settlements <= all.len() as i64);
    let total_users: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(balance_minor), 0)::bigint FROM ledger_accounts WHERE kind IN ('user', 'escrow')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let fees = system(&pool, Acct::Fees).await;
    assert_eq!(total_users + fees, topped, "every cent is somewhere");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booking_nobody_picked_up_is_refunded_by_the_sweep(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    assert_eq!(available(&pool, w.sender).await, 10000 - 1100);
    // Not yet due: the sweep leaves it alone.
    let mut tx = pool.begin().await.unwrap();
    worker::sweep(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(booking_status(&pool, b).await, "accepted");
    // The trip left more than 24 hours ago and nobody entered the pickup code.
    sqlx::query("UPDATE handoff_codes SET valid_until = now() - interval '1 minute' WHERE booking_id = $1 AND kind = 'pickup'")
        .bind(b)
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    worker::sweep(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(booking_status(&pool, b).await, "cancelled");
    assert_eq!(available(&pool, w.sender).await, 10000);
    let parcel: String = sqlx::query_scalar("SELECT status FROM parcels WHERE id = $1")
        .bind(w.parcel)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(parcel, "open");
    let c = code(&pool, b, "pickup").await;
    assert!(handoff::pick_up(&pool, w.traveler, b, &c, inspected())
        .await
        .is_err());
    assert_ledger_ok(&pool).await;
}
