//! What keeps running behind the pages: failed jobs kept as dead letters, the sweep (overdue
//! deliveries, lost completions, trips completed), the email sender, and the ledger check.

use super::support::*;
use app::error::AppError;
use app::server::bookings::{handoff, overdue, view};
use app::server::email::{self, Mailer, Outgoing};
use app::server::jobs::{self, Job};
use app::server::{admin, worker};
use app::types::{BookingId, EventKind};
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A job handler that always fails.
struct Failing;

impl jobs::Handler for Failing {
    async fn run(&self, _: &mut sqlx::PgConnection, _: &Job) -> Result<(), AppError> {
        Err(AppError::internal("the mail server is on fire"))
    }
}

/// Sweeps once, as the worker does.
async fn sweep(pool: &PgPool) {
    let mut tx = pool.begin().await.unwrap();
    worker::sweep(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
}

/// A booking picked up and on its way.
async fn picked_up(pool: &PgPool, w: &World) -> BookingId {
    let b = accepted(pool, w).await;
    let pickup = code(pool, b, "pickup").await;
    handoff::pick_up(pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap();
    b
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_that_keeps_failing_stays_failed_until_an_admin_retries_it(pool: PgPool) {
    sqlx::query("INSERT INTO jobs (kind, payload) VALUES ('booking.complete', '{}')")
        .execute(&pool)
        .await
        .unwrap();
    for attempt in 1..=jobs::MAX_ATTEMPTS {
        assert!(
            jobs::work_once(&pool, &Failing).await.unwrap(),
            "attempt {attempt}"
        );
        sqlx::query("UPDATE jobs SET run_at = now()")
            .execute(&pool)
            .await
            .unwrap();
    }
    // Failed for good: not done, not run again, counted and listed.
    assert!(!jobs::work_once(&pool, &Failing).await.unwrap());
    let done: Option<time::OffsetDateTime> = sqlx::query_scalar("SELECT done_at FROM jobs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(done.is_none(), "a failed job is never marked done");
    assert_eq!(jobs::failed_count(&pool).await.unwrap(), 1);
    let listed = admin::failed_jobs(&pool).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].attempts, jobs::MAX_ATTEMPTS);
    assert!(
        listed[0].last_error.contains("Reference: bg-"),
        "{:?}",
        listed[0]
    );
    assert_eq!(listed[0].what, "Complete a delivered booking");
    assert_eq!(admin::overview(&pool).await.unwrap().failed_jobs, 1);

    let admin_id = user(&pool, "Ada").await;
    admin::retry_job(&pool, admin_id, listed[0].id)
        .await
        .unwrap();
    assert!(matches!(
        admin::retry_job(&pool, admin_id, listed[0].id).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(jobs::failed_count(&pool).await.unwrap(), 0);
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'job.retry'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    assert!(
        jobs::work_once(&pool, &Failing).await.unwrap(),
        "queued again"
    );

    // A sweep that failed for good is listed for a day, then cleared: a failing sweep leaves
    // one a minute.
    sqlx::query(
        "INSERT INTO jobs (kind, attempts, failed_at)
         VALUES ('sweep', 10, now() - interval '2 days'), ('sweep', 10, now() - interval '1 hour')",
    )
    .execute(&pool)
    .await
    .unwrap();
    worker::schedule_sweep(&pool).await.unwrap();
    let failed_sweeps: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'sweep' AND failed_at IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(failed_sweeps, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sweep_completes_a_delivered_booking_whose_job_was_lost_or_failed(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = picked_up(&pool, &w).await;
    let delivery = code(&pool, b, "delivery").await;
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    // The completion job failed for good a day ago, and the waiting time is over.
    sqlx::query(
        "UPDATE jobs SET failed_at = now() - interval '25 hours', attempts = 10
         WHERE kind = 'booking.complete'",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE bookings SET delivered_at = now() - interval '73 hours'")
        .execute(&pool)
        .await
        .unwrap();
    sweep(&pool).await;
    while jobs::work_once(&pool, &worker::Jobs).await.unwrap() {}
    assert_eq!(booking_status(&pool, b).await, "completed");

    // A lost job (deleted outright) is scheduled again too.
    let w2 = world_for(&pool, w.traveler, w.sender).await;
    let b2 = picked_up(&pool, &w2).await;
    let delivery = code(&pool, b2, "delivery").await;
    handoff::deliver(&pool, w.traveler, b2, &delivery, None)
        .await
        .unwrap();
    sqlx::query("DELETE FROM jobs WHERE kind = 'booking.complete'")
        .execute(&pool)
        .await
        .unwrap();
    sweep(&pool).await;
    while jobs::work_once(&pool, &worker::Jobs).await.unwrap() {}
    assert_eq!(booking_status(&pool, b2).await, "delivered", "not due yet");
    sqlx::query("UPDATE bookings SET delivered_at = now() - interval '73 hours' WHERE id = $1")
        .bind(b2)
        .execute(&pool)
        .await
        .unwrap();
    sweep(&pool).await;
    while jobs::work_once(&pool, &worker::Jobs).await.unwrap() {}
    assert_eq!(booking_status(&pool, b2).await, "completed");
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_overdue_delivery_is_flagged_once_told_to_both_and_listed_for_admins(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = picked_up(&pool, &w).await;
    sweep(&pool).await;
    assert!(
        overdue::list(&pool).await.unwrap().is_empty(),
        "not due yet"
    );
    // The deadline was four days ago: 72 hours past the end of that day.
    sqlx::query("UPDATE parcels SET ready_from = current_date - 10, deliver_by = current_date - 4")
        .execute(&pool)
        .await
        .unwrap();
    sweep(&pool).await;
    sweep(&pool).await;
    let listed = admin::overdue(&pool).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].booking, b);
    assert_eq!(listed[0].held.minor, 1100, "price and fee still in escrow");
    assert_eq!(admin::overview(&pool).await.unwrap().overdue_deliveries, 1);
    let emails: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM email_outbox WHERE subject = 'A delivery is overdue'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(emails, 2, "both sides, once");
    for who in [w.sender, w.traveler] {
        let d = view::detail(&pool, PUBLIC_URL, "UTC", who, b)
            .await
            .unwrap();
        let h = d.handoff.unwrap();
        assert!(h.overdue.unwrap().contains("escrow"));
        assert!(d
            .events
            .iter()
            .any(|e| e.what == EventKind::Overdue.label()));
    }
    // The traveler can still deliver; the flag then leaves the admins' list.
    let delivery = code(&pool, b, "delivery").await;
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    assert!(admin::overdue(&pool).await.unwrap().is_empty());
    assert_eq!(
        overdue::due_at(time::macros::date!(2026 - 11 - 30)),
        time::macros::datetime!(2026 - 12 - 04 00:00 UTC)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_trip_completes_once_it_arrived_and_carries_nothing(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = picked_up(&pool, &w).await;
    let status = || async {
        sqlx::query_scalar::<_, String>("SELECT status FROM trips WHERE id = $1")
            .bind(w.trip)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    sqlx::query("UPDATE trips SET departs_at = now() - interval '3 hours', arrives_at = now() - interval '1 hour'")
        .execute(&pool)
        .await
        .unwrap();
    sweep(&pool).await;
    assert_eq!(status().await, "departed", "a parcel is still on board");
    let delivery = code(&pool, b, "delivery").await;
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    sweep(&pool).await;
    assert_eq!(status().await, "departed", "delivered, not completed yet");
    app::server::bookings::end::confirm(&pool, w.sender, b)
        .await
        .unwrap();
    sweep(&pool).await;
    assert_eq!(status().await, "completed");
}

/// Delivers every email, except to addresses that start with "bounce".
#[derive(Default)]
struct Recording {
    sent: Mutex<Vec<String>>,
    calls: AtomicUsize,
}

impl Mailer for Recording {
    async fn send(&self, m: &Outgoing) -> Result<(), String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if m.to_email.starts_with("bounce") {
            return Err("550 no such mailbox".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        self.sent.lock().unwrap().push(m.to_email.clone());
        Ok(())
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn emails_go_out_once_from_parallel_senders_and_failures_back_off(pool: PgPool) {
    for i in 0..60 {
        email::enqueue(
            &pool,
            &format!("person{i}@example.com"),
            "Hello",
            "Hi",
            "test",
        )
        .await
        .unwrap();
    }
    email::enqueue(&pool, "bounce@example.com", "Hello", "Hi", "test")
        .await
        .unwrap();
    let mailer = std::sync::Arc::new(Recording::default());
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (pool, mailer) = (pool.clone(), mailer.clone());
            tokio::spawn(async move {
                while email::deliver_once(&pool, mailer.as_ref(), PUBLIC_URL)
                    .await
                    .unwrap()
                    > 0
                {}
            })
        })
        .collect();
    for s in senders {
        s.await.unwrap();
    }
    let mut sent = mailer.sent.lock().unwrap().clone();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 60);
    assert_eq!(
        mailer.calls.load(Ordering::SeqCst),
        61,
        "each email tried once"
    );
    // The bounce waits before its next attempt, and no lock or claim is left behind.
    let (attempts, error, wait): (i32, Option<String>, f64) = sqlx::query_as(
        "SELECT attempts, last_error, extract(epoch FROM next_attempt_at - now())::float8
         FROM email_outbox WHERE to_email = 'bounce@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.unwrap().contains("550"));
    assert!(wait > 20.0, "backs off ({wait} s)");
    assert_eq!(
        email::deliver_once(&pool, mailer.as_ref(), PUBLIC_URL)
            .await
            .unwrap(),
        0
    );
    let claimed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE claimed_until IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(claimed, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_ledger_check_leaves_no_transaction_open(pool: PgPool) {
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    // Another session holds the ledger locked, so the check fails part-way (lock timeout).
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE ledger_accounts, ledger_entries IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .unwrap();
    sqlx::query("SET lock_timeout = '100ms'")
        .execute(&one)
        .await
        .unwrap();
    assert!(app::server::money::ledger::check(&one).await.is_err());
    holder.rollback().await.unwrap();
    // The pool's only connection is usable, and not stuck in a read-only transaction.
    sqlx::query("SET lock_timeout = 0")
        .execute(&one)
        .await
        .unwrap();
    sqlx::query("CREATE TEMP TABLE written (x int)")
        .execute(&one)
        .await
        .unwrap();
    let read_only: String = sqlx::query_scalar("SHOW transaction_read_only")
        .fetch_one(&one)
        .await
        .unwrap();
    assert_eq!(read_only, "off");
    assert!(app::server::money::ledger::check(&one)
        .await
        .unwrap()
        .iter()
        .all(|f| f.ok));
}
