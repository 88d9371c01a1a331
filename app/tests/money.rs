//! Money against a real PostgreSQL (a fresh database per test): the ledger's database rules,
//! top-ups and retries, escrow through the booking's life, handoff codes, completion races,
//! cancellation rules, withdrawals and ID verification, Stripe events, a model-based property
//! test and a many-client concurrency test.

use app::error::AppError;
use app::market::{BookingStatus, Currency, ParcelForm, Side, TripForm};
use app::server::market::{bookings, handoff, jobs, parcels, places, trips};
use app::server::money::ledger::{self, Acct, Posting, TxKind};
use app::server::money::{escrow, stripe, verification, wallet};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const EUR: Currency = Currency::Eur;

async fn user(pool: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, email_verified_at)
         VALUES ($1, $2, 'x', now()) RETURNING id",
    )
    .bind(format!("{name}-{}@example.com", Uuid::new_v4()))
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn card(amount: &str, number: &str) -> wallet::CardForm {
    wallet::CardForm {
        amount: amount.into(),
        currency: "EUR".into(),
        number: number.into(),
        expiry: "12/40".into(),
        cvc: "123".into(),
    }
}

async fn top_up(pool: &PgPool, user: Uuid, amount: &str) -> wallet::TopUp {
    wallet::top_up_sandbox(pool, user, &card(amount, wallet::CARD_OK), &key())
        .await
        .unwrap()
}

fn key() -> String {
    Uuid::new_v4().to_string()
}

async fn available(pool: &PgPool, user: Uuid) -> i64 {
    ledger::balance(&mut pool.acquire().await.unwrap(), Acct::User(user), EUR)
        .await
        .unwrap()
}

async fn system(pool: &PgPool, a: Acct) -> i64 {
    ledger::balance(&mut pool.acquire().await.unwrap(), a, EUR)
        .await
        .unwrap()
}

async fn held(pool: &PgPool, booking: Uuid) -> i64 {
    escrow::held(&mut pool.acquire().await.unwrap(), booking, EUR)
        .await
        .unwrap()
}

async fn assert_ledger_ok(pool: &PgPool) {
    for f in ledger::check(pool).await.unwrap() {
        assert!(f.ok, "{}: {}", f.check, f.detail);
    }
}

fn at(days: i64, hour: u8) -> String {
    let t = OffsetDateTime::now_utc() + Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T{hour:02}:00",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

/// A traveler's Paris → London trip (5 EUR/kg) and a sender's 2 kg parcel declared at 40 EUR.
struct World {
    traveler: Uuid,
    sender: Uuid,
    trip: Uuid,
    parcel: Uuid,
}

async fn world(pool: &PgPool) -> World {
    places::seed(pool).await.unwrap();
    let traveler = user(pool, "tara").await;
    let sender = user(pool, "sam").await;
    world_for(pool, traveler, sender).await
}

async fn world_for(pool: &PgPool, traveler: Uuid, sender: Uuid) -> World {
    let trip = trips::create(
        pool,
        traveler,
        &TripForm {
            origin: "CDG".into(),
            destination: "London, United Kingdom".into(),
            departs_at: at(5, 9),
            arrives_at: at(5, 12),
            mode: "plane".into(),
            capacity_kg: "20".into(),
            price_per_kg: "5".into(),
            currency: "EUR".into(),
            categories: vec!["books".into()],
            ..TripForm::default()
        },
    )
    .await
    .unwrap();
    let d = |days| (OffsetDateTime::now_utc().date() + Duration::days(days)).to_string();
    let parcel = parcels::create(
        pool,
        sender,
        &ParcelForm {
            title: "Two novels".into(),
            description: "Paperbacks.".into(),
            category: "books".into(),
            weight_kg: "2".into(),
            length_cm: "30".into(),
            width_cm: "20".into(),
            height_cm: "5".into(),
            declared_value: "40".into(),
            currency: "EUR".into(),
            pickup_place: "Paris, France".into(),
            pickup_address: "1 Rue de Rivoli".into(),
            delivery_place: "LHR".into(),
            delivery_address: "221B Baker Street".into(),
            ready_from: d(1),
            deliver_by: d(20),
            reward: "25".into(),
            recipient: "me".into(),
            ..ParcelForm::default()
        },
        true,
    )
    .await
    .unwrap();
    World {
        traveler,
        sender,
        trip,
        parcel,
    }
}

async fn code(pool: &PgPool, booking: Uuid, kind: &str) -> String {
    sqlx::query_scalar("SELECT code FROM handoff_codes WHERE booking_id = $1 AND kind = $2")
        .bind(booking)
        .bind(kind)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn inspected() -> handoff::Inspection {
    handoff::Inspection {
        contents_match: true,
        nothing_prohibited: true,
        electronics_power_on: false,
    }
}

async fn status(pool: &PgPool, booking: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM bookings WHERE id = $1")
        .bind(booking)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Sender requests at the default price (2 kg × 5 = 10.00; fee 1.00); the traveler accepts.
async fn accepted(pool: &PgPool, w: &World) -> Uuid {
    let b = bookings::propose(pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    bookings::accept(pool, w.traveler, b).await.unwrap();
    b
}

// ---------- the database's own rules ----------

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_broken_ledger_rows(pool: PgPool) {
    let w = world(&pool).await;
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
    bookings::cancel(&pool, w.traveler, b, "sick")
        .await
        .unwrap();
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

// ---------- top-ups ----------

#[sqlx::test(migrations = "../migrations")]
async fn sandbox_cards_top_up_once_per_key(pool: PgPool) {
    let u = user(&pool, "ulla").await;
    let k = key();
    let first = wallet::top_up_sandbox(&pool, u, &card("25.50", wallet::CARD_OK), &k)
        .await
        .unwrap();
    assert!(first.succeeded);
    let again = wallet::top_up_sandbox(&pool, u, &card("25.50", wallet::CARD_OK), &k)
        .await
        .unwrap();
    assert_eq!(first, again, "a retry returns the first answer");
    assert_eq!(available(&pool, u).await, 2550);
    assert_eq!(system(&pool, Acct::Provider).await, -2550);

    let declined = wallet::top_up_sandbox(&pool, u, &card("10", wallet::CARD_DECLINED), &key())
        .await
        .unwrap();
    assert!(!declined.succeeded && declined.message.contains("declined"));
    assert_eq!(available(&pool, u).await, 2550, "nothing taken");

    let bad = wallet::top_up_sandbox(
        &pool,
        u,
        &wallet::CardForm {
            amount: "0.5".into(),
            expiry: "01/20".into(),
            number: "1234".into(),
            ..card("", "")
        },
        &key(),
    )
    .await
    .unwrap_err();
    for f in ["amount", "number", "expiry"] {
        assert!(bad.field(f).is_some(), "{f}: {bad:?}");
    }
    assert!(matches!(
        wallet::top_up_sandbox(&pool, u, &card("5", wallet::CARD_OK), "x").await,
        Err(AppError::BadRequest(_))
    ));
    let h = wallet::history(&pool, u, 1).await.unwrap();
    assert_eq!(h.items.len(), 1);
    let receipt = h.items[0].receipt.clone().unwrap();
    let pid: Uuid = receipt.rsplit('/').next().unwrap().parse().unwrap();
    let r = wallet::receipt(&pool, u, false, "payment", pid)
        .await
        .unwrap();
    assert_eq!(r.amount.minor, 2550);
    assert_eq!(r.method, "Card ending 4242");
    let stranger = user(&pool, "eve").await;
    assert!(matches!(
        wallet::receipt(&pool, stranger, false, "payment", pid).await,
        Err(AppError::NotFound(_))
    ));
    assert_ledger_ok(&pool).await;
}

// ---------- escrow through a booking ----------

#[sqlx::test(migrations = "../migrations")]
async fn requests_pay_into_escrow_and_get_it_back_when_they_end(pool: PgPool) {
    let w = world(&pool).await;
    // Not enough money: the error says how much is missing, and nothing is created.
    top_up(&pool, w.sender, "5").await;
    match bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await {
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
    let b = bookings::propose_paid(
        &pool,
        w.sender,
        Side::Sender,
        w.parcel,
        w.trip,
        "",
        true,
        &k,
    )
    .await
    .unwrap();
    let again = bookings::propose_paid(
        &pool,
        w.sender,
        Side::Sender,
        w.parcel,
        w.trip,
        "",
        true,
        &k,
    )
    .await
    .unwrap();
    assert_eq!(b, again);
    // 10.00 + fee 1.00 + protection 3% of 40 = 1.20.
    assert_eq!(held(&pool, b).await, 1220);
    assert_eq!(available(&pool, w.sender).await, 5000 - 1220);
    // The traveler counters higher; the sender accepts and pays the difference.
    bookings::counter(&pool, w.traveler, b, "20").await.unwrap();
    assert_eq!(held(&pool, b).await, 1220, "the sender has not agreed yet");
    bookings::accept_with(&pool, w.sender, b, true)
        .await
        .unwrap();
    assert_eq!(held(&pool, b).await, 2000 + 200 + 120);
    assert_eq!(available(&pool, w.sender).await, 5000 - 2320);
    let d = bookings::detail(&pool, w.sender, b).await.unwrap();
    assert_eq!(d.money.total.minor, 2320);
    let traveler_view = wallet::overview(&pool, w.traveler, false).await.unwrap();
    assert_eq!(
        traveler_view.balances[0].incoming.minor, 2000,
        "on its way to the traveler"
    );
    let sender_view = wallet::overview(&pool, w.sender, false).await.unwrap();
    assert_eq!(sender_view.balances[0].in_escrow.minor, 2320);
    assert!(d.handoff.unwrap().pickup_code.is_some());
    // The traveler cancels before pickup: a full refund and a strike.
    bookings::cancel(&pool, w.traveler, b, "plans changed")
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
        let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
            .await
            .unwrap();
        assert_eq!(available(&pool, w.sender).await, 5000 - 1100, "{end}");
        match end {
            "decline" => bookings::decline(&pool, w.traveler, b).await.unwrap(),
            "withdraw" => bookings::withdraw(&pool, w.sender, b).await.unwrap(),
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
                assert!(bookings::expire_if_due(&mut tx, b).await.unwrap());
                tx.commit().await.unwrap();
            }
        }
        assert_eq!(available(&pool, w.sender).await, 5000, "{end}");
    }
    // A traveler's offer costs the sender nothing until they accept it.
    let offer = bookings::propose(&pool, w.traveler, Side::Traveler, w.parcel, w.trip, "30")
        .await
        .unwrap();
    assert_eq!(held(&pool, offer).await, 0);
    bookings::counter(&pool, w.sender, offer, "15")
        .await
        .unwrap();
    assert_eq!(
        held(&pool, offer).await,
        1650,
        "the sender pays with their counter"
    );
    bookings::accept(&pool, w.traveler, offer).await.unwrap();
    assert_eq!(held(&pool, offer).await, 1650);
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn sender_cancellation_keeps_the_fee_only_within_24_hours(pool: PgPool) {
    let w = world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    bookings::cancel(&pool, w.sender, b, "").await.unwrap();
    assert_eq!(available(&pool, w.sender).await, 10000, "full refund");
    bookings::cancel(&pool, w.sender, b, "").await.unwrap(); // twice is harmless
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
    bookings::cancel(&pool, w.sender, b, "").await.unwrap();
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
        bookings::refuse(&pool, w.traveler, b, " ").await,
        Err(AppError::Validation { .. })
    ));
    assert!(matches!(
        bookings::refuse(&pool, w.sender, b, "no").await,
        Err(AppError::Forbidden)
    ));
    bookings::refuse(&pool, w.traveler, b, "It smells of petrol")
        .await
        .unwrap();
    assert_eq!(available(&pool, w.sender).await, 10000 - 100);
    assert_eq!(status(&pool, b).await, "cancelled");
    // After pickup nobody cancels.
    let b = accepted(&pool, &w).await;
    let c = code(&pool, b, "pickup").await;
    handoff::pick_up(&pool, w.traveler, b, &c, inspected())
        .await
        .unwrap();
    for who in [w.sender, w.traveler] {
        match bookings::cancel(&pool, who, b, "").await {
            Err(AppError::Conflict(m)) => assert!(m.contains("dispute"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    assert_ledger_ok(&pool).await;
}

// ---------- handoff ----------

#[sqlx::test(migrations = "../migrations")]
async fn codes_lock_after_three_wrong_tries_and_completion_pays_once(pool: PgPool) {
    let w = world(&pool).await;
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
    assert_eq!(status(&pool, b).await, "picked_up");
    assert!(matches!(
        handoff::confirm(&pool, w.sender, b).await,
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
    let d = bookings::detail(&pool, w.traveler, b).await.unwrap();
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
    assert_eq!(status(&pool, b).await, "delivered");
    // The sender's confirmation and the 72-hour job race: the traveler is paid once.
    let traveler_before = available(&pool, w.traveler).await;
    let (a, c) = tokio::join!(handoff::confirm(&pool, w.sender, b), async {
        let mut tx = pool.begin().await.unwrap();
        let r = handoff::complete_if_due(&mut tx, b).await;
        tx.commit().await.unwrap();
        r
    });
    a.unwrap();
    c.unwrap();
    handoff::confirm(&pool, w.sender, b).await.unwrap();
    assert_eq!(status(&pool, b).await, "completed");
    assert_eq!(available(&pool, w.traveler).await, traveler_before + 1000);
    assert_eq!(system(&pool, Acct::Fees).await, 100);
    assert_eq!(held(&pool, b).await, 0);
    // Tracking shows the journey and nothing private.
    let no: String = sqlx::query_scalar("SELECT tracking_no FROM bookings WHERE id = $1")
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    let t = handoff::tracking(&pool, &no.to_lowercase()).await.unwrap();
    assert_eq!(t.status, BookingStatus::Completed);
    assert_eq!(t.events.len(), 4);
    let shown = format!("{t:?}");
    assert!(!shown.contains("Baker") && !shown.contains("tara") && !shown.contains("sam"));
    assert!(matches!(
        handoff::tracking(&pool, "CR-NOPE").await,
        Err(AppError::NotFound(_))
    ));
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_delivered_booking_completes_by_itself_through_the_queue(pool: PgPool) {
    let w = world(&pool).await;
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
    while jobs::work_once(&pool, &jobs::Jobs).await.unwrap() {}
    assert_eq!(status(&pool, b).await, "completed");
    assert_eq!(available(&pool, w.traveler).await, 1000);
    assert_ledger_ok(&pool).await;
}

// ---------- withdrawals and ID verification ----------

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 80, 20]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[sqlx::test(migrations = "../migrations")]
async fn withdrawals_need_an_id_and_go_through_the_payouts_queue(pool: PgPool) {
    let u = user(&pool, "wanda").await;
    let admin = user(&pool, "admin").await;
    top_up(&pool, u, "100").await;
    let iban = "DE89 3704 0044 0532 0130 00";
    match wallet::request_withdrawal(&pool, u, "20", "EUR", "iban", iban, &key()).await {
        Err(AppError::Conflict(m)) => assert!(m.contains("Verify"), "{m}"),
        other => panic!("{other:?}"),
    }
    let dir = tempdir();
    assert!(verification::submit(&pool, &dir, u, Some(png()), None)
        .await
        .is_err());
    assert!(
        verification::submit(&pool, &dir, u, Some(png()), Some(b"not an image".to_vec()))
            .await
            .is_err()
    );
    verification::submit(&pool, &dir, u, Some(png()), Some(png()))
        .await
        .unwrap();
    assert!(matches!(
        verification::submit(&pool, &dir, u, Some(png()), Some(png())).await,
        Err(AppError::Conflict(_))
    ));
    let queue = verification::queue(&pool).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert!(verification::file(&dir, queue[0].id, "id")
        .unwrap()
        .exists());
    assert!(verification::file(&dir, queue[0].id, "../x").is_none());
    assert!(verification::decide(&pool, admin, queue[0].id, false, "")
        .await
        .is_err());
    verification::decide(&pool, admin, queue[0].id, true, "")
        .await
        .unwrap();

    let e = wallet::request_withdrawal(&pool, u, "9.99", "EUR", "iban", iban, &key())
        .await
        .unwrap_err();
    assert!(e.field("amount").is_some());
    let e = wallet::request_withdrawal(&pool, u, "20", "EUR", "iban", "DE00 1234", &key())
        .await
        .unwrap_err();
    assert!(e.field("destination").is_some());
    let e = wallet::request_withdrawal(&pool, u, "500", "EUR", "iban", iban, &key())
        .await
        .unwrap_err();
    assert!(e.field("amount").unwrap().contains("available"), "{e:?}");
    let k = key();
    let paid = wallet::request_withdrawal(&pool, u, "30", "EUR", "iban", iban, &k)
        .await
        .unwrap();
    assert_eq!(
        wallet::request_withdrawal(&pool, u, "30", "EUR", "iban", iban, &k)
            .await
            .unwrap(),
        paid,
        "a retry is the same withdrawal"
    );
    let returned =
        wallet::request_withdrawal(&pool, u, "20", "EUR", "mobile", "+254712345678", &key())
            .await
            .unwrap();
    assert_eq!(available(&pool, u).await, 5000);
    assert_eq!(system(&pool, Acct::PayoutsPending).await, 5000);
    assert_eq!(wallet::payouts_queue(&pool).await.unwrap().len(), 2);
    wallet::decide_withdrawal(&pool, admin, paid, true, "")
        .await
        .unwrap();
    assert!(wallet::decide_withdrawal(&pool, admin, paid, false, "x")
        .await
        .is_err());
    assert!(wallet::decide_withdrawal(&pool, admin, returned, false, "")
        .await
        .is_err());
    wallet::decide_withdrawal(&pool, admin, returned, false, "Number not registered")
        .await
        .unwrap();
    assert_eq!(available(&pool, u).await, 7000);
    assert_eq!(system(&pool, Acct::Payouts).await, 3000);
    assert_eq!(system(&pool, Acct::PayoutsPending).await, 0);
    let r = wallet::receipt(&pool, u, false, "payout", paid)
        .await
        .unwrap();
    assert_eq!(r.status, "paid");
    assert!(r.method.starts_with("Bank account DE89") && !r.method.contains("0532"));
    let view = wallet::overview(&pool, u, false).await.unwrap();
    assert_eq!(view.balances[0].available.minor, 7000);
    // The history links each withdrawal line to its payout receipt.
    let h = wallet::history(&pool, u, 1).await.unwrap();
    let receipts: Vec<String> = h.items.iter().filter_map(|i| i.receipt.clone()).collect();
    assert!(
        receipts.contains(&format!("/wallet/receipts/payout/{paid}")),
        "{receipts:?}"
    );
    assert!(receipts.contains(&format!("/wallet/receipts/payout/{returned}")));
    assert_ledger_ok(&pool).await;
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("carry-money-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[sqlx::test(migrations = "../migrations")]
async fn valuable_parcels_need_verified_people(pool: PgPool) {
    let w = world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    sqlx::query("UPDATE parcels SET declared_value_minor = 30000 WHERE id = $1")
        .bind(w.parcel)
        .execute(&pool)
        .await
        .unwrap();
    match bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await {
        Err(AppError::Conflict(m)) => assert!(m.contains("traveler"), "{m}"),
        other => panic!("{other:?}"),
    }
    sqlx::query("UPDATE users SET id_verified_at = now() WHERE id = $1")
        .bind(w.traveler)
        .execute(&pool)
        .await
        .unwrap();
    bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
}

// ---------- Stripe ----------

#[sqlx::test(migrations = "../migrations")]
async fn stripe_events_credit_a_payment_once(pool: PgPool) {
    let u = user(&pool, "stella").await;
    let payment = wallet::start_stripe_payment(&pool, u, app::market::Money::new(4200, EUR))
        .await
        .unwrap();
    let event = |id: &str, kind: &str, amount: i64| {
        serde_json::json!({
            "id": id, "type": kind,
            "data": { "object": {
                "id": "cs_test_1", "payment_status": "paid", "amount_total": amount,
                "currency": "eur", "metadata": { "payment_id": payment.to_string() }
            }}
        })
        .to_string()
    };
    let unknown = event("evt_0", "customer.created", 4200);
    assert_eq!(
        stripe::handle_event(&pool, unknown.as_bytes())
            .await
            .unwrap(),
        stripe::Outcome::Ignored
    );
    // Charged a different amount than asked: refused, nothing credited.
    assert!(stripe::handle_event(
        &pool,
        event("evt_bad", "checkout.session.completed", 1).as_bytes()
    )
    .await
    .is_err());
    let ok = event("evt_1", "checkout.session.completed", 4200);
    assert_eq!(
        stripe::handle_event(&pool, ok.as_bytes()).await.unwrap(),
        stripe::Outcome::Credited
    );
    assert_eq!(
        stripe::handle_event(&pool, ok.as_bytes()).await.unwrap(),
        stripe::Outcome::Ignored,
        "a replayed delivery"
    );
    let other_event = event("evt_2", "checkout.session.completed", 4200);
    assert_eq!(
        stripe::handle_event(&pool, other_event.as_bytes())
            .await
            .unwrap(),
        stripe::Outcome::Ignored,
        "the payment is credited once even under another event id"
    );
    assert_eq!(available(&pool, u).await, 4200);
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
    settled: std::collections::HashSet<Uuid>,
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
    users: Vec<Uuid>,
    /// (booking, sender, traveler)
    bookings: Vec<(Uuid, Uuid, Uuid)>,
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
        let b: Uuid = sqlx::query_scalar(
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
            let r = wallet::top_up_sandbox(pool, u, &card(&amount, wallet::CARD_OK), key).await;
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
            wallet::request_withdrawal(pool, u, &amount, "EUR", "mobile", "+254712345678", key)
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
            places::seed(&pool).await.unwrap();
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
    places::seed(&pool).await.unwrap();
    let f = std::sync::Arc::new(fixture(&pool).await);
    // More bookings to settle: 4 from the fixture, plus 12 more.
    let mut all = f.bookings.clone();
    for _ in 0..3 {
        all.extend(fixture(&pool).await.bookings);
    }
    let users: Vec<Uuid> = all
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
                    let k = format!("c{client}-{}", Uuid::new_v4());
                    keys.push(k.clone());
                    k
                };
                let u = users[rng.gen_range(0..users.len())];
                let (b, s, t) = all[rng.gen_range(0..all.len())];
                match rng.gen_range(0..4) {
                    0 => {
                        let amount = rng.gen_range(1..50);
                        let r = wallet::top_up_sandbox(&pool, u, &card(&amount.to_string(), wallet::CARD_OK), &k).await;
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
    let w = world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    assert_eq!(available(&pool, w.sender).await, 10000 - 1100);
    // Not yet due: the sweep leaves it alone.
    let mut tx = pool.begin().await.unwrap();
    jobs::sweep(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(status(&pool, b).await, "accepted");
    // The trip left more than 24 hours ago and nobody entered the pickup code.
    sqlx::query("UPDATE handoff_codes SET valid_until = now() - interval '1 minute' WHERE booking_id = $1 AND kind = 'pickup'")
        .bind(b)
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    jobs::sweep(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(status(&pool, b).await, "cancelled");
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
