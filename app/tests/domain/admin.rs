//! The admin console's own reads: the dashboard's charts per day.

use super::support::*;
use app::server::admin::charts;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn the_charts_count_today_s_sign_ups_bookings_and_money(pool: PgPool) {
    let w = world(&pool).await;
    let b = accepted(&pool, &w).await;
    let c = charts::charts(&pool, 30).await.unwrap();
    assert_eq!(c.span, 30);
    assert_eq!(c.days.len(), 30);
    let chart = |title: &str| {
        c.charts
            .iter()
            .find(|x| x.title == title)
            .unwrap_or_else(|| panic!("no chart {title}: {:?}", c.charts))
    };
    for ch in &c.charts {
        assert_eq!(ch.points.len(), 30, "{}", ch.title);
    }
    assert_eq!(*chart("Sign-ups").points.last().unwrap(), 2);
    assert_eq!(
        *chart("New listings (trips and parcels)")
            .points
            .last()
            .unwrap(),
        2
    );
    assert_eq!(*chart("Bookings requested").points.last().unwrap(), 1);
    assert_eq!(chart("Bookings completed").points.iter().sum::<i64>(), 0);
    assert_eq!(*chart("Booked value (EUR)").points.last().unwrap(), 1000);
    assert_eq!(
        *chart("Escrow held (EUR)").points.last().unwrap(),
        held(&pool, b).await
    );
    assert_eq!(chart("Fees earned (EUR)").points.iter().sum::<i64>(), 0);
    let funnel: Vec<i64> = c.funnel.iter().map(|(_, n)| *n).collect();
    assert_eq!(funnel, [1, 1, 0, 0, 0]);
    // Any other span is the default; 90 days is offered.
    assert_eq!(charts::charts(&pool, 7).await.unwrap().span, 30);
    let long = charts::charts(&pool, 90).await.unwrap();
    assert_eq!(long.days.len(), 90);
    assert_eq!(
        long.charts[0].points.iter().sum::<i64>(),
        2,
        "the same sign-ups"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_email_that_failed_for_good_is_listed_and_sent_again_once(pool: PgPool) {
    let admin = user(&pool, "Ada").await;
    app::server::email::enqueue(&pool, "ann@example.com", "Hello", "secret link", "test")
        .await
        .unwrap();
    let list = app::server::email::outbox(&pool, " ANN@example.com ", "UTC")
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, "Waiting");
    assert!(!list[0].can_retry);
    assert!(matches!(
        app::server::admin::retry_email(&pool, admin, list[0].id).await,
        Err(app::error::AppError::Conflict(_))
    ));
    sqlx::query("UPDATE email_outbox SET attempts = 10, last_error = 'mailbox full'")
        .execute(&pool)
        .await
        .unwrap();
    let list = app::server::email::outbox(&pool, "", "UTC").await.unwrap();
    assert_eq!(list[0].status, "Failed");
    assert_eq!(list[0].last_error, "mailbox full");
    assert!(list[0].can_retry);
    app::server::admin::retry_email(&pool, admin, list[0].id)
        .await
        .unwrap();
    assert!(app::server::admin::retry_email(&pool, admin, list[0].id)
        .await
        .is_err());
    let list = app::server::email::outbox(&pool, "", "UTC").await.unwrap();
    assert_eq!(list[0].status, "Waiting");
    assert!(app::server::email::outbox(&pool, "bob@example.com", "UTC")
        .await
        .unwrap()
        .is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_setting_changes_only_within_its_range_and_takes_effect_at_once(pool: PgPool) {
    use app::server::admin::settings as editor;
    use app::server::settings;
    let admin = user(&pool, "Ada").await;
    let list = editor::list(&pool).await.unwrap();
    let fee = list.iter().find(|s| s.key == "service_fee_bps").unwrap();
    assert_eq!((fee.value, fee.default), (1000, 1000));
    assert!(list.iter().any(|s| s.key == "fx.XOF" && s.value == 655_957));
    for bad in ["", "x", "-1", "5001", "9223372036854775807", "12.5", "1e3"] {
        let e = editor::set(&pool, admin, "service_fee_bps", bad)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["value"], "{bad:?}");
    }
    let e = editor::set(&pool, admin, "no_such_key", "1")
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["value"]);
    editor::set(&pool, admin, "service_fee_bps", " 1200 ")
        .await
        .unwrap();
    editor::set(&pool, admin, "service_fee_bps", "1200")
        .await
        .unwrap();
    editor::set(&pool, admin, "fx.USD", "1100").await.unwrap();
    let s = settings::load(&pool).await.unwrap();
    assert_eq!(s.service_fee_bps, 1200);
    assert_eq!(s.rates.per_euro_x1000(app::types::Currency::Usd), 1100);
    // Once per real change in the audit log, with the value before.
    let log = app::server::audit::list(&pool, "settings.", "setting:service_fee_bps", "UTC")
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].before.as_deref(), Some("1000"));
    assert_eq!(log[0].after.as_deref(), Some("1200"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_inspector_and_the_explorer_show_a_booking_s_money(pool: PgPool) {
    use app::error::AppError;
    use app::server::admin::inspect::{self, LedgerFilter};
    let w = world(&pool).await;
    let b = accepted(&pool, &w).await;
    let tracking: String = sqlx::query_scalar("SELECT tracking_no FROM bookings WHERE id = $1")
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    let by_tracking = inspect::booking(&pool, &tracking.to_lowercase(), "UTC")
        .await
        .unwrap();
    let by_id = inspect::booking(&pool, &b.to_string(), "UTC")
        .await
        .unwrap();
    assert_eq!(by_tracking, by_id);
    assert_eq!(by_id.held.minor, held(&pool, b).await);
    assert!(by_id.events.len() >= 2, "{:?}", by_id.events);
    let hold = by_id
        .transactions
        .iter()
        .find(|t| t.kind == "hold")
        .expect("the request's hold");
    assert_eq!(hold.entries.iter().map(|e| e.amount.minor).sum::<i64>(), 0);
    assert!(hold.entries.iter().any(|e| e.account == "Wallet of Sam"));
    assert!(hold
        .entries
        .iter()
        .any(|e| e.account == format!("Escrow of {tracking}")));
    assert!(matches!(
        inspect::booking(&pool, "CR-NOPE", "UTC").await,
        Err(AppError::NotFound(_))
    ));

    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(w.sender)
        .fetch_one(&pool)
        .await
        .unwrap();
    let mine = inspect::transactions(
        &pool,
        &LedgerFilter {
            email: email.to_uppercase(),
            ..Default::default()
        },
        "UTC",
    )
    .await
    .unwrap();
    let kinds: Vec<&str> = mine.iter().map(|t| t.kind.as_str()).collect();
    assert!(
        kinds.contains(&"hold") && kinds.contains(&"top up"),
        "{kinds:?}"
    );
    let fees = inspect::transactions(
        &pool,
        &LedgerFilter {
            account: "fees".into(),
            ..Default::default()
        },
        "UTC",
    )
    .await
    .unwrap();
    assert!(fees.is_empty(), "no fee is earned before completion");
    let today = inspect::transactions(
        &pool,
        &LedgerFilter {
            booking: tracking.clone(),
            from: date(0),
            to: date(0),
            ..Default::default()
        },
        "UTC",
    )
    .await
    .unwrap();
    assert_eq!(today.len(), by_id.transactions.len());
    let tomorrow = inspect::transactions(
        &pool,
        &LedgerFilter {
            from: date(1),
            ..Default::default()
        },
        "UTC",
    )
    .await
    .unwrap();
    assert!(tomorrow.is_empty());
    for (f, field) in [
        (
            LedgerFilter {
                from: "31/12/2026".into(),
                ..Default::default()
            },
            "from",
        ),
        (
            LedgerFilter {
                email: "nobody@example.com".into(),
                ..Default::default()
            },
            "email",
        ),
        (
            LedgerFilter {
                account: "vault".into(),
                ..Default::default()
            },
            "account",
        ),
    ] {
        let e = inspect::transactions(&pool, &f, "UTC").await.unwrap_err();
        assert_eq!(fields(&e), [field]);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn risk_rules_keywords_and_countries_are_edited_with_checks(pool: PgPool) {
    use app::server::admin::settings as editor;
    setup(&pool).await;
    let admin = user(&pool, "Ada").await;
    let before = editor::risk_lists(&pool).await.unwrap();
    let heavy = before.rules.iter().find(|r| r.code == "heavy").unwrap();
    assert_eq!(
        (heavy.points, heavy.param, heavy.enabled),
        (10, Some(10000), true)
    );
    for (points, param, field) in [
        ("101", "5000", "points"),
        ("x", "5000", "points"),
        ("20", "-1", "param"),
        ("20", "", "param"),
    ] {
        let e = editor::set_risk_rule(&pool, admin, "heavy", points, param, true)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), [field], "{points} {param}");
    }
    assert!(matches!(
        editor::set_risk_rule(&pool, admin, "nope", "1", "", true).await,
        Err(app::error::AppError::NotFound(_))
    ));
    editor::set_risk_rule(&pool, admin, "heavy", "20", "5000", false)
        .await
        .unwrap();
    // A rule without a threshold keeps none, whatever is sent.
    editor::set_risk_rule(&pool, admin, "international", "5", "77", true)
        .await
        .unwrap();
    let after = editor::risk_lists(&pool).await.unwrap();
    let heavy = after.rules.iter().find(|r| r.code == "heavy").unwrap();
    assert_eq!(
        (heavy.points, heavy.param, heavy.enabled),
        (20, Some(5000), false)
    );
    let intl = after
        .rules
        .iter()
        .find(|r| r.code == "international")
        .unwrap();
    assert_eq!((intl.points, intl.param), (5, None));

    for bad in ["", "x", &"y".repeat(41), "a\0b"] {
        let e = editor::set_keyword(&pool, admin, bad, true)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["keyword"]);
    }
    editor::set_keyword(&pool, admin, "  Ivory ", true)
        .await
        .unwrap();
    editor::set_keyword(&pool, admin, "ivory", true)
        .await
        .unwrap();
    editor::set_keyword(&pool, admin, "gun", false)
        .await
        .unwrap();
    let lists = editor::risk_lists(&pool).await.unwrap();
    assert!(lists.keywords.contains(&"ivory".to_string()));
    assert!(!lists.keywords.contains(&"gun".to_string()));

    for bad in ["", "ZZ", "S", "syr", "1Y"] {
        let e = editor::set_country(&pool, admin, bad, true)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["country"], "{bad:?}");
    }
    editor::set_country(&pool, admin, "ng", true).await.unwrap();
    editor::set_country(&pool, admin, "SY", false)
        .await
        .unwrap();
    let lists = editor::risk_lists(&pool).await.unwrap();
    let codes: Vec<&str> = lists.countries.iter().map(|(c, _)| c.as_str()).collect();
    assert!(codes.contains(&"NG") && !codes.contains(&"SY"), "{codes:?}");
    assert!(lists
        .countries
        .iter()
        .any(|(c, n)| c == "NG" && n == "Nigeria"));
    // Each real change once in the audit log: two rules, two keywords, two countries.
    let log = app::server::audit::list(&pool, "settings.", "", "UTC")
        .await
        .unwrap();
    assert_eq!(log.len(), 6, "{log:?}");
}
