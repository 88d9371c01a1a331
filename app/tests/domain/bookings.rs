//! The booking state machine, expiry through the job queue, racing acceptances, and money
//! through a booking's life: escrow, cancellation rules, handoff codes, completion.

use super::support::*;
use app::error::AppError;
use app::server::bookings::{end, handoff, negotiate, view};
use app::server::jobs;
use app::server::money::ledger::Acct;
use app::server::parcels::service as parcels;
use app::server::trips::service as trips;
use app::server::wallet::statements;
use app::server::worker;
use app::types::{BookingStatus, ParcelStatus, Side};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

#[sqlx::test(migrations = "../migrations")]
async fn a_request_is_countered_and_accepted(pool: PgPool) {
    let w = world(&pool).await;
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.sender, b)
        .await
        .unwrap();
    assert_eq!(
        d.summary.price.minor, 1000,
        "default: the trip's price × weight"
    );
    assert!(!d.can_accept && d.can_withdraw);
    assert!(d.contact.is_none() && d.private.is_none());
    // The sender cannot answer their own request.
    assert!(matches!(
        accept(&pool, w.sender, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));
    counter(&pool, w.traveler, b, "14").await.unwrap();
    assert!(
        matches!(
            counter(&pool, w.traveler, b, "15").await.unwrap_err(),
            AppError::Conflict(_)
        ),
        "not their turn"
    );
    accept(&pool, w.sender, b).await.unwrap();
    accept(&pool, w.sender, b).await.unwrap(); // accepting twice is harmless
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.traveler, b)
        .await
        .unwrap();
    assert_eq!(d.summary.status, BookingStatus::Accepted);
    assert_eq!(d.summary.price.minor, 1400);
    assert!(d.contact.is_some() && d.private.is_some());
    let kinds: Vec<String> = d.events.iter().map(|e| e.what.clone()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(
        kinds[0].starts_with("requested")
            && kinds[1].starts_with("proposed a new price at 14.00 EUR")
            && kinds[2].starts_with("accepted")
    );
    assert_eq!(
        trips::detail(&pool, None, w.trip)
            .await
            .unwrap()
            .card
            .remaining,
        "8 kg"
    );
    assert_eq!(
        parcels::detail(&pool, None, false, w.parcel)
            .await
            .unwrap()
            .card
            .status,
        ParcelStatus::Booked
    );
    // Nothing more can happen to it here.
    for r in [
        negotiate::decline(&pool, w.traveler, b).await,
        counter(&pool, w.traveler, b, "20").await,
        negotiate::withdraw(&pool, w.sender, b).await,
    ] {
        assert!(matches!(r.unwrap_err(), AppError::Conflict(_)));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_refused_transition_says_why(pool: PgPool) {
    let w = world(&pool).await;
    let stranger = funded(&pool, "Eve").await;
    // Only the owner proposes; only verified members; only fitting pairs.
    assert_eq!(
        propose(&pool, stranger, Side::Sender, w.parcel, w.trip, "")
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        propose(&pool, w.sender, Side::Traveler, w.parcel, w.trip, "")
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    sqlx::query("UPDATE users SET email_verified_at = NULL WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await.unwrap_err(),
        AppError::Conflict(m) if m.contains("Confirm your email")
    ));
    sqlx::query("UPDATE users SET email_verified_at = now() WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        fields(
            &propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "-5")
                .await
                .unwrap_err()
        ),
        vec!["price".to_string()]
    );
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    assert!(matches!(
        propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await.unwrap_err(),
        AppError::Conflict(m) if m.contains("already an open request")
    ));
    // Strangers cannot see or touch it.
    for r in [
        accept(&pool, stranger, b).await,
        negotiate::decline(&pool, stranger, b).await,
        counter(&pool, stranger, b, "9").await,
        negotiate::withdraw(&pool, stranger, b).await,
    ] {
        assert!(matches!(r.unwrap_err(), AppError::NotFound(_)));
    }
    // The other side declines; the initiator withdraws; neither the other way round.
    assert!(matches!(
        negotiate::withdraw(&pool, w.traveler, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));
    assert!(matches!(
        negotiate::decline(&pool, w.sender, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));
    assert_eq!(
        fields(&counter(&pool, w.traveler, b, "10").await.unwrap_err()),
        vec!["price".to_string()],
        "countering with the same price"
    );
    // Three counters at most.
    counter(&pool, w.traveler, b, "11").await.unwrap();
    counter(&pool, w.sender, b, "10.50").await.unwrap();
    counter(&pool, w.traveler, b, "10.80").await.unwrap();
    let e = counter(&pool, w.sender, b, "10.60").await.unwrap_err();
    assert!(matches!(e, AppError::Conflict(m) if m.contains("accept or decline")));
    assert!(
        !view::detail(&pool, PUBLIC_URL, "UTC", w.sender, b)
            .await
            .unwrap()
            .can_counter
    );
    negotiate::decline(&pool, w.sender, b).await.unwrap();
    assert_eq!(booking_status(&pool, b).await, "declined");
    assert!(matches!(
        accept(&pool, w.traveler, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));

    // An offer from the traveler, withdrawn by them.
    let o = propose(&pool, w.traveler, Side::Traveler, w.parcel, w.trip, "")
        .await
        .unwrap();
    assert_eq!(
        view::detail(&pool, PUBLIC_URL, "UTC", w.traveler, o)
            .await
            .unwrap()
            .summary
            .price
            .minor,
        2500,
        "default: the reward"
    );
    negotiate::withdraw(&pool, w.traveler, o).await.unwrap();
    assert_eq!(booking_status(&pool, o).await, "withdrawn");

    // A parcel booked elsewhere closes its other requests.
    let trip2 = trips::create(&pool, w.traveler, &trip_form("CDG", "LHR", "5"))
        .await
        .unwrap();
    let r1 = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let r2 = propose(&pool, w.sender, Side::Sender, w.parcel, trip2, "")
        .await
        .unwrap();
    accept(&pool, w.traveler, r1).await.unwrap();
    assert_eq!(booking_status(&pool, r2).await, "closed");
    assert!(matches!(
        propose(&pool, w.sender, Side::Sender, w.parcel, trip2, "").await.unwrap_err(),
        AppError::Conflict(m) if m.contains("not open")
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn unanswered_requests_expire_through_the_job_queue(pool: PgPool) {
    let w = world(&pool).await;
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    // Nothing is due yet (once the alerts of the new listings have been looked at).
    while jobs::work_once(&pool, &worker::Jobs).await.unwrap() {}
    let due: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE done_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(due, 1, "the request's expiry, later");
    assert!(!jobs::work_once(&pool, &worker::Jobs).await.unwrap());
    // 48 hours pass.
    sqlx::query("UPDATE bookings SET expires_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET run_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        matches!(accept(&pool, w.traveler, b).await.unwrap_err(), AppError::Conflict(m) if m.contains("expired"))
    );
    assert!(jobs::work_once(&pool, &worker::Jobs).await.unwrap());
    assert_eq!(booking_status(&pool, b).await, "expired");
    assert!(
        !jobs::work_once(&pool, &worker::Jobs).await.unwrap(),
        "the job ran once"
    );
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.sender, b)
        .await
        .unwrap();
    assert!(d.events.last().unwrap().what.contains("expired"));

    // A trip that departs takes its pending requests with it (the sweep).
    let b2 = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    sqlx::query("UPDATE trips SET departs_at = now() - interval '1 hour', arrives_at = now() + interval '1 hour'")
        .execute(&pool)
        .await
        .unwrap();
    worker::schedule_sweep(&pool).await.unwrap();
    worker::schedule_sweep(&pool).await.unwrap();
    let sweeps: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'sweep'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sweeps, 1, "scheduled once a minute, whoever asks");
    while jobs::work_once(&pool, &worker::Jobs).await.unwrap() {}
    assert_eq!(booking_status(&pool, b2).await, "expired");
    let status: String = sqlx::query_scalar("SELECT status FROM trips WHERE id = $1")
        .bind(w.trip)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "expired", "departed with nothing booked");
}

/// Counts the jobs each worker handled, and fails the job whose payload asks for it.
struct Counting;

impl jobs::Handler for Counting {
    async fn run(&self, conn: &mut sqlx::PgConnection, job: &jobs::Job) -> Result<(), AppError> {
        sqlx::query("INSERT INTO job_runs (job) VALUES ($1)")
            .bind(job.id)
            .execute(&mut *conn)
            .await?;
        if job.payload.get("fail").is_some() {
            return Err(AppError::internal("asked to fail"));
        }
        Ok(())
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_workers_run_each_job_exactly_once(pool: PgPool) {
    sqlx::query("CREATE TABLE job_runs (job bigint NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    for i in 0..200 {
        let payload = if i == 7 {
            serde_json::json!({"fail": true})
        } else {
            serde_json::json!({})
        };
        sqlx::query("INSERT INTO jobs (kind, payload) VALUES ('test', $1)")
            .bind(payload)
            .execute(&pool)
            .await
            .unwrap();
    }
    let workers: Vec<_> = (0..6)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { while jobs::work_once(&pool, &Counting).await.unwrap() {} })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT job FROM job_runs GROUP BY job HAVING count(*) > 1) x",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(twice, 0);
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE done_at IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(done, 199);
    // The failed job's own writes were rolled back; it waits to be retried.
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM jobs WHERE done_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM job_runs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(runs, 199);
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_racing_acceptances_fill_five_kilos_exactly(pool: PgPool) {
    setup(&pool).await;
    let traveler = funded(&pool, "Tara").await;
    let trip = trips::create(&pool, traveler, &trip_form("CDG", "LHR", "5"))
        .await
        .unwrap();
    let mut requests = Vec::new();
    for i in 0..20 {
        let s = funded(&pool, &format!("Sender{i}")).await;
        let p = posted(
            &pool,
            s,
            &parcel_form("Paris, France", "London, United Kingdom", "1"),
        )
        .await;
        requests.push(propose(&pool, s, Side::Sender, p, trip, "").await.unwrap());
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|b| {
            let pool = pool.clone();
            tokio::spawn(async move { accept(&pool, traveler, b).await })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => accepted += 1,
            Err(AppError::Conflict(m)) => assert!(m.contains("enough room"), "{m}"),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(accepted, 5);
    let (remaining, booked): (i32, i64) = sqlx::query_as(
        "SELECT remaining_g, (SELECT count(*) FROM bookings WHERE trip_id = $1 AND status = 'accepted')
         FROM trips WHERE id = $1",
    )
    .bind(trip)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((remaining, booked), (0, 5));
}

// ---------- escrow through a booking ----------

#[sqlx::test(migrations = "../migrations")]
async fn requests_pay_into_escrow_and_get_it_back_when_they_end(pool: PgPool) {
    let w = money_world(&pool).await;
    // Not enough money: the error says how much is missing, and nothing is created.
    top_up(&pool, w.sender, "5").await;
    match propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await {
        Err(AppError::InsufficientFunds { short, .. }) => assert_eq!(short.minor, 600),
        other => panic!("expected insufficient funds, got {other:?}"),
    }
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM bookings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(none, 0);
    top_up(&pool, w.sender, "45").await;
    // A retried request with the same key pays once and returns the same booking.
    let k = key();
    let b = negotiate::propose(
        &pool,
        w.sender,
        &negotiate::Proposal {
            protect: true,
            key: k.clone(),
            ..proposal(&w)
        },
    )
    .await
    .unwrap();
    let again = negotiate::propose(
        &pool,
        w.sender,
        &negotiate::Proposal {
            protect: true,
            key: k.clone(),
            ..proposal(&w)
        },
    )
    .await
    .unwrap();
    assert_eq!(b, again);
    // 10.00 + fee 1.00 + protection 3% of 40 = 1.20.
    assert_eq!(held(&pool, b).await, 1220);
    assert_eq!(available(&pool, w.sender).await, 5000 - 1220);
    // The traveler counters higher; the sender accepts and pays the difference.
    counter(&pool, w.traveler, b, "20").await.unwrap();
    assert_eq!(held(&pool, b).await, 1220, "the sender has not agreed yet");
    negotiate::accept(&pool, PUBLIC_URL, w.sender, b, true)
        .await
        .unwrap();
    assert_eq!(held(&pool, b).await, 2000 + 200 + 120);
    assert_eq!(available(&pool, w.sender).await, 5000 - 2320);
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.sender, b)
        .await
        .unwrap();
    assert_eq!(d.money.total.minor, 2320);
    let traveler_view = statements::overview(&pool, w.traveler, "sandbox", "UTC")
        .await
        .unwrap();
    assert_eq!(
        traveler_view.balances[0].incoming.minor, 2000,
        "on its way to the traveler"
    );
    let sender_view = statements::overview(&pool, w.sender, "sandbox", "UTC")
        .await
        .unwrap();
    assert_eq!(sender_view.balances[0].in_escrow.minor, 2320);
    assert!(d.handoff.unwrap().pickup_code.is_some());
    // The traveler cancels before pickup: a full refund and a strike.
    end::cancel(&pool, w.traveler, b, "plans changed")
        .await
        .unwrap();
    assert_eq!(held(&pool, b).await, 0);
    assert_eq!(available(&pool, w.sender).await, 5000);
    let strikes: i32 = sqlx::query_scalar("SELECT reliability_strikes FROM users WHERE id = $1")
        .bind(w.traveler)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(strikes, 1);
    // Declined, withdrawn and expired requests come back at once.
    for end in ["decline", "withdraw", "expire"] {
        let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
            .await
            .unwrap();
        assert_eq!(available(&pool, w.sender).await, 5000 - 1100, "{end}");
        match end {
            "decline" => negotiate::decline(&pool, w.traveler, b).await.unwrap(),
            "withdraw" => negotiate::withdraw(&pool, w.sender, b).await.unwrap(),
            _ => {
                sqlx::query(
                    "UPDATE bookings SET expires_at = now() - interval '1 minute' WHERE id = $1",
                )
                .bind(b)
                .execute(&pool)
                .await
                .unwrap();
                // As the job queue runs it: inside a transaction.
                let mut tx = pool.begin().await.unwrap();
                assert!(negotiate::expire_if_due(&mut tx, b).await.unwrap());
                tx.commit().await.unwrap();
            }
        }
        assert_eq!(available(&pool, w.sender).await, 5000, "{end}");
    }
    // A traveler's offer costs the sender nothing until they accept it.
    let offer = propose(&pool, w.traveler, Side::Traveler, w.parcel, w.trip, "30")
        .await
        .unwrap();
    assert_eq!(held(&pool, offer).await, 0);
    counter(&pool, w.sender, offer, "15").await.unwrap();
    assert_eq!(
        held(&pool, offer).await,
        1650,
        "the sender pays with their counter"
    );
    accept(&pool, w.traveler, offer).await.unwrap();
    assert_eq!(held(&pool, offer).await, 1650);
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn sender_cancellation_keeps_the_fee_only_within_24_hours(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    end::cancel(&pool, w.sender, b, "").await.unwrap();
    assert_eq!(available(&pool, w.sender).await, 10000, "full refund");
    end::cancel(&pool, w.sender, b, "").await.unwrap(); // twice is harmless
    let trip: i32 = sqlx::query_scalar("SELECT remaining_g FROM trips WHERE id = $1")
        .bind(w.trip)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(trip, 20_000, "the weight went back to the trip");

    let b = accepted(&pool, &w).await;
    sqlx::query("UPDATE trips SET departs_at = now() + interval '12 hours', arrives_at = now() + interval '15 hours' WHERE id = $1")
        .bind(w.trip)
        .execute(&pool)
        .await
        .unwrap();
    end::cancel(&pool, w.sender, b, "").await.unwrap();
    assert_eq!(
        available(&pool, w.sender).await,
        10000 - 100,
        "the fee is kept"
    );
    assert_eq!(system(&pool, Acct::Fees).await, 100);

    // Refused at pickup: full refund, no strike.
    sqlx::query("UPDATE trips SET departs_at = now() + interval '5 days', arrives_at = now() + interval '5 days 3 hours' WHERE id = $1")
        .bind(w.trip)
        .execute(&pool)
        .await
        .unwrap();
    let b = accepted(&pool, &w).await;
    assert!(matches!(
        end::refuse(&pool, w.traveler, b, " ").await,
        Err(AppError::Validation { .. })
    ));
    assert!(matches!(
        end::refuse(&pool, w.sender, b, "no").await,
        Err(AppError::Forbidden)
    ));
    end::refuse(&pool, w.traveler, b, "It smells of petrol")
        .await
        .unwrap();
    assert_eq!(available(&pool, w.sender).await, 10000 - 100);
    assert_eq!(booking_status(&pool, b).await, "cancelled");
    // After pickup nobody cancels.
    let b = accepted(&pool, &w).await;
    let c = code(&pool, b, "pickup").await;
    handoff::pick_up(&pool, w.traveler, b, &c, inspected())
        .await
        .unwrap();
    for who in [w.sender, w.traveler] {
        match end::cancel(&pool, who, b, "").await {
            Err(AppError::Conflict(m)) => assert!(m.contains("dispute"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    assert_ledger_ok(&pool).await;
}

// ---------- handoff ----------

#[sqlx::test(migrations = "../migrations")]
async fn codes_lock_after_three_wrong_tries_and_completion_pays_once(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    let stranger = user(&pool, "eve").await;
    let pickup = code(&pool, b, "pickup").await;
    let delivery = code(&pool, b, "delivery").await;
    assert_eq!(pickup.len(), 6);
    assert!(matches!(
        handoff::pick_up(&pool, stranger, b, &pickup, inspected()).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        handoff::pick_up(&pool, w.sender, b, &pickup, inspected()).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        handoff::pick_up(
            &pool,
            w.traveler,
            b,
            &pickup,
            handoff::Inspection::default()
        )
        .await,
        Err(AppError::Validation { .. })
    ));
    let wrong = |c: &str| format!("{:06}", (c.parse::<u32>().unwrap() + 1) % 1_000_000);
    // Two wrong codes, then the right one: fine.
    for _ in 0..2 {
        let e = handoff::pick_up(&pool, w.traveler, b, &wrong(&pickup), inspected())
            .await
            .unwrap_err();
        assert!(e.field("code").is_some(), "{e:?}");
    }
    handoff::pick_up(&pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap();
    assert_eq!(booking_status(&pool, b).await, "picked_up");
    assert!(matches!(
        end::confirm(&pool, w.sender, b).await,
        Err(AppError::Conflict(_))
    ));
    // Three wrong delivery codes lock entry, even for the right code.
    for i in 0..3 {
        let e = handoff::deliver(&pool, w.traveler, b, &wrong(&delivery), None)
            .await
            .unwrap_err();
        if i == 2 {
            assert!(matches!(e, AppError::TooManyRequests(_)), "{e:?}");
        }
    }
    assert!(matches!(
        handoff::deliver(&pool, w.traveler, b, &delivery, None).await,
        Err(AppError::TooManyRequests(_))
    ));
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.traveler, b)
        .await
        .unwrap();
    assert!(d.handoff.unwrap().locked.is_some());
    // 15 minutes later.
    sqlx::query(
        "UPDATE handoff_codes SET locked_until = now() - interval '1 second' WHERE booking_id = $1",
    )
    .bind(b)
    .execute(&pool)
    .await
    .unwrap();
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    assert_eq!(booking_status(&pool, b).await, "delivered");
    // The sender's confirmation and the 72-hour job race: the traveler is paid once.
    let traveler_before = available(&pool, w.traveler).await;
    let (a, c) = tokio::join!(end::confirm(&pool, w.sender, b), async {
        let mut tx = pool.begin().await.unwrap();
        let r = end::complete_if_due(&mut tx, b).await;
        tx.commit().await.unwrap();
        r
    });
    a.unwrap();
    c.unwrap();
    end::confirm(&pool, w.sender, b).await.unwrap();
    assert_eq!(booking_status(&pool, b).await, "completed");
    assert_eq!(available(&pool, w.traveler).await, traveler_before + 1000);
    assert_eq!(system(&pool, Acct::Fees).await, 100);
    assert_eq!(held(&pool, b).await, 0);
    // Tracking shows the journey and nothing private.
    let no: String = sqlx::query_scalar("SELECT tracking_no FROM bookings WHERE id = $1")
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    let t = view::tracking(&pool, &no.to_lowercase(), "UTC")
        .await
        .unwrap();
    assert_eq!(t.status, BookingStatus::Completed);
    assert_eq!(t.events.len(), 4);
    let shown = format!("{t:?}");
    assert!(!shown.contains("Baker") && !shown.contains("tara") && !shown.contains("sam"));
    assert!(matches!(
        view::tracking(&pool, "CR-NOPE", "UTC").await,
        Err(AppError::NotFound(_))
    ));
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_delivered_booking_completes_by_itself_through_the_queue(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    let pickup = code(&pool, b, "pickup").await;
    handoff::pick_up(&pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap();
    let delivery = code(&pool, b, "delivery").await;
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    let due: OffsetDateTime =
        sqlx::query_scalar("SELECT run_at FROM jobs WHERE kind = 'booking.complete'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(due > OffsetDateTime::now_utc() + Duration::hours(71));
    sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'booking.complete'")
        .execute(&pool)
        .await
        .unwrap();
    while jobs::work_once(&pool, &worker::Jobs).await.unwrap() {}
    assert_eq!(booking_status(&pool, b).await, "completed");
    assert_eq!(available(&pool, w.traveler).await, 1000);
    assert_ledger_ok(&pool).await;
}
