//! The risk score's default rules, calibrated against what a trust team would flag: ten
//! realistic parcels and the decision each should get. A change to a default rule shows here.

use super::support::*;
use app::server::parcels::risk::{self, RiskInput};
use app::server::parcels::service as parcels;
use app::server::settings;
use app::types::{Category, Currency, Money, ParcelStatus};
use sqlx::PgPool;

/// One parcel as the rules see it.
struct Case {
    what: &'static str,
    category: Category,
    route: (&'static str, &'static str),
    euros: i64,
    kg: i32,
    /// The sender's completed deliveries, other parcels, account age in days.
    sender: (i32, i64, i64),
    has_receipt: bool,
    /// The median declared value (euros) of similar recent parcels, when known.
    typical: Option<i64>,
    text: &'static str,
    review: bool,
}

const CASES: [Case; 10] = [
    Case {
        what: "a new sender's 25 kg electronics worth 450 € to Dakar",
        category: Category::Electronics,
        route: ("FR", "SN"),
        euros: 450,
        kg: 25,
        sender: (0, 0, 1),
        has_receipt: false,
        typical: None,
        text: "Laptops and phones for my family",
        review: true,
    },
    Case {
        what: "a regular's 2 kg of books from Paris to London",
        category: Category::Books,
        route: ("FR", "GB"),
        euros: 40,
        kg: 2,
        sender: (6, 9, 400),
        has_receipt: false,
        typical: Some(35),
        text: "Two novels",
        review: false,
    },
    Case {
        what: "a new account's first parcel: clothes within France",
        category: Category::Clothing,
        route: ("FR", "FR"),
        euros: 60,
        kg: 3,
        sender: (0, 0, 2),
        has_receipt: false,
        typical: Some(50),
        text: "Winter coat for my sister",
        review: false,
    },
    Case {
        what: "a new account's first parcel abroad: documents to Morocco",
        category: Category::Documents,
        route: ("FR", "MA"),
        euros: 0,
        kg: 1,
        sender: (0, 0, 5),
        has_receipt: false,
        typical: Some(0),
        text: "Signed papers for a notary",
        review: false,
    },
    Case {
        what: "a phone with its receipt, sent abroad by a regular",
        category: Category::Electronics,
        route: ("FR", "SN"),
        euros: 250,
        kg: 1,
        sender: (4, 6, 300),
        has_receipt: true,
        typical: Some(220),
        text: "A phone, boxed, with its invoice",
        review: false,
    },
    Case {
        what: "a regular's laptop worth 1,200 € with its receipt, abroad",
        category: Category::Electronics,
        route: ("FR", "SN"),
        euros: 1_200,
        kg: 2,
        sender: (4, 6, 300),
        has_receipt: true,
        typical: Some(300),
        text: "Laptop",
        review: true,
    },
    Case {
        what: "medicine without a prescription or receipt, abroad",
        category: Category::Medicine,
        route: ("FR", "CM"),
        euros: 80,
        kg: 1,
        sender: (1, 2, 120),
        has_receipt: false,
        typical: Some(60),
        text: "Boxes of medicine",
        review: false,
    },
    Case {
        what: "anything to a country on the high-risk list, from a new sender",
        category: Category::Gifts,
        route: ("FR", "YE"),
        euros: 100,
        kg: 4,
        sender: (0, 0, 10),
        has_receipt: false,
        typical: Some(80),
        text: "Presents for a wedding",
        review: true,
    },
    Case {
        what: "a gift declared ten times what similar gifts declare",
        category: Category::Gifts,
        route: ("FR", "GB"),
        euros: 900,
        kg: 1,
        sender: (2, 3, 200),
        has_receipt: false,
        typical: Some(60),
        text: "A watch",
        review: true,
    },
    Case {
        what: "a prohibited item, whoever sends it",
        category: Category::Other,
        route: ("FR", "FR"),
        euros: 30,
        kg: 1,
        sender: (12, 20, 900),
        has_receipt: false,
        typical: None,
        text: "A power bank and cables",
        review: true,
    },
];

#[sqlx::test(migrations = "../migrations")]
async fn the_default_rules_send_what_a_trust_team_would_flag_to_review(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    let (rules, high_risk, keywords) = risk::load(&mut conn).await.unwrap();
    let s = settings::load(&pool).await.unwrap();
    let mut wrong = Vec::new();
    for c in &CASES {
        let a = risk::assess(
            &RiskInput {
                category: c.category,
                pickup_country: c.route.0,
                delivery_country: c.route.1,
                declared_value: Money::new(c.euros * 100, Currency::Eur),
                rates: &s.rates,
                weight_g: c.kg * 1000,
                sender_completed: c.sender.0,
                sender_parcels: c.sender.1,
                account_age_days: c.sender.2,
                has_receipt: c.has_receipt,
                typical_value: c.typical.map(|e| e * 100),
                text: c.text,
            },
            &rules,
            &high_risk,
            &keywords,
        );
        if (a.score >= s.risk_review_threshold) != c.review {
            wrong.push(format!("{} (score {}: {:?})", c.what, a.score, a.parts));
        }
    }
    assert!(wrong.is_empty(), "wrong decisions: {wrong:#?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_senders_heavy_electronics_to_dakar_waits_for_review(pool: PgPool) {
    setup(&pool).await;
    let s = funded(&pool, "Nora").await;
    let mut f = parcel_form("Paris, France", "DKR", "25");
    f.title = "Laptops and phones".into();
    f.category = "electronics".into();
    f.declared_value = "450".into();
    f.length_cm = "60".into();
    f.width_cm = "40".into();
    f.height_cm = "40".into();
    let id = parcels::create(&pool, s, &f, true).await.unwrap();
    let d = parcels::detail(&pool, Some(s), false, id).await.unwrap();
    assert_eq!(d.card.status, ParcelStatus::InReview, "{:?}", d.risk);

    // The same parcel with its receipt, from a sender with a history, is published.
    let regular = funded(&pool, "Rex").await;
    sqlx::query(
        "UPDATE users SET completed_deliveries = 5, created_at = now() - interval '1 year'
         WHERE id = $1",
    )
    .bind(regular.0)
    .execute(&pool)
    .await
    .unwrap();
    parcels::create(
        &pool,
        regular,
        &parcel_form("Paris, France", "LHR", "2"),
        true,
    )
    .await
    .unwrap();
    f.weight_kg = "4".into();
    f.has_receipt = true;
    f.declared_value = "250".into();
    let id = parcels::create(&pool, regular, &f, true).await.unwrap();
    let d = parcels::detail(&pool, Some(regular), false, id)
        .await
        .unwrap();
    assert_eq!(d.card.status, ParcelStatus::Open, "{:?}", d.risk);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_value_far_above_similar_parcels_is_flagged(pool: PgPool) {
    setup(&pool).await;
    let s = funded(&pool, "Vic").await;
    for _ in 0..5 {
        parcels::create(&pool, s, &parcel_form("Paris, France", "LHR", "2"), true)
            .await
            .unwrap();
    }
    let mut f = parcel_form("Paris, France", "LHR", "2");
    f.declared_value = "119".into();
    let id = parcels::create(&pool, s, &f, true).await.unwrap();
    let (_, parts) = parcels::detail(&pool, Some(s), false, id)
        .await
        .unwrap()
        .risk
        .unwrap();
    assert!(
        !parts.iter().any(|p| p.label.contains("similar")),
        "{parts:?}"
    );
    f.declared_value = "120".into();
    let id = parcels::create(&pool, s, &f, true).await.unwrap();
    let (_, parts) = parcels::detail(&pool, Some(s), false, id)
        .await
        .unwrap()
        .risk
        .unwrap();
    assert!(
        parts.iter().any(|p| p.label.contains("similar")),
        "3 × 40: {parts:?}"
    );
}
