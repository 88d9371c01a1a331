//! Loads countries, cities (GeoNames, population ≥ 15,000) and IATA airports from the data
//! files built into the server, once, under an advisory lock (several servers may start
//! together). Each airport's metro city was precomputed in the data.

use sqlx::{PgConnection, PgPool};

const COUNTRIES_CSV: &str = include_str!("../../../data/countries.csv");
const CITIES_CSV: &str = include_str!("../../../data/cities.csv");
const AIRPORTS_CSV: &str = include_str!("../../../data/airports.csv");

/// Airports get ids above every GeoNames city id.
pub const AIRPORT_ID_BASE: i32 = 100_000_000;

/// Loads countries, cities and airports once (a no-op when they are there). Safe to call from
/// several servers at once: they queue on an advisory lock.
pub async fn run(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(7261001)")
        .execute(&mut *tx)
        .await?;
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM places")
        .fetch_one(&mut *tx)
        .await?;
    if have > 0 {
        return Ok(false);
    }
    sqlx::raw_sql(
        "CREATE TEMP TABLE seed_countries (iso2 text, iso3 text, name text, continent text,
            currency text, capital text, population bigint, languages text) ON COMMIT DROP;
         CREATE TEMP TABLE seed_cities (geonameid int, name text, country text, admin1 text,
            lat float8, lon float8, population int, tz text) ON COMMIT DROP;
         CREATE TEMP TABLE seed_airports (iata text, name text, country text, lat float8,
            lon float8, tz text, metro int, n serial) ON COMMIT DROP;",
    )
    .execute(&mut *tx)
    .await?;
    copy_csv(&mut tx, "seed_countries", "", COUNTRIES_CSV).await?;
    copy_csv(&mut tx, "seed_cities", "", CITIES_CSV).await?;
    copy_csv(
        &mut tx,
        "seed_airports",
        "(iata, name, country, lat, lon, tz, metro)",
        AIRPORTS_CSV,
    )
    .await?;
    sqlx::query(
        "INSERT INTO countries (code, iso3, name, continent, currency, population)
         SELECT iso2, iso3, name, continent, coalesce(currency, ''), coalesce(population, 0)
         FROM seed_countries WHERE iso2 IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO places (id, kind, name, country, lat, lon, tz, population, metro_id, label, search)
         SELECT c.geonameid, 'city', c.name, c.country, c.lat, c.lon, c.tz, c.population,
                c.geonameid, c.name || ', ' || k.name,
                unaccent(lower(c.name || ' ' || k.name))
         FROM seed_cities c JOIN countries k ON k.code = c.country",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO places (id, kind, name, iata, country, lat, lon, tz, metro_id, label, search)
         SELECT $1 + a.n, 'airport', a.name, a.iata, a.country, a.lat, a.lon, a.tz, m.id,
                CASE WHEN position(lower(m.name) IN lower(a.name)) > 0
                     THEN a.name || ' (' || a.iata || '), ' || k.name
                     ELSE m.name || ' ' || a.name || ' (' || a.iata || '), ' || k.name END,
                unaccent(lower(m.name || ' ' || a.name || ' ' || a.iata || ' ' || k.name))
         FROM seed_airports a
         JOIN countries k ON k.code = a.country
         JOIN places m ON m.id = a.metro",
    )
    .bind(AIRPORT_ID_BASE)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

async fn copy_csv(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    data: &str,
) -> Result<(), sqlx::Error> {
    let mut copy = conn
        .copy_in_raw(&format!(
            "COPY {table} {columns} FROM STDIN WITH (FORMAT csv, HEADER true)"
        ))
        .await?;
    copy.send(data.as_bytes()).await?;
    copy.finish().await?;
    Ok(())
}
