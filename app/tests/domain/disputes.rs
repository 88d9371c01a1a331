//! Disputes: when they can be opened and by whom, the completion hold, the answer window, each
//! resolution's ledger effect with the invariant check after it, and money moving once.

use super::support::*;
use app::error::AppError;
use app::server::bookings::{end, handoff};
use app::server::disputes::{self, Decision};
use app::server::money::ledger::Acct;
use app::types::{BookingId, DisputeOutcome, DisputeReason, Side};
use sqlx::PgPool;
use uuid::Uuid;

async fn picked_up(pool: &PgPool, protect: bool) -> (World, BookingId) {
    let w = money_world(pool).await;
    top_up(pool, w.sender, "100").await;
    let b = if protect {
        let p = app::server::bookings::negotiate::Proposal {
            protect: true,
            ..proposal(&w)
        };
        app::server::bookings::negotiate::propose(pool, w.sender, &p)
            .await
            .unwrap()
    } else {
        propose(pool, w.sender, Side::Sender, w.parcel, w.trip, "")
            .await
            .unwrap()
    };
    accept(pool, w.traveler, b).await.unwrap();
    let pickup = code(pool, b, "pickup").await;
    handoff::pick_up(pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap();
    (w, b)
}

async fn delivered(pool: &PgPool, protect: bool) -> (World, BookingId) {
    let (w, b) = picked_up(pool, protect).await;
    let delivery = code(pool, b, "delivery").await;
    handoff::deliver(pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    (w, b)
}

/// A delivered booking with a dispute the traveler has answered.
async fn answered(pool: &PgPool, protect: bool) -> (World, BookingId, Uuid) {
    let (w, b) = delivered(pool, protect).await;
    let d = disputes::open(
        pool,
        w.sender,
        b,
        DisputeReason::Damaged,
        "The box was crushed.",
    )
    .await
    .unwrap();
    disputes::post(
        pool,
        w.traveler,
        false,
        d,
        "It was fine when I left it.",
        None,
    )
    .await
    .unwrap();
    (w, b, d)
}

fn decision(outcome: DisputeOutcome, percent: &str, payout: &str) -> Decision {
    Decision {
        outcome,
        sender_percent: percent.into(),
        payout: payout.into(),
        note: String::new(),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_sender_opens_a_dispute_and_only_when_it_is_due(pool: PgPool) {
    let (w, b) = picked_up(&pool, false).await;
    let e = disputes::open(
        &pool,
        w.sender,
        b,
        DisputeReason::NotDelivered,
        "Where is it?",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("still not delivered by"), "{e}");
    let delivery = code(&pool, b, "delivery").await;
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    assert!(matches!(
        disputes::open(&pool, w.traveler, b, DisputeReason::Other, "x").await,
        Err(AppError::NotFound(_))
    ));
    assert!(!fields(
        &disputes::open(&pool, w.sender, b, DisputeReason::Damaged, "  ")
            .await
            .unwrap_err()
    )
    .is_empty());
    let d = disputes::open(&pool, w.sender, b, DisputeReason::Damaged, "Crushed.")
        .await
        .unwrap();
    assert!(matches!(
        disputes::open(&pool, w.sender, b, DisputeReason::Damaged, "Again").await,
        Err(AppError::Conflict(_))
    ));
    // A stranger sees nothing of it.
    let eve = user(&pool, "Eve").await;
    assert!(matches!(
        disputes::view(&pool, eve, false, d, "UTC").await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        disputes::post(&pool, eve, false, d, "hello", None).await,
        Err(AppError::NotFound(_))
    ));

    // It holds completion: not by the sender, not by the job, not revived by the sweep.
    assert!(matches!(
        end::confirm(&pool, w.sender, b).await,
        Err(AppError::Conflict(_))
    ));
    let mut conn = pool.acquire().await.unwrap();
    assert!(!end::complete_if_due(&mut conn, b).await.unwrap());
    sqlx::query("UPDATE bookings SET delivered_at = now() - interval '10 days' WHERE id = $1")
        .bind(b)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM jobs")
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(end::reschedule_completions(&mut conn, 72).await.unwrap(), 0);
    drop(conn);
    assert_eq!(booking_status(&pool, b).await, "delivered");
    assert_eq!(held(&pool, b).await, 1100);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_parcel_undelivered_three_days_after_its_deadline_can_be_disputed(pool: PgPool) {
    let (w, b) = picked_up(&pool, false).await;
    sqlx::query(
        "UPDATE parcels SET ready_from = current_date - 10, deliver_by = current_date - 4
         WHERE id = $1",
    )
    .bind(w.parcel)
    .execute(&pool)
    .await
    .unwrap();
    disputes::open(
        &pool,
        w.sender,
        b,
        DisputeReason::NotDelivered,
        "Never arrived.",
    )
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_admin_waits_for_the_answer_or_the_window(pool: PgPool) {
    let (w, b) = delivered(&pool, false).await;
    let admin = user(&pool, "Ada").await;
    let d = disputes::open(&pool, w.sender, b, DisputeReason::WrongItem, "Not mine.")
        .await
        .unwrap();
    let refund = decision(DisputeOutcome::Refund, "", "");
    let e = disputes::resolve(&pool, admin, d, &refund)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("to answer"), "{e}");
    sqlx::query("UPDATE disputes SET respond_by = now() - interval '1 minute' WHERE id = $1")
        .bind(d)
        .execute(&pool)
        .await
        .unwrap();
    disputes::resolve(&pool, admin, d, &refund).await.unwrap();
    assert_eq!(available(&pool, w.sender).await, 10_000, "all of it back");
    assert_eq!(held(&pool, b).await, 0);
    assert_eq!(booking_status(&pool, b).await, "resolved");
    assert_ledger_ok(&pool).await;
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'dispute.resolve'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_release_pays_the_traveler_and_a_second_decision_moves_nothing(pool: PgPool) {
    let (w, b, d) = answered(&pool, false).await;
    let admin = user(&pool, "Ada").await;
    let fees = system(&pool, Acct::Fees).await;
    disputes::resolve(&pool, admin, d, &decision(DisputeOutcome::Release, "", ""))
        .await
        .unwrap();
    assert_eq!(available(&pool, w.traveler).await, 1000);
    assert_eq!(system(&pool, Acct::Fees).await, fees + 100);
    assert_eq!(held(&pool, b).await, 0);
    assert!(matches!(
        disputes::resolve(&pool, admin, d, &decision(DisputeOutcome::Refund, "", "")).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(available(&pool, w.traveler).await, 1000);
    assert_eq!(available(&pool, w.sender).await, 10_000 - 1100);
    assert_ledger_ok(&pool).await;
    let view = disputes::view(&pool, w.sender, false, d, "UTC")
        .await
        .unwrap();
    assert!(!view.open && !view.can_write);
    assert_eq!(
        view.outcome.as_deref(),
        Some("The traveler is paid in full.")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_split_shares_the_price_and_racing_decisions_settle_once(pool: PgPool) {
    let (w, b, d) = answered(&pool, false).await;
    let admin = user(&pool, "Ada").await;
    let bad = disputes::resolve(&pool, admin, d, &decision(DisputeOutcome::Split, "130", ""))
        .await
        .unwrap_err();
    assert_eq!(fields(&bad), ["sender_percent"]);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            disputes::resolve(&pool, admin, d, &decision(DisputeOutcome::Split, "30", "")).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 1, "one decision wins");
    // 30% of the 10.00 price back to the sender, 70% to the traveler; the fee to the platform.
    assert_eq!(available(&pool, w.sender).await, 10_000 - 1100 + 300);
    assert_eq!(available(&pool, w.traveler).await, 700);
    assert_eq!(held(&pool, b).await, 0);
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn protection_pays_out_from_the_pool_up_to_what_it_holds(pool: PgPool) {
    let (w, b, d) = answered(&pool, true).await;
    let admin = user(&pool, "Ada").await;
    // 3% of the 40.00 declared: 1.20 went into escrow as the premium.
    assert_eq!(held(&pool, b).await, 1000 + 100 + 120);
    let e = disputes::resolve(
        &pool,
        admin,
        d,
        &decision(DisputeOutcome::Refund, "", "1.21"),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("protection pool holds"), "{e}");
    let e = disputes::resolve(
        &pool,
        admin,
        d,
        &decision(DisputeOutcome::Refund, "", "40.01"),
    )
    .await
    .unwrap_err();
    assert_eq!(fields(&e), ["payout"]);
    disputes::resolve(
        &pool,
        admin,
        d,
        &decision(DisputeOutcome::Release, "", "1.20"),
    )
    .await
    .unwrap();
    assert_eq!(available(&pool, w.sender).await, 10_000 - 1220 + 120);
    assert_eq!(available(&pool, w.traveler).await, 1000);
    assert_eq!(system(&pool, Acct::Protection).await, 0);
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn without_protection_there_is_no_payout(pool: PgPool) {
    let (_, _, d) = answered(&pool, false).await;
    let admin = user(&pool, "Ada").await;
    let e = disputes::resolve(&pool, admin, d, &decision(DisputeOutcome::Refund, "", "1"))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["payout"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_may_read_the_two_sides_conversation_under_a_dispute_and_it_is_audited(
    pool: PgPool,
) {
    use app::server::chat::service as chat;
    let (w, b) = delivered(&pool, false).await;
    let admin = user(&pool, "Ada").await;
    let c = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    chat::send(&pool, w.traveler, c, "Left it with the neighbour", None)
        .await
        .unwrap();
    assert!(matches!(
        chat::open_as_admin(&pool, admin, c).await,
        Err(AppError::Forbidden)
    ));
    let d = disputes::open(
        &pool,
        w.sender,
        b,
        DisputeReason::NotDelivered,
        "Nothing came.",
    )
    .await
    .unwrap();
    let seen = disputes::view(&pool, admin, true, d, "UTC").await.unwrap();
    assert_eq!(seen.conversation, Some(c));
    let mine = disputes::view(&pool, w.sender, false, d, "UTC")
        .await
        .unwrap();
    assert_eq!(mine.conversation, None, "only admins get the link");
    let read = chat::open_as_admin(&pool, admin, c).await.unwrap();
    assert_eq!(read.messages[0].body, "Left it with the neighbour");
    let log = app::server::audit::list(&pool, "conversation.read", "", "UTC")
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].after.as_deref().unwrap().contains("dispute"));
}
