//! The trip form, parsed: a `ValidTrip` exists only when every rule of PRODUCT §3 holds. Every
//! problem is reported at once, next to its field, with what was typed echoed back.

use crate::error::{printable, AppError, Problems};
use crate::i18n::tr;
use crate::server::places::{self, Place};
use crate::server::time;
use crate::types::trips::TripForm;
use crate::types::{parse_kg, Category, Currency, Mode, Money};
use ::time::{Duration, OffsetDateTime};
use sqlx::PgPool;

pub const MIN_CAPACITY_G: i32 = 500;
pub const MAX_CAPACITY_G: i32 = 50_000;
/// 10,000 a kilo in any currency is not a price anyone pays: a typo.
pub const MAX_PRICE_PER_KG_MAJOR: i64 = 10_000;
pub const MAX_STOPOVERS: usize = 5;

/// A trip input that passed every rule.
pub struct ValidTrip {
    pub origin: Place,
    pub destination: Place,
    pub stopovers: Vec<Place>,
    pub departs_at: OffsetDateTime,
    pub arrives_at: OffsetDateTime,
    pub mode: Mode,
    pub capacity_g: i32,
    pub price_per_kg: Money,
    pub categories: Vec<Category>,
    pub notes: String,
}

impl ValidTrip {
    pub fn stopover_ids(&self) -> Vec<i32> {
        self.stopovers.iter().map(|s| s.id).collect()
    }
}

/// The error with what was typed, so a form posted without JavaScript comes back filled in.
pub fn with_echo(e: AppError, i: &TripForm) -> AppError {
    let categories = i.categories.join(",");
    e.with_values(&[
        ("origin", &i.origin),
        ("destination", &i.destination),
        ("stopovers", &i.stopovers),
        ("departs_at", &i.departs_at),
        ("arrives_at", &i.arrives_at),
        ("mode", &i.mode),
        ("capacity_kg", &i.capacity_kg),
        ("price_per_kg", &i.price_per_kg),
        ("currency", &i.currency),
        ("categories", &categories),
        ("notes", &i.notes),
    ])
}

pub async fn parse(pool: &PgPool, i: &TripForm) -> Result<ValidTrip, AppError> {
    let mut p = Problems::new();
    let (origin, destination, stopovers) = route(pool, &mut p, i).await?;
    let (departs_at, arrives_at) = times(&mut p, i, origin.as_ref(), destination.as_ref());
    let mode = Mode::parse(i.mode.trim());
    p.check(mode.is_some(), "mode", "Choose how you travel.");
    let capacity_g = match parse_kg(&i.capacity_kg) {
        Ok(g) if (MIN_CAPACITY_G..=MAX_CAPACITY_G).contains(&g) => Some(g),
        Ok(_) => {
            p.add("capacity_kg", tr("Capacity must be between 0.5 and 50 kg."));
            None
        }
        Err(m) => {
            p.add("capacity_kg", m);
            None
        }
    };
    let price_per_kg = price(&mut p, i);
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
    p.check(
        printable(&i.notes, true),
        "notes",
        "The notes have characters we can't show; type them again.",
    );
    p.into_result().map_err(|e| with_echo(e, i))?;
    match (
        origin,
        destination,
        departs_at,
        arrives_at,
        mode,
        capacity_g,
        price_per_kg,
    ) {
        (Some(o), Some(d), Some(dep), Some(arr), Some(mode), Some(cap), Some(price)) => {
            Ok(ValidTrip {
                origin: o,
                destination: d,
                stopovers,
                departs_at: dep,
                arrives_at: arr,
                mode,
                capacity_g: cap,
                price_per_kg: price,
                categories,
                notes: i.notes.trim().to_string(),
            })
        }
        _ => Err(AppError::internal("trip form checked")),
    }
}

type Route = (Option<Place>, Option<Place>, Vec<Place>);

async fn route(pool: &PgPool, p: &mut Problems, i: &TripForm) -> Result<Route, AppError> {
    let origin =
        places::field(pool, p, "origin", &i.origin, "Enter where the trip starts.").await?;
    let destination = places::field(
        pool,
        p,
        "destination",
        &i.destination,
        "Enter where the trip ends.",
    )
    .await?;
    if let (Some(o), Some(d)) = (&origin, &destination) {
        if o.metro_id == d.metro_id {
            p.add(
                "destination",
                crate::i18n::tr("The destination must be a different city from the origin."),
            );
        }
    }
    let mut stopovers = Vec::new();
    let typed: Vec<&str> = i
        .stopovers
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if typed.len() > MAX_STOPOVERS {
        p.add("stopovers", tr("At most 5 stopovers."));
        return Ok((origin, destination, stopovers));
    }
    for s in typed {
        match places::resolve(pool, s).await? {
            Some(pl) => stopovers.push(pl),
            None => p.add("stopovers", crate::trf!("We don't know \"{}\".", s)),
        }
    }
    Ok((origin, destination, stopovers))
}

/// Departure and arrival, each typed in its place's local time.
fn times(
    p: &mut Problems,
    i: &TripForm,
    origin: Option<&Place>,
    destination: Option<&Place>,
) -> (Option<OffsetDateTime>, Option<OffsetDateTime>) {
    let now = OffsetDateTime::now_utc();
    let departs = origin.and_then(|o| match time::parse_local(&i.departs_at, &o.tz) {
        Ok(t) if t <= now => {
            p.add("departs_at", tr("The departure must be in the future."));
            None
        }
        Ok(t) if t > now + Duration::days(365) => {
            p.add("departs_at", tr("Trips can be posted up to a year ahead."));
            None
        }
        Ok(t) => Some(t),
        Err(m) => {
            p.add("departs_at", m);
            None
        }
    });
    let arrives = destination.and_then(|d| match time::parse_local(&i.arrives_at, &d.tz) {
        Ok(t) => Some(t),
        Err(m) => {
            p.add("arrives_at", m);
            None
        }
    });
    if let (Some(dep), Some(arr)) = (departs, arrives) {
        if arr <= dep {
            p.add("arrives_at", tr("The arrival must be after the departure."));
        } else if arr - dep > Duration::days(30) {
            p.add("arrives_at", tr("A trip can last at most 30 days."));
        }
    }
    (departs, arrives)
}

fn price(p: &mut Problems, i: &TripForm) -> Option<Money> {
    let currency = Currency::parse(&i.currency);
    p.check(currency.is_some(), "currency", "Choose a currency.");
    currency.and_then(|c| match Money::parse(&i.price_per_kg, c) {
        Ok(m) if m.minor > MAX_PRICE_PER_KG_MAJOR * c.unit() => {
            p.add("price_per_kg", tr("That price per kg is too high."));
            None
        }
        Ok(m) => Some(m),
        Err(msg) => {
            p.add("price_per_kg", msg);
            None
        }
    })
}
