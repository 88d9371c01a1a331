//! Matches: the best trips for a member's parcel, the parcels a member's trip could carry,
//! each with its score and the parts of it.

use super::extract::Path;
use super::listings::{Parcel, Trip};
use super::problem::{ApiResult, Problem};
use super::support::{Amount, Caller};
use app::server::matching::rank;
use app::server::AppState;
use app::types::matching::ScorePart;
use app::types::{ParcelId, TripId};
use axum::extract::State;
use axum::Extension;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One part of a match's score, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreReason {
    pub name: String,
    pub points: i32,
    pub max: i32,
    pub why: String,
}

impl From<ScorePart> for ScoreReason {
    fn from(p: ScorePart) -> ScoreReason {
        ScoreReason {
            name: p.name,
            points: p.points,
            max: p.max,
            why: p.why,
        }
    }
}

/// A trip that could carry the parcel, with its score out of 100 and the parts of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TripMatch {
    pub trip: Trip,
    pub score: i32,
    pub reasons: Vec<ScoreReason>,
    /// What the traveler asks for this parcel.
    pub price: Amount,
}

/// A parcel the trip could carry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParcelMatch {
    pub parcel: Parcel,
    pub score: i32,
    pub reasons: Vec<ScoreReason>,
}

/// The best trips for one of the caller's parcels.
#[utoipa::path(get, path = "/api/v1/parcels/{id}/matches", tag = "parcels",
    params(("id" = Uuid, Path, description = "The caller's parcel")),
    responses((status = 200, description = "The best trips, best first", body = Vec<TripMatch>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn parcel_matches(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<TripMatch>>> {
    let found = rank::trips_for_my_parcel(&state.pool, caller.id(), ParcelId(id)).await?;
    let ids: Vec<TripId> = found.iter().map(|m| m.trip.id).collect();
    let rows = app::server::trips::store::rows(&state.pool, &ids).await?;
    Ok(axum::Json(
        found
            .into_iter()
            .zip(rows.iter())
            .map(|(m, row)| TripMatch {
                trip: Trip::from(row),
                score: m.score,
                reasons: m.parts.into_iter().map(ScoreReason::from).collect(),
                price: m.price.into(),
            })
            .collect(),
    ))
}

/// The parcels one of the caller's trips could carry.
#[utoipa::path(get, path = "/api/v1/trips/{id}/matches", tag = "trips",
    params(("id" = Uuid, Path, description = "The caller's trip")),
    responses((status = 200, description = "The best parcels, best first", body = Vec<ParcelMatch>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn trip_matches(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<ParcelMatch>>> {
    let found = rank::parcels_for_my_trip(&state.pool, caller.id(), TripId(id)).await?;
    let ids: Vec<ParcelId> = found.iter().map(|m| m.parcel.id).collect();
    let rows = app::server::parcels::store::rows(&state.pool, &ids).await?;
    Ok(axum::Json(
        found
            .into_iter()
            .zip(rows.iter())
            .map(|(m, row)| ParcelMatch {
                parcel: Parcel::from(row),
                score: m.score,
                reasons: m.parts.into_iter().map(ScoreReason::from).collect(),
            })
            .collect(),
    ))
}
