//! Server functions take one argument per form field, so forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::market::TripForm;
use crate::market::{Page, ParcelMatch, TripCard, TripDetail};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    market::{matching, trips},
};

#[cfg(feature = "ssr")]
fn form(
    origin: String,
    destination: String,
    stopovers: String,
    departs_at: String,
    arrives_at: String,
    mode: String,
    capacity_kg: String,
    price_per_kg: String,
    currency: String,
    categories: Vec<String>,
    notes: String,
) -> TripForm {
    TripForm {
        origin,
        destination,
        stopovers,
        departs_at,
        arrives_at,
        mode,
        capacity_kg,
        price_per_kg,
        currency,
        categories,
        notes,
    }
}

#[server(prefix = "/api", endpoint = "trips/create")]
pub async fn create_trip(
    origin: String,
    destination: String,
    #[server(default)] stopovers: String,
    departs_at: String,
    arrives_at: String,
    mode: String,
    capacity_kg: String,
    price_per_kg: String,
    currency: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let input = form(
                origin,
                destination,
                stopovers,
                departs_at,
                arrives_at,
                mode,
                capacity_kg,
                price_per_kg,
                currency,
                categories,
                notes,
            );
            let id = trips::create(&ctx::pool()?, me.user.id, &input).await?;
            leptos_axum::redirect(&format!("/trips/{id}?created=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "trips/update")]
pub async fn update_trip(
    id: Uuid,
    origin: String,
    destination: String,
    #[server(default)] stopovers: String,
    departs_at: String,
    arrives_at: String,
    mode: String,
    capacity_kg: String,
    price_per_kg: String,
    currency: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let input = form(
                origin,
                destination,
                stopovers,
                departs_at,
                arrives_at,
                mode,
                capacity_kg,
                price_per_kg,
                currency,
                categories,
                notes,
            );
            trips::update(&ctx::pool()?, me.user.id, id, &input).await?;
            leptos_axum::redirect(&format!("/trips/{id}?saved=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "trips/cancel")]
pub async fn cancel_trip(id: Uuid) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            trips::cancel(&ctx::pool()?, me.user.id, id).await?;
            leptos_axum::redirect(&format!("/trips/{id}?cancelled=1"));
            Ok(())
        }
        .await,
    )
}

/// A trip page: public; the owner also gets the values for the edit form.
#[server(prefix = "/api", endpoint = "trips/get")]
pub async fn get_trip(id: Uuid) -> Result<TripDetail, AppError> {
    ctx::finish(
        async {
            let viewer = ctx::current_user().await?.map(|a| a.user.id);
            trips::detail(&ctx::pool()?, viewer, id).await
        }
        .await,
    )
}

/// Parcels this trip could carry, best first. Its traveler only.
#[server(prefix = "/api", endpoint = "trips/matches")]
pub async fn trip_matches(id: Uuid) -> Result<Vec<ParcelMatch>, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            matching::parcels_for_my_trip(&ctx::pool()?, me.user.id, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "trips/mine")]
pub async fn my_trips() -> Result<Vec<TripCard>, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            trips::list_mine(&ctx::pool()?, me.user.id).await
        }
        .await,
    )
}

/// The search form's values, as they appear in the page address.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchQuery {
    pub from: String,
    pub to: String,
    pub date_from: String,
    pub date_to: String,
    pub category: String,
    pub max_price: String,
    pub currency: String,
    pub min_rating: String,
    pub verified: bool,
    pub sort: String,
    pub page: u32,
}

#[cfg(feature = "ssr")]
pub(crate) mod search_input {
    use super::SearchQuery;
    use crate::error::{AppError, Problems};
    use crate::market::{Category, Currency, Money};
    use crate::server::market::{localtime, places, trips::SearchSort};
    use sqlx::PgPool;

    /// The parsed filters shared by both searches.
    pub struct Filters {
        pub origin: Option<i32>,
        pub destination: Option<i32>,
        pub from: Option<time::Date>,
        pub to: Option<time::Date>,
        pub category: Option<Category>,
        pub money: Option<Money>,
        pub min_rating_x100: Option<i32>,
        pub sort: SearchSort,
    }

    pub async fn parse(pool: &PgPool, q: &SearchQuery) -> Result<Filters, AppError> {
        let mut p = Problems::new();
        let mut place = |typed: &str, field: &str, found: Option<places::Place>| {
            if !typed.trim().is_empty() && found.is_none() {
                p.add(field, crate::server::market::trips::UNKNOWN_PLACE);
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
            match localtime::parse_date(s) {
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
                p.add("date_to", "The end of the window must be after its start.");
            }
        }
        let currency = Currency::parse(&q.currency).unwrap_or(Currency::Eur);
        let money = if q.max_price.trim().is_empty() {
            None
        } else {
            match Money::parse(&q.max_price, currency) {
                Ok(m) => Some(m),
                Err(e) => {
                    p.add("max_price", e);
                    None
                }
            }
        };
        let min_rating_x100 = match q.min_rating.trim() {
            "" => None,
            r => match r.parse::<f64>() {
                Ok(v) if (1.0..=5.0).contains(&v) => Some((v * 100.0).round() as i32),
                _ => {
                    p.add("min_rating", "A rating between 1 and 5.");
                    None
                }
            },
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
            sort: SearchSort::parse(&q.sort),
        })
    }
}

/// Trips a sender can book, by route, dates and filters.
#[server(prefix = "/api", endpoint = "trips/search", input = GetUrl)]
pub async fn search_trips(q: SearchQuery) -> Result<Page<TripCard>, AppError> {
    ctx::finish(
        async {
            let pool = ctx::pool()?;
            let viewer = ctx::current_user().await?.map(|a| a.user.id);
            let f = search_input::parse(&pool, &q).await?;
            trips::search(
                &pool,
                &trips::TripSearch {
                    origin: f.origin,
                    destination: f.destination,
                    from: f.from,
                    to: f.to,
                    category: f.category,
                    max_price: f.money,
                    min_rating_x100: f.min_rating_x100,
                    verified_only: q.verified,
                    sort: f.sort,
                    page: q.page.max(1),
                    exclude_user: viewer,
                },
            )
            .await
        }
        .await,
    )
}
