//! `server bench-alerts`: what publishing a trip costs the route alerts. With `--alerts` saved
//! searches (100,000 by default, made once on the large data set's city pairs), times finding
//! the alerts each of `--n` random published trips matches, and shows the plan of that one
//! query (it must use `alerts_route_idx`).

use app::server::matching::alerts;
use app::server::places;
use app::types::TripId;
use sqlx::PgPool;
use std::time::Instant;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Makes `want` alerts (in all) on the routes trips take, for the generated members.
async fn ensure_alerts(pool: &PgPool, want: i64) -> Result<(), String> {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM alerts")
        .fetch_one(pool)
        .await
        .map_err(err)?;
    if have >= want {
        return Ok(());
    }
    println!("making {} alerts ...", want - have);
    // Routes as trips take them (so alerts meet trips), owners among the generated members,
    // a third with a date window, a fifth with a category, a tenth with a price cap.
    sqlx::query(
        "WITH u AS (SELECT array_agg(id) AS a FROM (SELECT id FROM users LIMIT 20000) x),
              r AS (SELECT array_agg(origin_metro_id) AS o, array_agg(destination_metro_id) AS d
                    FROM (SELECT origin_metro_id, destination_metro_id FROM trips
                          LIMIT 20000) y)
         INSERT INTO alerts (user_id, kind, origin_metro_id, destination_metro_id, date_from,
            date_to, category, currency, money_minor, query, label)
         SELECT u.a[1 + g % array_length(u.a, 1)], 'trips',
                r.o[1 + g % array_length(r.o, 1)], r.d[1 + g % array_length(r.d, 1)],
                CASE WHEN g % 3 = 0 THEN current_date + (g % 60)::int END,
                CASE WHEN g % 3 = 0 THEN current_date + (g % 60)::int + 30 END,
                CASE WHEN g % 5 = 0 THEN 'books' END,
                CASE WHEN g % 10 = 0 THEN 'EUR' END,
                CASE WHEN g % 10 = 0 THEN 1000 END,
                '/search/trips', 'benchmark alert'
         FROM generate_series(1, $1) g, u, r",
    )
    .bind(want - have)
    .execute(pool)
    .await
    .map_err(err)?;
    sqlx::query("ANALYZE alerts")
        .execute(pool)
        .await
        .map_err(err)?;
    Ok(())
}

pub async fn run(pool: &PgPool, want: i64, n: usize) -> Result<(), String> {
    ensure_alerts(pool, want).await?;
    let ids: Vec<TripId> = sqlx::query_scalar(
        "SELECT id FROM trips WHERE status = 'published' AND departs_at > now() + interval '1 day'
         ORDER BY id LIMIT $1",
    )
    .bind(i64::try_from(n).map_err(err)?)
    .fetch_all(pool)
    .await
    .map_err(err)?;
    if ids.is_empty() {
        return Err("no published trips: run `server demo --large` first".into());
    }
    let mut conn = pool.acquire().await.map_err(err)?;
    let mut times = Vec::with_capacity(ids.len());
    let mut found = 0;
    for (i, id) in ids.iter().enumerate() {
        let t = Instant::now();
        let matched = alerts::for_trip(&mut conn, *id)
            .await
            .map_err(|e| format!("{e:?}"))?;
        if i >= 10 {
            // The first ones warm the caches.
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        found += matched.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |p: usize| {
        times
            .get((times.len().saturating_sub(1)) * p / 100)
            .copied()
            .unwrap_or(0.0)
    };
    let alerts_total: i64 = sqlx::query_scalar("SELECT count(*) FROM alerts")
        .fetch_one(pool)
        .await
        .map_err(err)?;
    println!(
        "route alerts: {alerts_total} saved; finding the alerts of {} new trips ({found} matches): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        at(50),
        at(99),
        times.last().copied().unwrap_or(0.0)
    );
    // The plan of the one query, for the first trip's route (the metro areas near its ends).
    let (o, d): (i32, i32) =
        sqlx::query_as("SELECT origin_metro_id, destination_metro_id FROM trips WHERE id = $1")
            .bind(ids[0])
            .fetch_one(pool)
            .await
            .map_err(err)?;
    let near_o = places::metros_near(&mut conn, o, 50)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let near_d = places::metros_near(&mut conn, d, 50)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT a.id FROM alerts a
         WHERE a.kind = 'trips' AND NOT a.paused
           AND a.origin_metro_id = ANY($1) AND a.destination_metro_id = ANY($2)",
    )
    .bind(&near_o)
    .bind(&near_d)
    .fetch_all(pool)
    .await
    .map_err(err)?;
    let indexed = plan.iter().any(|l| l.contains("alerts_route_idx"));
    println!(
        "the alerts query {} the route index (alerts_route_idx)",
        if indexed { "uses" } else { "does NOT use" }
    );
    if !indexed {
        for l in plan {
            println!("  {l}");
        }
        return Err("the alerts query does not use its index".into());
    }
    Ok(())
}
