//! Places (PRODUCT §2): countries, cities and airports, each airport in a metro area;
//! autocomplete, resolving what a user typed, metro areas near each other, and great-circle
//! distances. `seed` loads them.

pub mod seed;

use crate::error::{AppError, Problems};
use crate::types::places::PlaceSuggestion;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, OnceLock};

/// Places do not change once loaded (the same data on every instance), so what a typed name
/// resolves to and which metro areas lie near a place are remembered by each process: a search
/// then costs no round trip for its places. Only places found are kept, at most `MEMO_MAX`
/// of each kind (then it starts again), so odd inputs cannot fill the memory.
struct Memo<K, V>(OnceLock<Mutex<HashMap<K, V>>>);

const MEMO_MAX: usize = 20_000;

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    const fn new() -> Self {
        Memo(OnceLock::new())
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
        self.0
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, k: &K) -> Option<V> {
        self.map().get(k).cloned()
    }

    fn put(&self, k: K, v: V) {
        let mut m = self.map();
        if m.len() >= MEMO_MAX {
            m.clear();
        }
        m.insert(k, v);
    }
}

static RESOLVED: Memo<String, Place> = Memo::new();
static NEAR: Memo<(i32, i32), Vec<i32>> = Memo::new();

/// Autocomplete: an exact IATA code first, then names that start with what was typed (bigger
/// metro areas first, a city before its airports), then words that start with it, then fuzzy
/// trigram matches (typos). "par" gives Paris, then Paris's airports, then Parma...
pub async fn search(pool: &PgPool, q: &str, limit: i64) -> Result<Vec<PlaceSuggestion>, AppError> {
    ranked(pool, q, limit, 3).await
}

/// `max_rank`: 0 exact code, 1 name prefix, 2 word prefix, 3 fuzzy.
async fn ranked(
    pool: &PgPool,
    q: &str,
    limit: i64,
    max_rank: i32,
) -> Result<Vec<PlaceSuggestion>, AppError> {
    let q = q.trim();
    if q.chars().count() < 2 || q.len() > 100 {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"WITH q AS (SELECT unaccent(lower($1::text)) AS t, upper($1::text) AS code),
        hits AS (
            SELECT p.id, p.label, p.kind, m.population AS metro_pop,
                   similarity(p.search, q.t) AS sim,
                   CASE WHEN p.iata IS NOT NULL AND p.iata = q.code THEN 0
                        WHEN p.search LIKE q.t || '%' THEN 1
                        WHEN p.search LIKE '% ' || q.t || '%' THEN 2
                        ELSE 3 END AS rank
            FROM places p JOIN places m ON m.id = p.metro_id, q
            WHERE p.search LIKE q.t || '%'
               OR p.search LIKE '% ' || q.t || '%'
               OR p.iata = q.code
               OR (length(q.t) >= 4 AND p.search % q.t)
        )
        SELECT id AS "id!", label AS "label!", kind AS "kind!" FROM hits
        WHERE rank <= $3
        ORDER BY rank, metro_pop DESC, (kind = 'city') DESC, sim DESC, id
        LIMIT $2"#,
        q,
        limit,
        max_rank
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PlaceSuggestion {
            id: r.id,
            label: r.label,
            airport: r.kind == "airport",
        })
        .collect())
}

/// A place as the services use it.
#[derive(Debug, Clone)]
pub struct Place {
    pub id: i32,
    pub metro_id: i32,
    pub label: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub tz: String,
}

pub async fn get(pool: &PgPool, id: i32) -> Result<Option<Place>, AppError> {
    Ok(sqlx::query_as!(
        Place,
        "SELECT id, metro_id, label, country, lat, lon, tz FROM places WHERE id = $1",
        id
    )
    .fetch_optional(pool)
    .await?)
}

/// What the user typed in a place field: an exact label (chosen from the suggestions), an IATA
/// code, or a name — the best suggestion wins. `None` when nothing matches.
pub async fn resolve(pool: &PgPool, typed: &str) -> Result<Option<Place>, AppError> {
    let typed = typed.trim();
    if typed.is_empty() || typed.len() > 200 {
        return Ok(None);
    }
    if let Some(p) = RESOLVED.get(&typed.to_string()) {
        return Ok(Some(p));
    }
    let exact = sqlx::query_scalar!(
        "SELECT id FROM places WHERE label = $1 ORDER BY population DESC, id LIMIT 1",
        typed
    )
    .fetch_optional(pool)
    .await?;
    let id = match exact {
        Some(id) => Some(id),
        // A typo is fine in the suggestions, but a form only takes a place that was named.
        None => ranked(pool, typed, 1, 2).await?.first().map(|s| s.id),
    };
    let found = match id {
        Some(id) => get(pool, id).await?,
        None => None,
    };
    if let Some(p) = &found {
        RESOLVED.put(typed.to_string(), p.clone());
    }
    Ok(found)
}

pub const UNKNOWN_PLACE: &str =
    crate::i18n::key("We don't know this place. Choose one of the suggestions.");

/// A place field of a form: what was typed, resolved, or a problem recorded under `field`
/// (`empty` when nothing was typed).
pub async fn field(
    pool: &PgPool,
    p: &mut Problems,
    field: &str,
    typed: &str,
    empty: &str,
) -> Result<Option<Place>, AppError> {
    if typed.trim().is_empty() {
        p.add(field, empty);
        return Ok(None);
    }
    let found = resolve(pool, typed).await?;
    if found.is_none() {
        p.add(field, crate::i18n::tr(UNKNOWN_PLACE));
    }
    Ok(found)
}

/// The metro areas near a chosen place (the place's own metro included).
pub async fn metros_of(
    conn: &mut PgConnection,
    place: i32,
    radius_km: i32,
) -> Result<Vec<i32>, AppError> {
    if let Some(near) = NEAR.get(&(place, radius_km)) {
        return Ok(near);
    }
    let metro = sqlx::query_scalar!("SELECT metro_id FROM places WHERE id = $1", place)
        .fetch_optional(&mut *conn)
        .await?;
    match metro {
        Some(m) => {
            let near = metros_near(conn, m, radius_km).await?;
            NEAR.put((place, radius_km), near.clone());
            Ok(near)
        }
        None => Ok(vec![]),
    }
}

/// Great-circle distance in whole km, for storing with a listing.
pub fn distance_km_rounded(a: &Place, b: &Place) -> i32 {
    let km = distance_km((a.lat, a.lon), (b.lat, b.lon)).round();
    #[allow(clippy::cast_possible_truncation)] // At most half the Earth's girth: 20,000 km.
    let km = km as i32;
    km
}

/// Great-circle distance in km (haversine, mean Earth radius).
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Metro areas (city ids) whose centre lies within `radius_km` of the given metro's centre,
/// itself included. Matching treats them as the same place.
pub async fn metros_near(
    conn: &mut PgConnection,
    metro_id: i32,
    radius_km: i32,
) -> Result<Vec<i32>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.lat, c.lon, m.lat AS mlat, m.lon AS mlon
           FROM places m JOIN places c ON c.kind = 'city'
             AND c.lat BETWEEN m.lat - $2::float8 / 111.0 AND m.lat + $2::float8 / 111.0
           WHERE m.id = $1"#,
        metro_id,
        f64::from(radius_km)
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut ids: Vec<i32> = rows
        .into_iter()
        .filter(|r| distance_km((r.lat, r.lon), (r.mlat, r.mlon)) <= f64::from(radius_km))
        .map(|r| r.id)
        .collect();
    if !ids.contains(&metro_id) {
        ids.push(metro_id);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle() {
        let paris = (48.85341, 2.3488);
        let london = (51.50853, -0.12574);
        let d = distance_km(paris, london);
        assert!((330.0..350.0).contains(&d), "{d}");
        assert_eq!(distance_km(paris, paris), 0.0);
    }
}
