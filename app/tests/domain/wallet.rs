//! Wallets: sandbox top-ups and retries, withdrawals and ID verification, Stripe events.

use super::support::*;
use app::error::AppError;
use app::server::accounts::verification;
use app::server::money::ledger::Acct;
use app::server::wallet::{statements, stripe, top_up, withdrawals};
use app::types::{Decision, Money, ReceiptKind, Side};
use sqlx::PgPool;
use uuid::Uuid;

#[sqlx::test(migrations = "../migrations")]
async fn sandbox_cards_top_up_once_per_key(pool: PgPool) {
    let u = user(&pool, "ulla").await;
    let k = key();
    let first = top_up::top_up_sandbox(&pool, u, &card("25.50", top_up::CARD_OK), &k)
        .await
        .unwrap();
    assert!(first.succeeded);
    let again = top_up::top_up_sandbox(&pool, u, &card("25.50", top_up::CARD_OK), &k)
        .await
        .unwrap();
    assert_eq!(first, again, "a retry returns the first answer");
    assert_eq!(available(&pool, u).await, 2550);
    assert_eq!(system(&pool, Acct::Provider).await, -2550);

    let declined = top_up::top_up_sandbox(&pool, u, &card("10", top_up::CARD_DECLINED), &key())
        .await
        .unwrap();
    assert!(!declined.succeeded && declined.message.contains("declined"));
    assert_eq!(available(&pool, u).await, 2550, "nothing taken");

    let bad = top_up::top_up_sandbox(
        &pool,
        u,
        &top_up::CardForm {
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
        top_up::top_up_sandbox(&pool, u, &card("5", top_up::CARD_OK), "x").await,
        Err(AppError::BadRequest(_))
    ));
    let h = statements::history(&pool, u, 1, "UTC").await.unwrap();
    assert_eq!(h.items.len(), 1);
    let receipt = h.items[0].receipt.clone().unwrap();
    let pid: Uuid = receipt.rsplit('/').next().unwrap().parse().unwrap();
    let r = statements::receipt(&pool, &reader(u), ReceiptKind::Payment, pid)
        .await
        .unwrap();
    assert_eq!(r.amount.minor, 2550);
    assert_eq!(r.method, "Card ending 4242");
    let stranger = user(&pool, "eve").await;
    assert!(matches!(
        statements::receipt(&pool, &reader(stranger), ReceiptKind::Payment, pid).await,
        Err(AppError::NotFound(_))
    ));
    assert_ledger_ok(&pool).await;
}

// ---------- withdrawals and ID verification ----------

#[sqlx::test(migrations = "../migrations")]
async fn withdrawals_need_an_id_and_go_through_the_payouts_queue(pool: PgPool) {
    let u = user(&pool, "wanda").await;
    let admin = user(&pool, "admin").await;
    top_up(&pool, u, "100").await;
    let iban = "DE89 3704 0044 0532 0130 00";
    match withdrawals::request(&pool, u, &withdrawal("20", "iban", iban), &key()).await {
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
    assert!(
        verification::decide(&pool, admin, queue[0].id, Decision::Reject, "")
            .await
            .is_err()
    );
    verification::decide(&pool, admin, queue[0].id, Decision::Approve, "")
        .await
        .unwrap();

    let e = withdrawals::request(&pool, u, &withdrawal("9.99", "iban", iban), &key())
        .await
        .unwrap_err();
    assert!(e.field("amount").is_some());
    let e = withdrawals::request(&pool, u, &withdrawal("20", "iban", "DE00 1234"), &key())
        .await
        .unwrap_err();
    assert!(e.field("destination").is_some());
    let e = withdrawals::request(&pool, u, &withdrawal("500", "iban", iban), &key())
        .await
        .unwrap_err();
    assert!(e.field("amount").unwrap().contains("available"), "{e:?}");
    let k = key();
    let paid = withdrawals::request(&pool, u, &withdrawal("30", "iban", iban), &k)
        .await
        .unwrap();
    assert_eq!(
        withdrawals::request(&pool, u, &withdrawal("30", "iban", iban), &k)
            .await
            .unwrap(),
        paid,
        "a retry is the same withdrawal"
    );
    let returned = withdrawals::request(
        &pool,
        u,
        &withdrawal("20", "mobile", "+254712345678"),
        &key(),
    )
    .await
    .unwrap();
    assert_eq!(available(&pool, u).await, 5000);
    assert_eq!(system(&pool, Acct::PayoutsPending).await, 5000);
    assert_eq!(withdrawals::queue(&pool).await.unwrap().len(), 2);
    withdrawals::decide(&pool, admin, paid, Decision::Approve, "")
        .await
        .unwrap();
    assert!(
        withdrawals::decide(&pool, admin, paid, Decision::Reject, "x")
            .await
            .is_err()
    );
    assert!(
        withdrawals::decide(&pool, admin, returned, Decision::Reject, "")
            .await
            .is_err()
    );
    withdrawals::decide(
        &pool,
        admin,
        returned,
        Decision::Reject,
        "Number not registered",
    )
    .await
    .unwrap();
    assert_eq!(available(&pool, u).await, 7000);
    assert_eq!(system(&pool, Acct::Payouts).await, 3000);
    assert_eq!(system(&pool, Acct::PayoutsPending).await, 0);
    let r = statements::receipt(&pool, &reader(u), ReceiptKind::Payout, paid)
        .await
        .unwrap();
    assert_eq!(r.status, "paid");
    assert!(r.method.starts_with("Bank account DE89") && !r.method.contains("0532"));
    let view = statements::overview(&pool, u, "sandbox", "UTC")
        .await
        .unwrap();
    assert_eq!(view.balances[0].available.minor, 7000);
    // The history links each withdrawal line to its payout receipt.
    let h = statements::history(&pool, u, 1, "UTC").await.unwrap();
    let receipts: Vec<String> = h.items.iter().filter_map(|i| i.receipt.clone()).collect();
    assert!(
        receipts.contains(&format!("/wallet/receipts/payout/{paid}")),
        "{receipts:?}"
    );
    assert!(receipts.contains(&format!("/wallet/receipts/payout/{returned}")));
    // The admins' history: both decisions, newest first, the reason kept, numbers masked.
    assert!(withdrawals::queue(&pool).await.unwrap().is_empty());
    let done = withdrawals::decided(&pool, "UTC").await.unwrap();
    assert_eq!(
        done.iter().map(|w| w.id).collect::<Vec<_>>(),
        [returned, paid]
    );
    assert_eq!(done[0].reason.as_deref(), Some("Number not registered"));
    assert!(
        !done[1].destination.contains("0532"),
        "{}",
        done[1].destination
    );
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn valuable_parcels_need_verified_people(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    sqlx::query("UPDATE parcels SET declared_value_minor = 30000 WHERE id = $1")
        .bind(w.parcel)
        .execute(&pool)
        .await
        .unwrap();
    match propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await {
        Err(AppError::Conflict(m)) => assert!(m.contains("traveler"), "{m}"),
        other => panic!("{other:?}"),
    }
    sqlx::query("UPDATE users SET id_verified_at = now() WHERE id = $1")
        .bind(w.traveler)
        .execute(&pool)
        .await
        .unwrap();
    propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
}

// ---------- Stripe ----------

#[sqlx::test(migrations = "../migrations")]
async fn stripe_events_credit_a_payment_once(pool: PgPool) {
    let u = user(&pool, "stella").await;
    let k = key();
    let start = top_up::start_stripe_payment(&pool, u, &card("42", ""), &k)
        .await
        .unwrap();
    // A double submit gets the same payment back (Stripe, asked with the payment as its
    // idempotency key, answers with the same session): one payment, not two.
    let again = top_up::start_stripe_payment(&pool, u, &card("42", ""), &k)
        .await
        .unwrap();
    assert_eq!(start, again);
    assert_eq!(start.amount, Money::new(4200, EUR));
    let payments: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE user_id = $1")
        .bind(u)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(payments, 1);
    let payment = start.payment;
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

// ---------- who may move money ----------

#[sqlx::test(migrations = "../migrations")]
async fn nobody_moves_money_before_confirming_their_email(pool: PgPool) {
    let w = world(&pool).await;
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    // Both lose their confirmation (as if they had never opened the link).
    sqlx::query("UPDATE users SET email_verified_at = NULL, id_verified_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let unconfirmed = |r: Result<(), AppError>| {
        assert!(
            matches!(&r, Err(AppError::Conflict(m)) if m.contains("Confirm your email")),
            "{r:?}"
        );
    };
    unconfirmed(
        top_up::top_up_sandbox(&pool, w.sender, &card("10", top_up::CARD_OK), &key())
            .await
            .map(|_| ()),
    );
    unconfirmed(
        top_up::start_stripe_payment(&pool, w.sender, &card("10", ""), &key())
            .await
            .map(|_| ()),
    );
    unconfirmed(
        withdrawals::request(
            &pool,
            w.traveler,
            &withdrawal("20", "iban", "FR7630006000011234567890189"),
            &key(),
        )
        .await
        .map(|_| ()),
    );
    // The traveler counters; the sender's counter would pay into escrow: refused too.
    unconfirmed(counter(&pool, w.traveler, b, "12").await);
    sqlx::query("UPDATE users SET email_verified_at = now() WHERE id = $1")
        .bind(w.traveler)
        .execute(&pool)
        .await
        .unwrap();
    counter(&pool, w.traveler, b, "12").await.unwrap();
    unconfirmed(counter(&pool, w.sender, b, "11").await);
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn money_rules_mean_the_same_in_every_currency(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    // 500 XOF is under a euro: no ID check (it was one at "200 units" of any currency).
    sqlx::query("UPDATE parcels SET declared_value_minor = 500, currency = 'XOF' WHERE id = $1")
        .bind(w.parcel)
        .execute(&pool)
        .await
        .unwrap();
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    negotiate_withdraw(&pool, w.sender, b).await;
    // 150,000 XOF (about 229 EUR) is above the 200 EUR carry threshold.
    sqlx::query("UPDATE parcels SET declared_value_minor = 150000 WHERE id = $1")
        .bind(w.parcel)
        .execute(&pool)
        .await
        .unwrap();
    match propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await {
        Err(AppError::Conflict(m)) => assert!(m.contains("131,192 XOF"), "{m}"),
        other => panic!("{other:?}"),
    }
    // The smallest withdrawal is 10 EUR in francs CFA too, not 10 XOF.
    sqlx::query("UPDATE users SET id_verified_at = now() WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    let small = withdrawals::WithdrawalForm {
        currency: "XOF".into(),
        ..withdrawal("5000", "mobile", "+221 77 123 45 67")
    };
    let e = withdrawals::request(&pool, w.sender, &small, &key())
        .await
        .unwrap_err();
    assert_eq!(
        e.field("amount").as_deref(),
        Some("The smallest withdrawal is 6,560 XOF.")
    );
}

async fn negotiate_withdraw(pool: &PgPool, actor: app::types::UserId, b: app::types::BookingId) {
    app::server::bookings::negotiate::withdraw(pool, actor, b)
        .await
        .unwrap();
}
