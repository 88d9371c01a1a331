//! Searching trips and parcels (by route, dates and filters, 20 to a page) and places.

use super::extract::Query;
use super::listings::{Parcel, Trip};
use super::problem::{ApiResult, Problem};
use super::support::{bad_param, encode_cursor, Caller, Page, PageQuery};
use app::server::matching::search;
use app::server::{places, AppState};
use app::types::matching::SearchQuery;
use axum::extract::State;
use axum::Extension;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Category codes, sort orders and currency codes, as the schema lists them.
const CATEGORY_PATTERN: &str =
    "^(documents|clothing|electronics|cosmetics|medicine|sealed_food|books|gifts|other)$";
const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";

/// A search's filters. Places are names, labels from `/api/v1/places` or IATA codes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TripSearch {
    /// Where from: a place's label, a name or an IATA code.
    #[param(max_length = 200)]
    pub from: Option<String>,
    /// Where to.
    #[param(max_length = 200)]
    pub to: Option<String>,
    /// The first day of departure.
    #[param(value_type = Option<String>, format = Date)]
    pub date_from: Option<String>,
    /// The last day of departure.
    #[param(value_type = Option<String>, format = Date)]
    pub date_to: Option<String>,
    /// Trips that take this category.
    #[param(
        pattern = "^(documents|clothing|electronics|cosmetics|medicine|sealed_food|books|gifts|other)$"
    )]
    pub category: Option<String>,
    /// The highest price per kg ("12.50"), in `currency`.
    #[param(pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub max_price: Option<String>,
    /// ISO 4217 (default EUR).
    #[param(pattern = "^(EUR|USD|GBP|CHF|CAD|AED|MAD|NGN|KES|GHS|INR|XOF)$")]
    pub currency: Option<String>,
    /// The lowest average rating of the traveler, 1 to 5.
    #[param(minimum = 1, maximum = 5)]
    pub min_rating: Option<u8>,
    /// ID-verified travelers only.
    pub verified: Option<bool>,
    /// soonest (default), cheapest or best (best rated).
    #[param(pattern = "^(soonest|cheapest|best)$")]
    pub sort: Option<String>,
    /// `next_cursor` of the previous page (pages hold 20).
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub cursor: Option<String>,
}

/// A search's filters for parcels.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParcelSearch {
    /// Where from: a place's label, a name or an IATA code.
    #[param(max_length = 200)]
    pub from: Option<String>,
    /// Where to.
    #[param(max_length = 200)]
    pub to: Option<String>,
    /// The first day the traveler can carry it.
    #[param(value_type = Option<String>, format = Date)]
    pub date_from: Option<String>,
    /// The last day.
    #[param(value_type = Option<String>, format = Date)]
    pub date_to: Option<String>,
    #[param(
        pattern = "^(documents|clothing|electronics|cosmetics|medicine|sealed_food|books|gifts|other)$"
    )]
    pub category: Option<String>,
    /// The lowest reward ("12.50"), in `currency`.
    #[param(pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub min_reward: Option<String>,
    /// ISO 4217 (default EUR).
    #[param(pattern = "^(EUR|USD|GBP|CHF|CAD|AED|MAD|NGN|KES|GHS|INR|XOF)$")]
    pub currency: Option<String>,
    /// The lowest average rating of the sender, 1 to 5.
    #[param(minimum = 1, maximum = 5)]
    pub min_rating: Option<u8>,
    /// ID-verified senders only.
    pub verified: Option<bool>,
    /// soonest (default), cheapest (best paid first) or best (best rated).
    #[param(pattern = "^(soonest|cheapest|best)$")]
    pub sort: Option<String>,
    /// What fits in the traveler's bag, in kg (0.1 to 30).
    #[param(pattern = "^[0-9]{1,2}(\\.[0-9]{1,3})?$")]
    pub max_weight_kg: Option<String>,
    /// `next_cursor` of the previous page (pages hold 20).
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub cursor: Option<String>,
}

/// The filters both searches share, checked as strictly as the schema says.
struct Common<'a> {
    dates: (&'a Option<String>, &'a Option<String>),
    category: &'a Option<String>,
    money: &'a Option<String>,
    currency: &'a Option<String>,
    sort: &'a Option<String>,
    cursor: &'a Option<String>,
}

impl Common<'_> {
    fn check(&self, money_field: &str) -> ApiResult<()> {
        let re = |p: &str, v: &str| regex::Regex::new(p).is_ok_and(|r| r.is_match(v));
        for (field, d) in [("date_from", self.dates.0), ("date_to", self.dates.1)] {
            if d.as_ref()
                .is_some_and(|d| !re("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", d))
            {
                return Err(bad_param(field, "A date such as 2026-12-01."));
            }
        }
        if let Some(c) = self.category {
            if !re(CATEGORY_PATTERN, c) {
                return Err(bad_param("category", "Not a category: documents, clothing, electronics, cosmetics, medicine, sealed_food, books, gifts or other."));
            }
        }
        if let Some(s) = self.sort {
            if !["soonest", "cheapest", "best"].contains(&s.as_str()) {
                return Err(bad_param("sort", "Sort by soonest, cheapest or best."));
            }
        }
        if let Some(c) = self.currency {
            if app::types::Currency::parse(c).is_none() {
                return Err(bad_param("currency", "Not a currency we use."));
            }
        }
        if let Some(m) = self.money {
            if !re("^[0-9]{1,9}(\\.[0-9]{1,2})?$", m) {
                return Err(bad_param(money_field, "An amount such as 12.50."));
            }
        }
        if let Some(c) = self.cursor {
            if !re(CURSOR_PATTERN, c) {
                return Err(bad_param(
                    "cursor",
                    "This cursor is not one we gave out: start from the first page.",
                ));
            }
        }
        Ok(())
    }
}

fn search_query(
    from: &Option<String>,
    to: &Option<String>,
    dates: (&Option<String>, &Option<String>),
    c: &Common<'_>,
    min_rating: Option<u8>,
    verified: Option<bool>,
    page: u32,
) -> SearchQuery {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    SearchQuery {
        from: s(from),
        to: s(to),
        date_from: s(dates.0),
        date_to: s(dates.1),
        category: s(c.category),
        max_price: s(c.money),
        currency: s(c.currency),
        min_rating: min_rating.map(|r| r.to_string()).unwrap_or_default(),
        verified: verified.unwrap_or(false),
        sort: s(c.sort),
        page,
    }
}

/// The search page a cursor stands for (pages of `search::PAGE_SIZE`).
fn search_page(cursor: &Option<String>) -> ApiResult<u32> {
    let q = PageQuery {
        cursor: cursor.clone(),
        limit: None,
    };
    let size = usize::try_from(search::PAGE_SIZE).unwrap_or(20);
    let offset = q.offset()?;
    if offset % size != 0 || offset / size >= usize::try_from(search::MAX_PAGE).unwrap_or(0) {
        return Err(bad_param(
            "cursor",
            "This cursor is not one we gave out: start from the first page.",
        ));
    }
    Ok(u32::try_from(offset / size + 1).unwrap_or(1))
}

fn next_search_cursor(page: u32, has_next: bool) -> Option<String> {
    let size = usize::try_from(search::PAGE_SIZE).unwrap_or(20);
    has_next.then(|| encode_cursor(usize::try_from(page).unwrap_or(1) * size))
}

/// Trips with space, by route and date, 20 to a page.
#[utoipa::path(get, path = "/api/v1/trips", tag = "trips", params(TripSearch),
    responses((status = 200, description = "A page of trips", body = Page<Trip>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn search_trips(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<TripSearch>,
) -> ApiResult<axum::Json<Page<Trip>>> {
    let c = Common {
        dates: (&p.date_from, &p.date_to),
        category: &p.category,
        money: &p.max_price,
        currency: &p.currency,
        sort: &p.sort,
        cursor: &p.cursor,
    };
    c.check("max_price")?;
    let page = search_page(&p.cursor)?;
    let q = search_query(
        &p.from,
        &p.to,
        (&p.date_from, &p.date_to),
        &c,
        p.min_rating,
        p.verified,
        page,
    );
    let f = search::Filters::parse(&state.pool, &q, "", Some(caller.id())).await?;
    let (rows, has_next) = search::trip_rows(&state.pool, &f).await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(Trip::from).collect(),
        next_cursor: next_search_cursor(page, has_next),
    }))
}

/// Open parcels, by route and date, 20 to a page.
#[utoipa::path(get, path = "/api/v1/parcels", tag = "parcels", params(ParcelSearch),
    responses((status = 200, description = "A page of parcels", body = Page<Parcel>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn search_parcels(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<ParcelSearch>,
) -> ApiResult<axum::Json<Page<Parcel>>> {
    let c = Common {
        dates: (&p.date_from, &p.date_to),
        category: &p.category,
        money: &p.min_reward,
        currency: &p.currency,
        sort: &p.sort,
        cursor: &p.cursor,
    };
    c.check("min_reward")?;
    if p.max_weight_kg.as_ref().is_some_and(|w| {
        !regex::Regex::new("^[0-9]{1,2}(\\.[0-9]{1,3})?$").is_ok_and(|r| r.is_match(w))
    }) {
        return Err(bad_param("max_weight_kg", "A weight in kg such as 2.5."));
    }
    let page = search_page(&p.cursor)?;
    let q = search_query(
        &p.from,
        &p.to,
        (&p.date_from, &p.date_to),
        &c,
        p.min_rating,
        p.verified,
        page,
    );
    let weight = p.max_weight_kg.clone().unwrap_or_default();
    let f = search::Filters::parse(&state.pool, &q, &weight, Some(caller.id())).await?;
    let (rows, has_next) = search::parcel_rows(&state.pool, &f).await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(Parcel::from).collect(),
        next_cursor: next_search_cursor(page, has_next),
    }))
}

/// A place suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct Place {
    pub id: i32,
    /// What to send back as a place: "Paris, France", "Paris Charles de Gaulle (CDG), France".
    pub label: String,
    pub airport: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceParams {
    /// What was typed: a city, an airport, an IATA code or a country (2 to 100 characters).
    #[param(min_length = 2, max_length = 100)]
    pub q: String,
    /// At most this many (1 to 20, default 8).
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<i64>,
}

/// Places as the user types: names, IATA codes, countries; typos forgiven.
#[utoipa::path(get, path = "/api/v1/places", tag = "places", params(PlaceParams),
    responses((status = 200, description = "Suggestions, best first", body = Vec<Place>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn search_places(
    State(state): State<AppState>,
    Query(p): Query<PlaceParams>,
) -> ApiResult<axum::Json<Vec<Place>>> {
    if !(2..=100).contains(&p.q.chars().count()) {
        return Err(bad_param("q", "Type 2 to 100 characters."));
    }
    let limit = match p.limit {
        None => 8,
        Some(n) if (1..=20).contains(&n) => n,
        Some(_) => return Err(bad_param("limit", "Ask for 1 to 20 places.")),
    };
    let found = places::search(&state.pool, &p.q, limit).await?;
    Ok(axum::Json(
        found
            .into_iter()
            .map(|s| Place {
                id: s.id,
                label: s.label,
                airport: s.airport,
            })
            .collect(),
    ))
}
