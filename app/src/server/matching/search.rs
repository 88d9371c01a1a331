//! Search (PRODUCT §5): senders search trips, travelers search parcels, by route (metro areas
//! near the chosen places), dates, filters and sort, a page at a time. The page of ids is chosen
//! from the listings' own table on their route and date indexes; only those rows are then read.

use crate::error::{AppError, Problems};
use crate::i18n::tr;
use crate::server::parcels::store::{self as parcels, ParcelRow};
use crate::server::places;
use crate::server::settings;
use crate::server::time;
use crate::server::trips::store::{self as trips, TripRow};
use crate::types::matching::{Page, SearchQuery};
use crate::types::parcels::ParcelCard;
use crate::types::trips::TripCard;
use crate::types::{parse_kg, Category, Currency, Money, ParcelId, TripId, UserId};
use ::time::{Date, Duration};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

pub const PAGE_SIZE: i64 = 20;
/// Deeper pages than this are not served (nobody reads them; they cost a long scan).
pub const MAX_PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSort {
    #[default]
    Soonest,
    /// Cheapest for senders; best paid first for travelers.
    Cheapest,
    /// Well-reviewed, experienced members first.
    BestMatch,
}

impl SearchSort {
    pub fn parse(s: &str) -> SearchSort {
        match s {
            "cheapest" => SearchSort::Cheapest,
            "best" => SearchSort::BestMatch,
            _ => SearchSort::Soonest,
        }
    }
}

/// The filters of either search, parsed from the page address.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub origin: Option<i32>,
    pub destination: Option<i32>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub category: Option<Category>,
    /// Trips: the highest price per kg. Parcels: the lowest reward.
    pub money: Option<Money>,
    pub min_rating_x100: Option<i32>,
    pub verified_only: bool,
    /// Parcels only: what fits in the traveler's bag.
    pub max_weight_g: Option<i32>,
    pub sort: SearchSort,
    pub page: u32,
    /// The member searching, whose own listings are left out.
    pub exclude_user: Option<UserId>,
}

impl Filters {
    /// Reads the search form. A place that was typed but is not known, a bad date or amount is
    /// a validation error naming the field.
    pub async fn parse(
        pool: &PgPool,
        q: &SearchQuery,
        max_weight_kg: &str,
        viewer: Option<UserId>,
    ) -> Result<Filters, AppError> {
        let mut p = Problems::new();
        let mut place = |typed: &str, field: &str, found: Option<places::Place>| {
            if !typed.trim().is_empty() && found.is_none() {
                p.add(field, crate::i18n::tr(places::UNKNOWN_PLACE));
            }
            found.map(|f| f.id)
        };
        let o = places::resolve(pool, &q.from).await?;
        let d = places::resolve(pool, &q.to).await?;
        let origin = place(&q.from, "from", o);
        let destination = place(&q.to, "to", d);
        let mut date = |s: &str, field: &str| {
            if s.trim().is_empty() {
                return None;
            }
            match time::parse_date(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    p.add(field, m);
                    None
                }
            }
        };
        let from = date(&q.date_from, "date_from");
        let to = date(&q.date_to, "date_to");
        if let (Some(a), Some(b)) = (from, to) {
            if b < a {
                p.add(
                    "date_to",
                    tr("The end of the window must be after its start."),
                );
            }
        }
        let currency = Currency::parse(&q.currency).unwrap_or(Currency::Eur);
        let money = match q.max_price.trim() {
            "" => None,
            typed => Money::parse(typed, currency)
                .map_err(|e| p.add("max_price", e))
                .ok(),
        };
        let min_rating_x100 = match q.min_rating.trim() {
            "" => None,
            r => match r.parse::<f64>() {
                Ok(v) if (1.0..=5.0).contains(&v) => Some(hundredths(v)),
                _ => {
                    p.add("min_rating", tr("A rating between 1 and 5."));
                    None
                }
            },
        };
        let max_weight_g = match max_weight_kg.trim() {
            "" => None,
            w => parse_kg(w).map_err(|m| p.add("max_weight", m)).ok(),
        };
        p.into_result()?;
        Ok(Filters {
            origin,
            destination,
            from,
            to,
            category: Category::parse(&q.category),
            money,
            min_rating_x100,
            verified_only: q.verified,
            max_weight_g,
            sort: SearchSort::parse(&q.sort),
            page: q.page.clamp(1, MAX_PAGE),
            exclude_user: viewer,
        })
    }

    fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * PAGE_SIZE
    }

    fn needs_users(&self) -> bool {
        self.min_rating_x100.is_some() || self.verified_only || self.sort == SearchSort::BestMatch
    }
}

/// A rating between 1 and 5 as stored (×100).
#[allow(clippy::cast_possible_truncation)] // Checked to be between 1 and 5.
fn hundredths(v: f64) -> i32 {
    (v * 100.0).round() as i32
}

async fn metros(
    conn: &mut PgConnection,
    place: Option<i32>,
    radius: i32,
) -> Result<Option<Vec<i32>>, AppError> {
    match place {
        Some(id) => Ok(Some(places::metros_of(conn, id, radius).await?)),
        None => Ok(None),
    }
}

/// One page of ids, and whether there is another.
fn paged<T>(mut ids: Vec<T>) -> (Vec<T>, bool) {
    let has_next = ids.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    ids.truncate(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX));
    (ids, has_next)
}

/// Published trips that still take bookings, a page of cards.
pub async fn trips(pool: &PgPool, f: &Filters) -> Result<Page<TripCard>, AppError> {
    let (rows, has_next) = trip_rows(pool, f).await?;
    Ok(Page {
        items: rows.iter().map(TripRow::card).collect(),
        page: f.page,
        has_next,
    })
}

/// Published trips that still take bookings: a page of rows and whether another follows.
/// Served by `trips_route_idx` / `trips_departs_idx`.
pub async fn trip_rows(pool: &PgPool, f: &Filters) -> Result<(Vec<TripRow>, bool), AppError> {
    let s = settings::current(pool).await?;
    let mut conn = pool.acquire().await?;
    let origin = metros(&mut conn, f.origin, s.match_radius_km).await?;
    let destination = metros(&mut conn, f.destination, s.match_radius_km).await?;
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new("SELECT t.id FROM trips t");
    if f.needs_users() {
        q.push(" JOIN users u ON u.id = t.traveler_id");
    }
    q.push(
        " WHERE t.status = 'published' AND in_good_standing(t.traveler_id)
          AND t.departs_at > now() + make_interval(hours => ",
    )
    .push_bind(i32::try_from(s.booking_cutoff_hours).unwrap_or(i32::MAX))
    .push(")");
    if let Some(m) = &origin {
        q.push(" AND t.origin_metro_id = ANY(")
            .push_bind(m.clone())
            .push(")");
    }
    if let Some(m) = &destination {
        q.push(" AND t.destination_metro_id = ANY(")
            .push_bind(m.clone())
            .push(")");
    }
    if let Some(d) = f.from {
        q.push(" AND t.departs_at >= ")
            .push_bind(d.midnight().assume_utc());
    }
    if let Some(d) = f.to {
        q.push(" AND t.departs_at < ")
            .push_bind(d.midnight().assume_utc() + Duration::days(1));
    }
    if let Some(c) = f.category {
        q.push(" AND ").push_bind(c).push(" = ANY(t.categories)");
    }
    if let Some(m) = f.money {
        q.push(" AND t.currency = ")
            .push_bind(m.currency)
            .push(" AND t.price_per_kg_minor <= ")
            .push_bind(m.minor);
    }
    if let Some(r) = f.min_rating_x100 {
        q.push(" AND u.traveler_rating_x100 >= ").push_bind(r);
    }
    if f.verified_only {
        q.push(" AND u.id_verified_at IS NOT NULL");
    }
    if let Some(u) = f.exclude_user {
        q.push(" AND t.traveler_id <> ").push_bind(u);
    }
    // With a route, Postgres would walk the departure index hoping to meet matching trips
    // early, and on a rare route read most of it. `+ interval '0'` keeps it on the route index.
    let order = match f.sort {
        SearchSort::Soonest if origin.is_some() || destination.is_some() => {
            "t.departs_at + interval '0 seconds', t.id"
        }
        SearchSort::Soonest => "t.departs_at, t.id",
        SearchSort::Cheapest => "t.price_per_kg_minor, t.departs_at, t.id",
        SearchSort::BestMatch => {
            "coalesce(u.traveler_rating_x100, 0) DESC, u.completed_deliveries DESC, t.departs_at, t.id"
        }
    };
    q.push(format!(" ORDER BY {order} LIMIT "))
        .push_bind(PAGE_SIZE + 1)
        .push(" OFFSET ")
        .push_bind(f.offset());
    let ids: Vec<TripId> = q.build_query_scalar().fetch_all(&mut *conn).await?;
    let (ids, has_next) = paged(ids);
    Ok((trips::rows(&mut *conn, &ids).await?, has_next))
}

/// Open parcels, a page of cards.
pub async fn parcels(pool: &PgPool, f: &Filters) -> Result<Page<ParcelCard>, AppError> {
    let (rows, has_next) = parcel_rows(pool, f).await?;
    Ok(Page {
        items: rows.iter().map(ParcelRow::card).collect(),
        page: f.page,
        has_next,
    })
}

/// Open parcels (approved, not booked, with a photo): ready by the end of the window and not
/// due before its start. A page of rows and whether another follows.
pub async fn parcel_rows(pool: &PgPool, f: &Filters) -> Result<(Vec<ParcelRow>, bool), AppError> {
    let radius = settings::current(pool).await?.match_radius_km;
    let mut conn = pool.acquire().await?;
    let origin = metros(&mut conn, f.origin, radius).await?;
    let destination = metros(&mut conn, f.destination, radius).await?;
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new("SELECT p.id FROM parcels p");
    if f.needs_users() {
        q.push(" JOIN users u ON u.id = p.sender_id");
    }
    // PRODUCT §4: a parcel has 1–5 photos; until its first, it is not listed.
    q.push(
        " WHERE p.status = 'open' AND p.deliver_by >= current_date AND in_good_standing(p.sender_id)
          AND EXISTS (SELECT 1 FROM parcel_photos ph WHERE ph.parcel_id = p.id)",
    );
    if let Some(m) = &origin {
        q.push(" AND p.pickup_metro_id = ANY(")
            .push_bind(m.clone())
            .push(")");
    }
    if let Some(m) = &destination {
        q.push(" AND p.delivery_metro_id = ANY(")
            .push_bind(m.clone())
            .push(")");
    }
    if let Some(d) = f.to {
        q.push(" AND p.ready_from <= ").push_bind(d);
    }
    if let Some(d) = f.from {
        q.push(" AND p.deliver_by >= ").push_bind(d);
    }
    if let Some(c) = f.category {
        q.push(" AND p.category = ").push_bind(c);
    }
    if let Some(w) = f.max_weight_g {
        q.push(" AND p.weight_g <= ").push_bind(w);
    }
    if let Some(m) = f.money {
        q.push(" AND p.currency = ")
            .push_bind(m.currency)
            .push(" AND p.reward_minor >= ")
            .push_bind(m.minor);
    }
    if let Some(r) = f.min_rating_x100 {
        q.push(" AND u.sender_rating_x100 >= ").push_bind(r);
    }
    if f.verified_only {
        q.push(" AND u.id_verified_at IS NOT NULL");
    }
    if let Some(u) = f.exclude_user {
        q.push(" AND p.sender_id <> ").push_bind(u);
    }
    // As for trips: with a route, stay on the route index.
    let order = match f.sort {
        SearchSort::Soonest if origin.is_some() || destination.is_some() => {
            "p.ready_from + 0, p.id"
        }
        SearchSort::Soonest => "p.ready_from, p.id",
        SearchSort::Cheapest => "p.reward_minor DESC, p.ready_from, p.id",
        SearchSort::BestMatch => {
            "coalesce(u.sender_rating_x100, 0) DESC, u.completed_deliveries DESC, p.ready_from, p.id"
        }
    };
    q.push(format!(" ORDER BY {order} LIMIT "))
        .push_bind(PAGE_SIZE + 1)
        .push(" OFFSET ")
        .push_bind(f.offset());
    let ids: Vec<ParcelId> = q.build_query_scalar().fetch_all(&mut *conn).await?;
    let (ids, has_next) = paged(ids);
    Ok((parcels::rows(&mut *conn, &ids).await?, has_next))
}
