//! The dashboard's charts (PRODUCT §12): per day over the last 30 or 90 days (UTC), sign-ups,
//! new listings, the bookings funnel, booked value, fees earned and escrow held, the money per
//! currency in minor units.

use crate::error::AppError;
use crate::types::admin::{Chart, Charts};
use crate::types::Currency;
use ::time::{Date, Duration, OffsetDateTime};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// The spans the dashboard offers, in days.
pub const SPANS: [i64; 2] = [30, 90];

pub async fn charts(pool: &PgPool, span: i64) -> Result<Charts, AppError> {
    let span = if SPANS.contains(&span) {
        span
    } else {
        SPANS[0]
    };
    let today = OffsetDateTime::now_utc().date();
    let start = today - Duration::days(span - 1);
    let counts = sqlx::query!(
        r#"WITH d AS (SELECT generate_series($1::date, current_date, interval '1 day')::date AS day),
           u AS (SELECT created_at::date AS day, count(*) AS n FROM users
                 WHERE created_at >= $1::date GROUP BY 1),
           l AS (SELECT day, count(*) AS n FROM (
                   SELECT created_at::date AS day FROM trips WHERE created_at >= $1::date
                   UNION ALL
                   SELECT created_at::date FROM parcels WHERE created_at >= $1::date) x GROUP BY 1),
           b AS (SELECT d.day,
                   count(*) FILTER (WHERE b.created_at::date = d.day) AS requested,
                   count(*) FILTER (WHERE b.accepted_at::date = d.day) AS accepted,
                   count(*) FILTER (WHERE b.picked_up_at::date = d.day) AS picked_up,
                   count(*) FILTER (WHERE b.delivered_at::date = d.day) AS delivered,
                   count(*) FILTER (WHERE b.completed_at::date = d.day) AS completed
                 FROM d JOIN bookings b ON b.created_at::date = d.day
                   OR b.accepted_at::date = d.day OR b.picked_up_at::date = d.day
                   OR b.delivered_at::date = d.day OR b.completed_at::date = d.day
                 GROUP BY d.day)
           SELECT d.day AS "day!", coalesce(u.n, 0) AS "signups!", coalesce(l.n, 0) AS "listings!",
                  coalesce(b.requested, 0) AS "requested!", coalesce(b.accepted, 0) AS "accepted!",
                  coalesce(b.picked_up, 0) AS "picked_up!", coalesce(b.delivered, 0) AS "delivered!",
                  coalesce(b.completed, 0) AS "completed!"
           FROM d LEFT JOIN u USING (day) LEFT JOIN l USING (day) LEFT JOIN b USING (day)
           ORDER BY d.day"#,
        start
    )
    .fetch_all(pool)
    .await?;
    // Money per currency and day: booked value (accepted bookings' prices), fees (entries on
    // the fee accounts) and the change of escrow (entries on escrow accounts).
    let money = sqlx::query!(
        r#"SELECT day AS "day!", currency AS "currency!", sum(booked)::bigint AS "booked!",
                  sum(fees)::bigint AS "fees!", sum(escrow)::bigint AS "escrow!"
           FROM (
             SELECT accepted_at::date AS day, currency, price_minor AS booked, 0 AS fees, 0 AS escrow
               FROM bookings WHERE accepted_at >= $1::date
             UNION ALL
             SELECT e.created_at::date, e.currency, 0, e.amount_minor, 0
               FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
              WHERE a.kind = 'fees' AND e.created_at >= $1::date
             UNION ALL
             SELECT e.created_at::date, e.currency, 0, 0, e.amount_minor
               FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
              WHERE a.kind = 'escrow' AND e.created_at >= $1::date
           ) m GROUP BY 1, 2 ORDER BY 1, 2"#,
        start
    )
    .fetch_all(pool)
    .await?;
    // What escrow held when the span began, per currency.
    let escrow_before = sqlx::query!(
        r#"SELECT e.currency AS "currency!", sum(e.amount_minor)::bigint AS "held!"
           FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
           WHERE a.kind = 'escrow' AND e.created_at < $1::date GROUP BY 1"#,
        start
    )
    .fetch_all(pool)
    .await?;

    let index = |d: Date| usize::try_from((d - start).whole_days()).ok();
    let n = counts.len();
    let mut charts = vec![
        count_chart(
            crate::i18n::tr("Sign-ups"),
            counts.iter().map(|r| r.signups).collect(),
        ),
        count_chart(
            crate::i18n::tr("New listings (trips and parcels)"),
            counts.iter().map(|r| r.listings).collect(),
        ),
        count_chart(
            crate::i18n::tr("Bookings requested"),
            counts.iter().map(|r| r.requested).collect(),
        ),
        count_chart(
            crate::i18n::tr("Bookings completed"),
            counts.iter().map(|r| r.completed).collect(),
        ),
    ];
    // Per currency: the days' values; EUR always shown, others when they moved.
    let mut booked: BTreeMap<&'static str, (Currency, Vec<i64>)> = BTreeMap::new();
    let mut fees = booked.clone();
    let mut escrow = booked.clone();
    for m in &money {
        let (Some(c), Some(i)) = (Currency::parse(m.currency.trim()), index(m.day)) else {
            continue;
        };
        if i >= n {
            continue;
        }
        for (map, v) in [
            (&mut booked, m.booked),
            (&mut fees, m.fees),
            (&mut escrow, m.escrow),
        ] {
            map.entry(c.code()).or_insert_with(|| (c, vec![0; n])).1[i] += v;
        }
    }
    for e in &escrow_before {
        if let Some(c) = Currency::parse(e.currency.trim()) {
            let row = escrow.entry(c.code()).or_insert_with(|| (c, vec![0; n]));
            if let Some(first) = row.1.first_mut() {
                *first += e.held;
            }
        }
    }
    // Escrow is a balance: the running sum of its changes.
    for (_, (_, points)) in escrow.iter_mut() {
        let mut held = 0;
        for p in points.iter_mut() {
            held += *p;
            *p = held;
        }
    }
    for map in [&mut booked, &mut fees, &mut escrow] {
        map.entry(Currency::Eur.code())
            .or_insert_with(|| (Currency::Eur, vec![0; n]));
    }
    for (title, map) in [
        (crate::i18n::key("Booked value"), &booked),
        (crate::i18n::key("Fees earned"), &fees),
        (crate::i18n::key("Escrow held"), &escrow),
    ] {
        for (c, points) in map.values() {
            charts.push(Chart {
                title: format!("{} ({})", crate::i18n::tr(title), c.code()),
                currency: Some(*c),
                points: points.clone(),
                balance: title == "Escrow held",
            });
        }
    }
    let mut funnel = [0i64; 5];
    for r in &counts {
        for (slot, v) in funnel.iter_mut().zip([
            r.requested,
            r.accepted,
            r.picked_up,
            r.delivered,
            r.completed,
        ]) {
            *slot += v;
        }
    }
    let funnel = [
        crate::i18n::tr("Requested"),
        crate::i18n::tr("Accepted"),
        crate::i18n::tr("Picked up"),
        crate::i18n::tr("Delivered"),
        crate::i18n::tr("Completed"),
    ]
    .into_iter()
    .map(String::from)
    .zip(funnel)
    .collect();
    Ok(Charts {
        span,
        days: counts
            .iter()
            .map(|r| {
                let s = crate::server::time::show_date(r.day);
                s.rsplit_once(' ').map_or(s.clone(), |(d, _)| d.to_string())
            })
            .collect(),
        charts,
        funnel,
    })
}

fn count_chart(title: &str, points: Vec<i64>) -> Chart {
    Chart {
        title: title.into(),
        currency: None,
        balance: false,
        points,
    }
}
