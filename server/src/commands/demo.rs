//! Demo and benchmark data: users, trips and parcels on real city pairs and dates. The small
//! set makes the run command's app feel alive; the large one (a million trips and a million
//! parcels, written with COPY) is what the benchmark runs against.

use app::server::accounts::password;
use app::server::config::Config;
use app::server::matching::rank;
use app::server::places;
use app::server::testkit;
use app::server::trips::service as trips;
use app::types::{Category, ParcelId, TripId, UserId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;
use std::fmt::Write as _;
use std::time::Instant;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The demo accounts (`cli::DEMO_ACCOUNTS`: an admin, a sender, a traveler), made or reset.
pub async fn accounts(pool: &PgPool) -> Result<(), String> {
    use app::server::accounts::admins;
    for (email, password, name, admin) in super::cli::DEMO_ACCOUNTS {
        if admin {
            admins::create_or_promote_admin(pool, email, Some(password), name)
                .await
                .map(|_| ())
        } else {
            admins::ensure_user(pool, email, password, name)
                .await
                .map(|_| ())
        }
        .map_err(|e| e.to_string())?;
        println!(
            "demo account: {email} / {password}{}",
            if admin { " (admin)" } else { "" }
        );
    }
    Ok(())
}

/// A few listings for the demo accounts, bookings between them, and a lively marketplace around
/// them (with photos, written under the configured upload directory). Runs once.
pub async fn small(pool: &PgPool, config: &Config) -> Result<(), String> {
    let traveler: Option<UserId> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'traveler@carry.test'")
            .fetch_optional(pool)
            .await
            .map_err(err)?;
    let Some(traveler) = traveler else {
        return Ok(());
    };
    // Demo accounts are confirmed so they can book straight away.
    sqlx::query("UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE email LIKE '%@carry.test'")
        .execute(pool)
        .await
        .map_err(err)?;
    // The demo sender has money to book with (once: the key makes a re-run a no-op).
    let sender: Option<UserId> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'sender@carry.test'")
            .fetch_optional(pool)
            .await
            .map_err(err)?;
    if let Some(sender) = sender {
        let card = testkit::card("500");
        app::server::wallet::top_up::top_up_sandbox(pool, sender, &card, "demo-sender-top-up")
            .await
            .map_err(|e| format!("{e:?}"))?;
    }
    let has: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM trips WHERE traveler_id = $1)")
            .bind(traveler)
            .fetch_one(pool)
            .await
            .map_err(err)?;
    if has {
        return Ok(());
    }
    let mut demo_trips = Vec::new();
    for (from, to, days, hours, kg, price) in [
        ("CDG", "LHR", 5, 2, "8", "6"),
        ("Paris, France", "Dakar, Senegal", 9, 6, "15", "9"),
        ("London, United Kingdom", "Lagos, Nigeria", 14, 7, "20", "8"),
    ] {
        let form = app::types::trips::TripForm {
            departs_at: testkit::local_time(days, 9),
            arrives_at: testkit::local_time(days, 9 + hours),
            price_per_kg: price.into(),
            categories: ["documents", "clothing", "books", "gifts", "electronics"]
                .map(String::from)
                .to_vec(),
            notes: "Happy to meet near the station or the airport.".into(),
            ..testkit::trip(from, to, kg)
        };
        let trip = trips::create(pool, traveler, &form)
            .await
            .map_err(|e| format!("demo trip {from} → {to}: {e:?}"))?;
        demo_trips.push(trip);
    }
    if let Some(sender) = sender {
        bookings(pool, &config.public_url, traveler, sender, &demo_trips).await?;
    }
    generate(pool, 11, 40, 300, 300).await?;
    photo_files(pool, &config.upload_dir).await?;
    println!("demo listings: 3 trips for traveler@carry.test, and 300 trips and 300 parcels by other members");
    Ok(())
}

/// The demo sender's parcels on the demo traveler's first two trips, so each account has a
/// booking to open at once: one accepted (the sender's page shows the handoff codes the
/// traveler asks for at pickup and delivery; they have written to each other), one request
/// waiting for the traveler's answer.
async fn bookings(
    pool: &PgPool,
    public_url: &str,
    traveler: UserId,
    sender: UserId,
    trips: &[TripId],
) -> Result<(), String> {
    use app::server::bookings::negotiate;
    use app::server::chat::service as chat;
    let fail = |what: &str, e: app::error::AppError| format!("demo {what}: {e:?}");
    let [books_trip, papers_trip, ..] = trips else {
        return Ok(());
    };
    let parcel = |title: &str, category: &str, to: &str, address: &str, kg: &str| {
        let mut form = testkit::parcel("Paris, France", to, kg);
        form.title = title.into();
        form.category = category.into();
        form.delivery_address = address.into();
        form
    };
    let books = parcel(
        "Birthday books for Léa",
        "books",
        "London, United Kingdom",
        "10 Downing Street, London",
        "2",
    );
    let papers = parcel(
        "Signed papers for the notary",
        "documents",
        "Dakar, Senegal",
        "Avenue Léopold Sédar Senghor, Dakar",
        "1",
    );
    let mut made = Vec::new();
    for (form, trip, key) in [
        (books, *books_trip, "demo-booking-books"),
        (papers, *papers_trip, "demo-booking-papers"),
    ] {
        let id = app::server::parcels::service::create(pool, sender, &form, true)
            .await
            .map_err(|e| fail("parcel", e))?;
        // Listed once it has a photo (its file is written with the others' below).
        testkit::photo(pool, id)
            .await
            .map_err(|e| fail("photo", e))?;
        let booking = testkit::request(pool, sender, id, trip, key)
            .await
            .map_err(|e| fail("booking", e))?;
        made.push((id, trip, booking));
    }
    let (books, trip, booking) = made[0];
    negotiate::accept(pool, public_url, traveler, booking, false)
        .await
        .map_err(|e| fail("acceptance", e))?;
    let conversation = chat::start(pool, sender, books, trip)
        .await
        .map_err(|e| fail("conversation", e))?;
    for (who, text) in [
        (sender, "Hello! The books are wrapped and ready. I can bring them to the airport before your flight."),
        (traveler, "Perfect, thank you. Let's meet at Terminal 2E, by the pharmacy, an hour before boarding."),
    ] {
        chat::send(pool, who, conversation, text, None)
            .await
            .map_err(|e| fail("message", e))?;
    }
    println!("demo bookings: one accepted (books to London), one request waiting for the traveler (papers to Dakar)");
    Ok(())
}

/// The benchmark data set: 1,000,000 trips and 1,000,000 parcels (skipped when present).
pub async fn large(pool: &PgPool) -> Result<(), String> {
    let trips: i64 = sqlx::query_scalar("SELECT count(*) FROM trips")
        .fetch_one(pool)
        .await
        .map_err(err)?;
    if trips >= 1_000_000 {
        println!("the large data set is already there ({trips} trips)");
        return Ok(());
    }
    generate(pool, 7, 20_000, 1_000_000, 1_000_000).await
}

struct City {
    ids: Vec<i32>, // the city and its airports
    metro: i32,
    lat: f64,
    lon: f64,
    country: String,
}

const TITLES: [(&str, Category); 12] = [
    ("Birthday presents for my niece", Category::Gifts),
    ("Two novels and a notebook", Category::Books),
    ("Signed contract documents", Category::Documents),
    ("Winter jacket", Category::Clothing),
    ("Spare phone for my brother", Category::Electronics),
    ("Face creams, sealed", Category::Cosmetics),
    ("Prescription glasses", Category::Other),
    ("Box of chocolates", Category::SealedFood),
    ("University diploma", Category::Documents),
    ("Handmade scarf", Category::Clothing),
    ("Vitamins (sealed)", Category::Medicine),
    ("Children's books", Category::Books),
];

async fn cities(pool: &PgPool) -> Result<Vec<City>, String> {
    let rows: Vec<(i32, f64, f64, String, Vec<i32>)> = sqlx::query_as(
        "SELECT c.id, c.lat, c.lon, c.country::text,
                coalesce(array_agg(a.id) FILTER (WHERE a.id IS NOT NULL), ARRAY[]::int[])
         FROM (SELECT * FROM places WHERE kind = 'city' ORDER BY population DESC LIMIT 200) c
         LEFT JOIN places a ON a.metro_id = c.id AND a.kind = 'airport'
         GROUP BY c.id, c.lat, c.lon, c.country, c.population
         ORDER BY c.population DESC",
    )
    .fetch_all(pool)
    .await
    .map_err(err)?;
    Ok(rows
        .into_iter()
        .map(|(id, lat, lon, country, airports)| {
            let mut ids = vec![id];
            ids.extend(airports);
            City {
                ids,
                metro: id,
                lat,
                lon,
                country,
            }
        })
        .collect())
}

fn pick<'a>(rng: &mut StdRng, cities: &'a [City]) -> &'a City {
    // Big cities see more traffic: half the picks come from the top 30.
    if rng.gen_bool(0.5) {
        &cities[rng.gen_range(0..30.min(cities.len()))]
    } else {
        &cities[rng.gen_range(0..cities.len())]
    }
}

fn route<'a>(rng: &mut StdRng, cities: &'a [City]) -> (&'a City, &'a City, f64) {
    loop {
        let a = pick(rng, cities);
        let b = pick(rng, cities);
        if a.metro != b.metro {
            let d = places::distance_km((a.lat, a.lon), (b.lat, b.lon));
            if d > 60.0 {
                return (a, b, d);
            }
        }
    }
}

fn ts(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:00+00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

async fn copy(pool: &PgPool, sql: &str, data: String) -> Result<(), String> {
    let mut conn = pool.acquire().await.map_err(err)?;
    let mut c = conn.copy_in_raw(sql).await.map_err(err)?;
    c.send(data.into_bytes()).await.map_err(err)?;
    c.finish().await.map_err(err)?;
    Ok(())
}

const BATCH: usize = 50_000;

/// Writes `users` members, `n_trips` trips and `n_parcels` parcels with COPY, in batches.
pub async fn generate(
    pool: &PgPool,
    seed: u64,
    users: usize,
    n_trips: usize,
    n_parcels: usize,
) -> Result<(), String> {
    let started = Instant::now();
    let cities = cities(pool).await?;
    if cities.len() < 10 {
        return Err("places are not loaded".into());
    }
    let mut rng =
        StdRng::seed_from_u64(seed ^ OffsetDateTime::now_utc().unix_timestamp().unsigned_abs());
    let hash = password::hash("carry-member-demo".to_string())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let run = uuid(&mut rng).simple().to_string()[..8].to_string();
    let names = [
        "Amina", "Ben", "Chloé", "Diego", "Esi", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kofi",
        "Lena", "Mateo", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tara",
    ];
    let mut ids = Vec::with_capacity(users);
    let mut buf = String::new();
    for i in 0..users {
        let id = uuid(&mut rng);
        ids.push(id);
        let rating = if rng.gen_bool(0.7) {
            rng.gen_range(350..=500).to_string()
        } else {
            "\\N".to_string()
        };
        let done = rng.gen_range(0..40);
        let _ = writeln!(
            buf,
            "{id}\tmember-{run}-{i}@carry.test\t{} {}.\t{hash}\t{}\t{rating}\t{rating}\t{done}\t{}",
            names[i % names.len()],
            char::from(b'A' + u8::try_from(i % 26).unwrap_or(0)),
            ts(OffsetDateTime::now_utc()),
            done * 9 / 10
        );
    }
    copy(
        pool,
        "COPY users (id, email, display_name, password_hash, email_verified_at, traveler_rating_x100, sender_rating_x100, completed_deliveries, on_time_deliveries) FROM STDIN",
        buf,
    )
    .await?;

    let all = Category::ALL;
    let now = OffsetDateTime::now_utc();
    let mut written = 0;
    while written < n_trips {
        let mut buf = String::with_capacity(BATCH * 300);
        for _ in 0..BATCH.min(n_trips - written) {
            let (a, b, km) = route(&mut rng, &cities);
            let o = a.ids[rng.gen_range(0..a.ids.len())];
            let d = b.ids[rng.gen_range(0..b.ids.len())];
            let mode = if km > 900.0 {
                "plane"
            } else {
                ["train", "bus", "car", "plane"][rng.gen_range(0..4)]
            };
            let speed = if mode == "plane" { 750.0 } else { 80.0 };
            let departs = now
                + Duration::hours(rng.gen_range(14..24 * 120))
                + Duration::minutes(rng.gen_range(0..4) * 15);
            let arrives = departs + Duration::minutes(whole(km / speed * 60.0) + 90);
            let cap = rng.gen_range(2..=46) * 500;
            let price = rng.gen_range(3..=15) * 100;
            let mut cats: Vec<&str> = all
                .iter()
                .filter(|_| rng.gen_bool(0.6))
                .map(|c| c.code())
                .collect();
            if cats.is_empty() {
                cats.push("documents");
            }
            let _ = writeln!(
                buf,
                "{}\t{}\t{o}\t{d}\t{}\t{}\t{}\t{}\t{mode}\t{cap}\t{cap}\t{price}\tEUR\t{{{}}}\t\t{}\tpublished",
                uuid(&mut rng),
                ids[rng.gen_range(0..ids.len())],
                a.metro,
                b.metro,
                ts(departs),
                ts(arrives),
                cats.join(","),
                whole(km)
            );
        }
        copy(
            pool,
            "COPY trips (id, traveler_id, origin_id, destination_id, origin_metro_id, destination_metro_id, departs_at, arrives_at, mode, capacity_g, remaining_g, price_per_kg_minor, currency, categories, notes, distance_km, status) FROM STDIN",
            buf,
        )
        .await?;
        written += BATCH.min(n_trips - written);
        if n_trips > BATCH {
            println!("trips: {written}/{n_trips} ({:.0?})", started.elapsed());
        }
    }
    let today = now.date();
    let mut written = 0;
    while written < n_parcels {
        let mut buf = String::with_capacity(BATCH * 400);
        for _ in 0..BATCH.min(n_parcels - written) {
            let (a, b, km) = route(&mut rng, &cities);
            let (title, cat) = TITLES[rng.gen_range(0..TITLES.len())];
            let weight = rng.gen_range(1..=50) * 200;
            let ready = today + Duration::days(rng.gen_range(0..60));
            let by = ready + Duration::days(rng.gen_range(5..=30));
            let reward = 500 + (weight as i64 / 1000) * rng.gen_range(200..600);
            let intl = a.country != b.country;
            let _ = writeln!(
                buf,
                "{}\t{}\t{title}\tPacked and ready to hand over.\t{}\t{weight}\t30\t20\t10\t{}\tEUR\tf\t{}\t{}\t12 Example Street\t{}\t{}\t34 Sample Avenue\t{ready}\t{by}\t{reward}\tt\tt\t{}\t{}\t[]\topen",
                uuid(&mut rng),
                ids[rng.gen_range(0..ids.len())],
                cat.code(),
                rng.gen_range(10..300) * 100,
                a.ids[rng.gen_range(0..a.ids.len())],
                a.metro,
                b.ids[rng.gen_range(0..b.ids.len())],
                b.metro,
                whole(km),
                if intl { 15 } else { 0 },
            );
        }
        copy(
            pool,
            "COPY parcels (id, sender_id, title, description, category, weight_g, length_cm, width_cm, height_cm, declared_value_minor, currency, fragile, pickup_place_id, pickup_metro_id, pickup_address, delivery_place_id, delivery_metro_id, delivery_address, ready_from, deliver_by, reward_minor, recipient_is_sender, declared_legal, distance_km, risk_score, risk_reasons, status) FROM STDIN",
            buf,
        )
        .await?;
        written += BATCH.min(n_parcels - written);
        if n_parcels > BATCH {
            println!("parcels: {written}/{n_parcels} ({:.0?})", started.elapsed());
        }
    }
    // Every parcel has a photo (PRODUCT §4); the files are written by `photo_files` for the
    // small set, and left out of the benchmark's million.
    sqlx::query(
        "INSERT INTO parcel_photos (id, parcel_id, width, height, bytes)
         SELECT gen_random_uuid(), p.id, 400, 300, 0 FROM parcels p
         WHERE p.sender_id = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM parcel_photos ph WHERE ph.parcel_id = p.id)",
    )
    .bind(&ids)
    .execute(pool)
    .await
    .map_err(err)?;
    sqlx::raw_sql("ANALYZE trips; ANALYZE parcels; ANALYZE users; ANALYZE parcel_photos")
        .execute(pool)
        .await
        .map_err(err)?;
    if n_trips > BATCH {
        println!(
            "wrote {users} members, {n_trips} trips and {n_parcels} parcels in {:.1?}",
            started.elapsed()
        );
    }
    Ok(())
}

/// Writes the files of the generated photo rows (those still without bytes): one plain colour
/// per category, through the same pipeline as uploads.
async fn photo_files(pool: &PgPool, upload_dir: &std::path::Path) -> Result<(), String> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT ph.id, p.category FROM parcel_photos ph JOIN parcels p ON p.id = ph.parcel_id
         WHERE ph.bytes = 0 LIMIT 5000",
    )
    .fetch_all(pool)
    .await
    .map_err(err)?;
    let dir = app::server::parcels::photos::dir(upload_dir);
    tokio::fs::create_dir_all(&dir).await.map_err(err)?;
    let mut made = std::collections::HashMap::new();
    for (id, category) in rows {
        if !made.contains_key(&category) {
            let hue = u8::try_from(category.len() * 23 % 200).unwrap_or(0);
            let png = testkit::png(800, 600, [55 + hue, 120, 200 - hue]);
            let p = app::server::images::process_upload(png).await?;
            made.insert(category.clone(), p);
        }
        let Some(p) = made.get(&category) else {
            continue;
        };
        tokio::fs::write(dir.join(format!("{id}.jpg")), &p.full)
            .await
            .map_err(err)?;
        tokio::fs::write(dir.join(format!("{id}_t.jpg")), &p.thumb)
            .await
            .map_err(err)?;
        sqlx::query("UPDATE parcel_photos SET bytes = $2, width = $3, height = $4 WHERE id = $1")
            .bind(id)
            .bind(i32::try_from(p.full.len()).unwrap_or(i32::MAX))
            .bind(i32::try_from(p.width).unwrap_or(0))
            .bind(i32::try_from(p.height).unwrap_or(0))
            .execute(pool)
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// Kilometres or minutes, rounded (the demo's numbers are small).
#[allow(clippy::cast_possible_truncation)]
fn whole(x: f64) -> i64 {
    x.round() as i64
}

/// The value at rank `p` (0 to 1) of `sorted`: the nearest rank, in integers.
fn percentile(sorted: &[f64], p: u32) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (sorted.len() - 1) * usize::try_from(p).unwrap_or(100) / 100;
    sorted[rank]
}

/// Match ranking latency for `n` random open parcels: p50, p95 and max, in milliseconds.
pub async fn bench_match(pool: &PgPool, n: usize) -> Result<(), String> {
    let ids: Vec<ParcelId> = sqlx::query_scalar(
        "SELECT id FROM parcels TABLESAMPLE SYSTEM (5) WHERE status = 'open' LIMIT $1",
    )
    .bind(i64::try_from(n).map_err(err)?)
    .fetch_all(pool)
    .await
    .map_err(err)?;
    if ids.is_empty() {
        return Err("no open parcels: run `server demo --large` first".into());
    }
    // Warm the pool and the caches.
    for id in ids.iter().take(20) {
        rank::trips_for_parcel(pool, *id, 20)
            .await
            .map_err(|e| format!("{e:?}"))?;
    }
    let mut times = Vec::with_capacity(ids.len());
    let mut with_results = 0;
    for id in &ids {
        let t = Instant::now();
        let found = rank::trips_for_parcel(pool, *id, 20)
            .await
            .map_err(|e| format!("{e:?}"))?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if !found.is_empty() {
            with_results += 1;
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "match ranking: {} parcels ({} with matches): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (target p95 <= 20 ms)",
        times.len(),
        with_results,
        percentile(&times, 50),
        percentile(&times, 95),
        times.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
