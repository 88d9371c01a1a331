//! Trips (PRODUCT §3): create, edit within the rules, cancel, read, list and search.

use super::places::{self, Place};
use super::{localtime, settings};
use crate::error::{AppError, Problems};
use crate::market::{
    format_kg, Category, Currency, Mode, Money, Page, TripCard, TripDetail, TripForm, TripStatus,
    UserBrief,
};
use sqlx::{PgPool, Postgres, QueryBuilder};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const MIN_CAPACITY_G: i32 = 500;
pub const MAX_CAPACITY_G: i32 = 50_000;
/// 10,000 a kilo in any currency is not a price anyone pays: a typo.
pub const MAX_PRICE_PER_KG_MAJOR: i64 = 10_000;

/// A trip's row with its places and traveler (the `trip_rows` view).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TripRow {
    pub id: Uuid,
    pub traveler_id: Uuid,
    pub origin_id: i32,
    pub destination_id: i32,
    pub origin_metro_id: i32,
    pub destination_metro_id: i32,
    pub stopover_ids: Vec<i32>,
    pub departs_at: OffsetDateTime,
    pub arrives_at: OffsetDateTime,
    pub mode: String,
    pub capacity_g: i32,
    pub remaining_g: i32,
    pub price_per_kg_minor: i64,
    pub currency: String,
    pub categories: Vec<String>,
    pub notes: String,
    pub distance_km: i32,
    pub status: String,
    pub origin_label: String,
    pub origin_tz: String,
    pub origin_lat: f64,
    pub origin_lon: f64,
    pub destination_label: String,
    pub destination_tz: String,
    pub destination_lat: f64,
    pub destination_lon: f64,
    pub traveler_name: String,
    pub traveler_verified: bool,
    pub traveler_rating_x100: Option<i32>,
    pub completed_deliveries: i32,
    pub on_time_deliveries: i32,
    pub reliability_strikes: i32,
    pub traveler_id_verified: bool,
}

impl TripRow {
    pub fn currency(&self) -> Currency {
        Currency::parse(&self.currency).unwrap_or(Currency::Eur)
    }
    pub fn price_per_kg(&self) -> Money {
        Money::new(self.price_per_kg_minor, self.currency())
    }
    /// What the traveler asks for carrying `weight_g` (rounded up to the minor unit).
    pub fn price_for(&self, weight_g: i32) -> Money {
        let minor = (self.price_per_kg_minor * i64::from(weight_g) + 999) / 1000;
        Money::new(minor, self.currency())
    }
    pub fn card(&self) -> TripCard {
        TripCard {
            id: self.id,
            origin: self.origin_label.clone(),
            destination: self.destination_label.clone(),
            departs: localtime::show(self.departs_at, &self.origin_tz),
            arrives: localtime::show(self.arrives_at, &self.destination_tz),
            mode: Mode::parse(&self.mode).unwrap_or(Mode::Plane),
            remaining: format_kg(self.remaining_g),
            capacity: format_kg(self.capacity_g),
            price_per_kg: self.price_per_kg(),
            categories: self
                .categories
                .iter()
                .filter_map(|c| Category::parse(c))
                .collect(),
            status: TripStatus::parse(&self.status).unwrap_or(TripStatus::Published),
            traveler: UserBrief {
                id: self.traveler_id,
                display_name: self.traveler_name.clone(),
                email_verified: self.traveler_verified,
                rating: self
                    .traveler_rating_x100
                    .map(|r| format!("{:.1}", f64::from(r) / 100.0)),
                completed_deliveries: self.completed_deliveries,
            },
        }
    }
}

pub const TRIP_COLUMNS: &str = "SELECT id, traveler_id, origin_id, destination_id, origin_metro_id,
    destination_metro_id, stopover_ids, departs_at, arrives_at, mode, capacity_g, remaining_g,
    price_per_kg_minor, currency, categories, notes, distance_km, status, origin_label, origin_tz,
    origin_lat, origin_lon, destination_label, destination_tz, destination_lat, destination_lon,
    traveler_name, traveler_verified, traveler_rating_x100, completed_deliveries,
    on_time_deliveries, reliability_strikes, traveler_id_verified FROM trip_rows";

pub async fn row(db: impl sqlx::PgExecutor<'_>, id: Uuid) -> Result<TripRow, AppError> {
    sqlx::query_as::<_, TripRow>(&format!("{TRIP_COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("This trip does not exist.".into()))
}

/// What the trip form sends, as typed.
pub type TripInput = TripForm;

/// A trip input that passed every rule.
struct ValidTrip {
    origin: Place,
    destination: Place,
    stopovers: Vec<Place>,
    departs_at: OffsetDateTime,
    arrives_at: OffsetDateTime,
    mode: Mode,
    capacity_g: i32,
    price_per_kg: Money,
    categories: Vec<Category>,
    notes: String,
}

fn echo(i: &TripInput) -> Vec<(&str, String)> {
    vec![
        ("origin", i.origin.clone()),
        ("destination", i.destination.clone()),
        ("stopovers", i.stopovers.clone()),
        ("departs_at", i.departs_at.clone()),
        ("arrives_at", i.arrives_at.clone()),
        ("mode", i.mode.clone()),
        ("capacity_kg", i.capacity_kg.clone()),
        ("price_per_kg", i.price_per_kg.clone()),
        ("currency", i.currency.clone()),
        ("categories", i.categories.join(",")),
        ("notes", i.notes.clone()),
    ]
}

fn with_echo(e: AppError, i: &TripInput) -> AppError {
    let values = echo(i);
    let refs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    e.with_values(&refs)
}

pub const UNKNOWN_PLACE: &str = "We don't know this place. Choose one of the suggestions.";

async fn validate(pool: &PgPool, i: &TripInput) -> Result<ValidTrip, AppError> {
    let mut p = Problems::new();
    let origin = places::resolve(pool, &i.origin).await?;
    let destination = places::resolve(pool, &i.destination).await?;
    if i.origin.trim().is_empty() {
        p.add("origin", "Enter where the trip starts.");
    } else if origin.is_none() {
        p.add("origin", UNKNOWN_PLACE);
    }
    if i.destination.trim().is_empty() {
        p.add("destination", "Enter where the trip ends.");
    } else if destination.is_none() {
        p.add("destination", UNKNOWN_PLACE);
    }
    if let (Some(o), Some(d)) = (&origin, &destination) {
        if o.metro_id == d.metro_id {
            p.add(
                "destination",
                "The destination must be a different city from the origin.",
            );
        }
    }
    let mut stopovers = Vec::new();
    for s in i
        .stopovers
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match places::resolve(pool, s).await? {
            Some(pl) => stopovers.push(pl),
            None => p.add("stopovers", format!("We don't know \"{s}\".")),
        }
    }
    if stopovers.len() > 5 {
        p.add("stopovers", "At most 5 stopovers.");
    }
    let now = OffsetDateTime::now_utc();
    let departs = match &origin {
        Some(o) => match localtime::parse_local(&i.departs_at, &o.tz) {
            Ok(t) if t <= now => {
                p.add("departs_at", "The departure must be in the future.");
                None
            }
            Ok(t) if t > now + Duration::days(365) => {
                p.add("departs_at", "Trips can be posted up to a year ahead.");
                None
            }
            Ok(t) => Some(t),
            Err(m) => {
                p.add("departs_at", m);
                None
            }
        },
        None => None,
    };
    let arrives = match &destination {
        Some(d) => match localtime::parse_local(&i.arrives_at, &d.tz) {
            Ok(t) => Some(t),
            Err(m) => {
                p.add("arrives_at", m);
                None
            }
        },
        None => None,
    };
    if let (Some(dep), Some(arr)) = (departs, arrives) {
        if arr <= dep {
            p.add("arrives_at", "The arrival must be after the departure.");
        } else if arr - dep > Duration::days(30) {
            p.add("arrives_at", "A trip can last at most 30 days.");
        }
    }
    let mode = Mode::parse(i.mode.trim());
    p.check(mode.is_some(), "mode", "Choose how you travel.");
    let capacity = match crate::market::parse_kg(&i.capacity_kg) {
        Ok(g) if (MIN_CAPACITY_G..=MAX_CAPACITY_G).contains(&g) => Some(g),
        Ok(_) => {
            p.add("capacity_kg", "Capacity must be between 0.5 and 50 kg.");
            None
        }
        Err(m) => {
            p.add("capacity_kg", m);
            None
        }
    };
    let currency = Currency::parse(&i.currency);
    p.check(currency.is_some(), "currency", "Choose a currency.");
    let price = currency.and_then(|c| match Money::parse(&i.price_per_kg, c) {
        Ok(m) if m.minor > MAX_PRICE_PER_KG_MAJOR * c.unit() => {
            p.add("price_per_kg", "That price per kg is too high.");
            None
        }
        Ok(m) => Some(m),
        Err(msg) => {
            p.add("price_per_kg", msg);
            None
        }
    });
    let categories: Vec<Category> = i
        .categories
        .iter()
        .filter_map(|c| Category::parse(c))
        .collect();
    p.check(
        !categories.is_empty(),
        "categories",
        "Choose at least one kind of parcel you accept.",
    );
    p.check(
        i.notes.chars().count() <= 2000,
        "notes",
        "Notes can be at most 2,000 characters.",
    );
    p.into_result().map_err(|e| with_echo(e, i))?;
    Ok(ValidTrip {
        origin: origin.unwrap(),
        destination: destination.unwrap(),
        stopovers,
        departs_at: departs.unwrap(),
        arrives_at: arrives.unwrap(),
        mode: mode.unwrap(),
        capacity_g: capacity.unwrap(),
        price_per_kg: price.unwrap(),
        categories,
        notes: i.notes.trim().to_string(),
    })
}

fn codes(categories: &[Category]) -> Vec<String> {
    categories.iter().map(|c| c.code().to_string()).collect()
}

pub async fn create(pool: &PgPool, traveler: Uuid, input: &TripInput) -> Result<Uuid, AppError> {
    let v = validate(pool, input).await?;
    let distance = places::distance_km(
        (v.origin.lat, v.origin.lon),
        (v.destination.lat, v.destination.lon),
    )
    .round() as i32;
    let id = sqlx::query_scalar!(
        "INSERT INTO trips (traveler_id, origin_id, destination_id, origin_metro_id,
            destination_metro_id, stopover_ids, departs_at, arrives_at, mode, capacity_g,
            remaining_g, price_per_kg_minor, currency, categories, notes, distance_km)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14, $15)
         RETURNING id",
        traveler,
        v.origin.id,
        v.destination.id,
        v.origin.metro_id,
        v.destination.metro_id,
        &v.stopovers.iter().map(|s| s.id).collect::<Vec<_>>(),
        v.departs_at,
        v.arrives_at,
        v.mode.code(),
        v.capacity_g,
        v.price_per_kg.minor,
        v.price_per_kg.currency.code(),
        &codes(&v.categories),
        v.notes,
        distance
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// Weight reserved by accepted (and later) bookings.
async fn reserved_g(conn: &mut sqlx::PgConnection, trip: Uuid) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT coalesce(sum(weight_g), 0)::bigint AS "g!" FROM bookings
           WHERE trip_id = $1 AND status IN ('accepted', 'picked_up', 'delivered', 'completed')"#,
        trip
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Edits a published trip. Once a booking is accepted the route and dates stay as they are;
/// notes, price (for future bookings), categories and capacity (not below what is reserved)
/// can still change.
pub async fn update(
    pool: &PgPool,
    user: Uuid,
    id: Uuid,
    input: &TripInput,
) -> Result<(), AppError> {
    let v = validate(pool, input).await?;
    let mut tx = pool.begin().await?;
    let t = sqlx::query!(
        "SELECT traveler_id, status, origin_id, destination_id, stopover_ids, departs_at, arrives_at
         FROM trips WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("This trip does not exist.".into()))?;
    if t.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    if t.status != "published" {
        return Err(AppError::Conflict(
            "Only a published trip can be changed.".into(),
        ));
    }
    let reserved = reserved_g(&mut tx, id).await?;
    let stopovers: Vec<i32> = v.stopovers.iter().map(|s| s.id).collect();
    if reserved > 0 || has_accepted(&mut tx, id).await? {
        let same_route = t.origin_id == v.origin.id
            && t.destination_id == v.destination.id
            && t.stopover_ids == stopovers
            && t.departs_at == v.departs_at
            && t.arrives_at == v.arrives_at;
        if !same_route {
            return Err(AppError::Conflict(
                "A booking is accepted on this trip: its route and dates can no longer change."
                    .into(),
            ));
        }
    }
    if i64::from(v.capacity_g) < reserved {
        return Err(with_echo(
            AppError::validation(
                "capacity_kg",
                format!(
                    "{} is already booked; capacity cannot be less.",
                    format_kg(reserved as i32)
                ),
            ),
            input,
        ));
    }
    let distance = places::distance_km(
        (v.origin.lat, v.origin.lon),
        (v.destination.lat, v.destination.lon),
    )
    .round() as i32;
    sqlx::query!(
        "UPDATE trips SET origin_id = $2, destination_id = $3, origin_metro_id = $4,
            destination_metro_id = $5, stopover_ids = $6, departs_at = $7, arrives_at = $8,
            mode = $9, capacity_g = $10, remaining_g = $10 - $11::int, price_per_kg_minor = $12,
            currency = $13, categories = $14, notes = $15, distance_km = $16, updated_at = now()
         WHERE id = $1",
        id,
        v.origin.id,
        v.destination.id,
        v.origin.metro_id,
        v.destination.metro_id,
        &stopovers,
        v.departs_at,
        v.arrives_at,
        v.mode.code(),
        v.capacity_g,
        reserved as i32,
        v.price_per_kg.minor,
        v.price_per_kg.currency.code(),
        &codes(&v.categories),
        v.notes,
        distance
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn has_accepted(conn: &mut sqlx::PgConnection, trip: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE trip_id = $1
             AND status IN ('accepted', 'picked_up', 'delivered', 'completed')) AS "e!""#,
        trip
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// The traveler cancels a published trip: open requests close, accepted bookings are cancelled
/// by the traveler (a reliability strike each) and their parcels are open again.
pub async fn cancel(pool: &PgPool, user: Uuid, id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let t = sqlx::query!(
        "SELECT traveler_id, status FROM trips WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("This trip does not exist.".into()))?;
    if t.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    if t.status == "cancelled" {
        return Ok(());
    }
    if t.status != "published" {
        return Err(AppError::Conflict(
            "This trip has already departed and can no longer be cancelled.".into(),
        ));
    }
    // A pickup locks the trip row too, so no parcel can be picked up while this runs.
    let carrying = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE trip_id = $1
             AND status IN ('picked_up', 'delivered')) AS "x!""#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if carrying {
        return Err(AppError::Conflict(
            "You already carry a parcel on this trip: deliver it, or open a dispute if you cannot."
                .into(),
        ));
    }
    sqlx::query!(
        "UPDATE trips SET status = 'cancelled', updated_at = now() WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    super::bookings::close_for_trip(&mut tx, id, user).await?;
    tx.commit().await?;
    Ok(())
}

/// A trip page. Anyone may read a trip; only its traveler sees the edit form values.
pub async fn detail(pool: &PgPool, viewer: Option<Uuid>, id: Uuid) -> Result<TripDetail, AppError> {
    let r = row(pool, id).await?;
    let is_owner = viewer == Some(r.traveler_id);
    let mut conn = pool.acquire().await?;
    let route_locked = has_accepted(&mut conn, id).await?;
    let stopovers = sqlx::query_scalar!(
        "SELECT label FROM places p JOIN unnest($1::int[]) WITH ORDINALITY s(id, n) ON s.id = p.id
         ORDER BY s.n",
        &r.stopover_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let form = if is_owner {
        TripForm {
            origin: r.origin_label.clone(),
            destination: r.destination_label.clone(),
            stopovers: stopovers.join("; "),
            departs_at: localtime::input_value(r.departs_at, &r.origin_tz),
            arrives_at: localtime::input_value(r.arrives_at, &r.destination_tz),
            mode: r.mode.clone(),
            capacity_kg: format_kg(r.capacity_g).trim_end_matches(" kg").to_string(),
            price_per_kg: r.price_per_kg().input_value(),
            currency: r.currency.clone(),
            categories: r.categories.clone(),
            notes: r.notes.clone(),
        }
    } else {
        TripForm::default()
    };
    let ticket_status = if is_owner {
        Some(
            sqlx::query_scalar!("SELECT ticket_status FROM trips WHERE id = $1", id)
                .fetch_one(&mut *conn)
                .await?,
        )
    } else {
        None
    };
    Ok(TripDetail {
        card: r.card(),
        notes: r.notes.clone(),
        stopovers,
        distance_km: r.distance_km,
        is_owner,
        route_locked,
        form,
        ticket_status,
    })
}

pub async fn list_mine(pool: &PgPool, user: Uuid) -> Result<Vec<TripCard>, AppError> {
    let rows = sqlx::query_as::<_, TripRow>(&format!(
        "{TRIP_COLUMNS} WHERE traveler_id = $1 ORDER BY departs_at DESC LIMIT 200"
    ))
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(TripRow::card).collect())
}

/// A sender's trip search.
#[derive(Debug, Clone, Default)]
pub struct TripSearch {
    pub origin: Option<i32>,
    pub destination: Option<i32>,
    pub from: Option<time::Date>,
    pub to: Option<time::Date>,
    pub category: Option<Category>,
    /// Price per kg at most, in the given currency.
    pub max_price: Option<Money>,
    pub min_rating_x100: Option<i32>,
    pub verified_only: bool,
    pub sort: SearchSort,
    pub page: u32,
    pub exclude_user: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSort {
    #[default]
    Soonest,
    Cheapest,
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

pub const PAGE_SIZE: i64 = 20;

/// Published trips that still take bookings, by route (metro areas near the chosen places),
/// dates and filters. Served by `trips_route_idx` / `trips_departs_idx`.
pub async fn search(pool: &PgPool, s: &TripSearch) -> Result<Page<TripCard>, AppError> {
    let settings = settings::load(pool).await?;
    let mut conn = pool.acquire().await?;
    let origin_metros = match s.origin {
        Some(id) => Some(metros_of(&mut conn, id, settings.match_radius_km).await?),
        None => None,
    };
    let destination_metros = match s.destination {
        Some(id) => Some(metros_of(&mut conn, id, settings.match_radius_km).await?),
        None => None,
    };
    // The page of ids is chosen from `trips` alone (joined to users only when a filter or the
    // order needs them); only those rows are then read with their places and traveler.
    let needs_users =
        s.min_rating_x100.is_some() || s.verified_only || s.sort == SearchSort::BestMatch;
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "{TRIP_COLUMNS} WHERE id IN (SELECT t.id FROM trips t"
    ));
    if needs_users {
        q.push(" JOIN users u ON u.id = t.traveler_id");
    }
    q.push(" WHERE t.status = 'published' AND t.departs_at > now() + make_interval(hours => ")
        .push_bind(settings.booking_cutoff_hours as i32)
        .push(")");
    if let Some(m) = &origin_metros {
        q.push(" AND t.origin_metro_id = ANY(")
            .push_bind(m.clone())
            .push(")");
    }
    if let Some(m) = &destination_metros {
        q.push(" AND t.destination_metro_id = ANY(")
            .push_bind(m.clone())
            .push(")");
    }
    if let Some(d) = s.from {
        q.push(" AND t.departs_at >= ")
            .push_bind(d.midnight().assume_utc());
    }
    if let Some(d) = s.to {
        q.push(" AND t.departs_at < ")
            .push_bind(d.midnight().assume_utc() + Duration::days(1));
    }
    if let Some(c) = s.category {
        q.push(" AND ")
            .push_bind(c.code())
            .push(" = ANY(t.categories)");
    }
    if let Some(m) = s.max_price {
        q.push(" AND t.currency = ")
            .push_bind(m.currency.code())
            .push(" AND t.price_per_kg_minor <= ")
            .push_bind(m.minor);
    }
    if let Some(r) = s.min_rating_x100 {
        q.push(" AND u.traveler_rating_x100 >= ").push_bind(r);
    }
    if s.verified_only {
        q.push(" AND u.email_verified_at IS NOT NULL");
    }
    if let Some(u) = s.exclude_user {
        q.push(" AND t.traveler_id <> ").push_bind(u);
    }
    // With a route, Postgres would walk the departure index hoping to meet matching trips
    // early, and on a rare route read most of it. `+ interval '0'` keeps it on the route index.
    let soonest = if origin_metros.is_some() || destination_metros.is_some() {
        "t.departs_at + interval '0 seconds', t.id"
    } else {
        "t.departs_at, t.id"
    };
    let (inner, outer) = match s.sort {
        SearchSort::Soonest => (soonest, "departs_at, id"),
        SearchSort::Cheapest => (
            "t.price_per_kg_minor, t.departs_at, t.id",
            "price_per_kg_minor, departs_at, id",
        ),
        // Best match for a search (no parcel yet): well-reviewed, experienced travelers first.
        SearchSort::BestMatch => (
            "coalesce(u.traveler_rating_x100, 0) DESC, u.completed_deliveries DESC, t.departs_at, t.id",
            "coalesce(traveler_rating_x100, 0) DESC, completed_deliveries DESC, departs_at, id",
        ),
    };
    q.push(format!(" ORDER BY {inner} LIMIT "))
        .push_bind(PAGE_SIZE + 1)
        .push(" OFFSET ")
        .push_bind(i64::from(s.page.saturating_sub(1).min(500)) * PAGE_SIZE)
        .push(format!(") ORDER BY {outer}"));
    let mut rows: Vec<TripRow> = q.build_query_as().fetch_all(&mut *conn).await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok(Page {
        items: rows.iter().map(TripRow::card).collect(),
        page: s.page.max(1),
        has_next,
    })
}

/// The metro areas near a chosen place (the place's own metro included).
pub async fn metros_of(
    conn: &mut sqlx::PgConnection,
    place: i32,
    radius_km: i32,
) -> Result<Vec<i32>, AppError> {
    let metro = sqlx::query_scalar!("SELECT metro_id FROM places WHERE id = $1", place)
        .fetch_optional(&mut *conn)
        .await?;
    match metro {
        Some(m) => places::metros_near(conn, m, radius_km).await,
        None => Ok(vec![]),
    }
}

/// The traveler's ticket or boarding pass: a photo (re-encoded like parcel photos, so its
/// metadata goes) or a PDF, at most 8 MB. Private: only the traveler and admins can open it.
pub async fn attach_ticket(
    pool: &PgPool,
    upload_dir: &std::path::Path,
    user: Uuid,
    trip: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    let t = sqlx::query!("SELECT traveler_id, status FROM trips WHERE id = $1", trip)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::NotFound("This trip does not exist.".into()))?;
    if t.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    if t.status != "published" {
        return Err(AppError::Conflict(
            "A ticket can only be added to a published trip.".into(),
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::validation("ticket", "Choose a file."));
    }
    let (data, ext) = if bytes.starts_with(b"%PDF-") {
        if bytes.len() > super::photos::MAX_BYTES {
            return Err(AppError::validation(
                "ticket",
                "The file can be at most 8 MB.",
            ));
        }
        (bytes, "pdf")
    } else {
        let name = name.chars().take(80).collect::<String>();
        let p = tokio::task::spawn_blocking(move || super::photos::process(&bytes))
            .await
            .map_err(AppError::internal)?
            .map_err(|m| {
                AppError::validation(
                    "ticket",
                    if m == super::photos::WRONG_TYPE {
                        format!("{name}: a ticket must be a PDF or a JPEG, PNG or WebP image.")
                    } else {
                        format!("{name}: {m}")
                    },
                )
            })?;
        (p.full, "jpg")
    };
    let dir = upload_dir.join("tickets");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let file = format!("{trip}-{}.{ext}", Uuid::new_v4().simple());
    tokio::fs::write(dir.join(&file), &data)
        .await
        .map_err(AppError::internal)?;
    let old = sqlx::query_scalar!(
        r#"WITH old AS (SELECT ticket_file FROM trips WHERE id = $1 FOR UPDATE)
           UPDATE trips SET ticket_file = $2, ticket_status = 'submitted',
               ticket_uploaded_at = now(), updated_at = now()
           FROM old WHERE trips.id = $1 RETURNING old.ticket_file"#,
        trip,
        file
    )
    .fetch_one(pool)
    .await?;
    if let Some(old) = old {
        let _ = tokio::fs::remove_file(dir.join(old)).await;
    }
    Ok(())
}

/// The ticket file's path and content type, for its traveler or an admin; "not found" for
/// anyone else.
pub async fn ticket_file(
    pool: &PgPool,
    upload_dir: &std::path::Path,
    viewer: Uuid,
    viewer_is_admin: bool,
    trip: Uuid,
) -> Result<(std::path::PathBuf, &'static str), AppError> {
    let t = sqlx::query!(
        "SELECT traveler_id, ticket_file FROM trips WHERE id = $1",
        trip
    )
    .fetch_optional(pool)
    .await?;
    match t {
        Some(t) if t.traveler_id == viewer || viewer_is_admin => {
            let file = t
                .ticket_file
                .ok_or_else(|| AppError::NotFound("No ticket was added.".into()))?;
            let kind = if file.ends_with(".pdf") {
                "application/pdf"
            } else {
                "image/jpeg"
            };
            Ok((upload_dir.join("tickets").join(file), kind))
        }
        _ => Err(AppError::NotFound("No ticket was added.".into())),
    }
}
