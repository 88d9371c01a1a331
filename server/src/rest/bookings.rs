//! Bookings: the caller's, one in detail, proposing, answering, the handoff codes, and how a
//! booking ends. Money-moving requests honour `Idempotency-Key` (proposing requires it).

use super::extract::{Json, Path, Query};
use super::problem::{ApiResult, Problem};
use super::support::{bad_param, idempotency_key, once, Amount, Caller, Page, PageQuery};
use app::server::bookings::{end, handoff, negotiate, view};
use app::server::AppState;
use app::types::bookings::{BookingDetail, BookingSummary};
use app::types::{BookingId, ParcelId, Side, TripId};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A booking in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Booking {
    pub id: Uuid,
    pub parcel_title: String,
    pub route: String,
    /// The trip's departure, local time at its origin.
    pub departs_local: String,
    pub price: Amount,
    /// pending, accepted, picked_up, delivered, completed, declined, withdrawn, expired,
    /// cancelled, closed or settled.
    pub status: String,
    /// The caller's side: sender or traveler.
    pub my_side: String,
    /// The booking waits for the caller's answer.
    pub my_turn: bool,
}

impl From<BookingSummary> for Booking {
    fn from(b: BookingSummary) -> Booking {
        Booking {
            id: b.id.0,
            parcel_title: b.parcel_title,
            route: b.route,
            departs_local: b.departs,
            price: b.price.into(),
            status: b.status.code().to_string(),
            my_side: b.my_side.code().to_string(),
            my_turn: b.my_turn,
        }
    }
}

/// One step of a booking's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    /// When, in the caller's time zone.
    pub at: String,
    pub actor: String,
    pub what: String,
}

/// The money of a booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingMoney {
    pub price: Amount,
    pub fee: Amount,
    pub protection: Amount,
    /// What the sender pays in all.
    pub total: Amount,
    /// Held in escrow now.
    pub held: Amount,
    pub protected: bool,
}

/// The handoff of an accepted booking, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Handoff {
    pub tracking_number: Option<String>,
    /// To the sender until pickup: the code they show the traveler.
    pub pickup_code: Option<String>,
    /// To the sender until delivery: the code the recipient gives the traveler.
    pub delivery_code: Option<String>,
    pub can_pick_up: bool,
    pub can_deliver: bool,
    pub can_confirm: bool,
    pub can_cancel: bool,
    /// Why code entry is paused after wrong codes, if it is.
    pub locked: Option<String>,
}

/// The other side's contact, once the booking is accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// A booking in full, as one of its two sides sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    #[serde(flatten)]
    pub booking: Booking,
    pub parcel_id: Uuid,
    pub trip_id: Uuid,
    /// Who proposed it: sender (a request) or traveler (an offer).
    pub initiator: String,
    pub counters: i32,
    pub max_counters: i32,
    /// When an unanswered proposal expires.
    pub expires: Option<String>,
    pub other: super::listings::Member,
    pub contact: Option<Contact>,
    pub money: BookingMoney,
    pub handoff: Option<Handoff>,
    pub can_accept: bool,
    pub can_decline: bool,
    pub can_counter: bool,
    pub can_withdraw: bool,
    pub timeline: Vec<Event>,
}

impl From<BookingDetail> for BookingView {
    fn from(d: BookingDetail) -> BookingView {
        BookingView {
            booking: d.summary.into(),
            parcel_id: d.parcel_id.0,
            trip_id: d.trip_id.0,
            initiator: d.initiator.code().to_string(),
            counters: d.counters,
            max_counters: d.max_counters,
            expires: d.expires,
            other: super::listings::Member {
                id: d.other.id.0,
                display_name: d.other.display_name,
                rating: d.other.rating,
                completed_deliveries: d.other.completed_deliveries,
                email_verified: d.other.email_verified,
                id_verified: d.other.id_verified,
            },
            contact: d.contact.map(|c| Contact {
                name: c.name,
                email: c.email,
                phone: c.phone,
            }),
            money: BookingMoney {
                price: d.money.price.into(),
                fee: d.money.fee.into(),
                protection: d.money.protection.into(),
                total: d.money.total.into(),
                held: d.money.held.into(),
                protected: d.money.protected,
            },
            handoff: d.handoff.map(|h| Handoff {
                tracking_number: h.tracking_no,
                pickup_code: h.pickup_code,
                delivery_code: h.delivery_code,
                can_pick_up: h.can_pick_up,
                can_deliver: h.can_deliver,
                can_confirm: h.can_confirm,
                can_cancel: h.can_cancel,
                locked: h.locked,
            }),
            can_accept: d.can_accept,
            can_decline: d.can_decline,
            can_counter: d.can_counter,
            can_withdraw: d.can_withdraw,
            timeline: d
                .events
                .into_iter()
                .map(|e| Event {
                    at: e.at,
                    actor: e.actor,
                    what: e.what,
                })
                .collect(),
        }
    }
}

/// The caller's bookings, as sender and as traveler, newest first.
#[utoipa::path(get, path = "/api/v1/bookings", tag = "bookings", params(PageQuery),
    responses((status = 200, description = "A page of the caller's bookings", body = Page<Booking>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn my_bookings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Booking>>> {
    let all = view::list_mine(&state.pool, caller.id()).await?;
    Ok(axum::Json(Page::slice(
        all.into_iter().map(Booking::from).collect(),
        &q,
    )?))
}

async fn detail(state: &AppState, caller: &Caller, id: BookingId) -> ApiResult<BookingView> {
    let d = view::detail(
        &state.pool,
        &state.config.public_url,
        &caller.zone(),
        caller.id(),
        id,
    )
    .await?;
    Ok(d.into())
}

/// One of the caller's bookings. Anyone else's is not found.
#[utoipa::path(get, path = "/api/v1/bookings/{id}", tag = "bookings",
    params(("id" = Uuid, Path, description = "The booking")),
    responses((status = 200, description = "The booking", body = BookingView),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn get_booking(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<BookingView>> {
    Ok(axum::Json(detail(&state, &caller, BookingId(id)).await?))
}

/// A request (the caller sends the parcel) or an offer (the caller carries it).
#[derive(Debug, Deserialize, ToSchema)]
pub struct Proposal {
    /// sender: request a trip for your parcel; traveler: offer to carry a parcel on your trip.
    pub side: String,
    pub parcel_id: Uuid,
    pub trip_id: Uuid,
    /// The price ("12.00"); empty or absent takes the default (the trip's price × weight, or
    /// the parcel's reward).
    #[serde(default)]
    pub price: String,
    /// Senders: buy protection for the declared value.
    #[serde(default)]
    pub protect: bool,
}

/// Proposes a booking. A sender's request pays price + fee (+ protection) into escrow at once.
/// `Idempotency-Key` is required: a retry with the same key returns the same booking, paid once.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "bookings", request_body = Proposal,
    params(("Idempotency-Key" = String, Header, description = "A fresh random key per booking (a UUID)")),
    responses((status = 201, description = "The booking", body = Booking),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn propose(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Json(p): Json<Proposal>,
) -> ApiResult<(StatusCode, axum::Json<Booking>)> {
    let Some(key) = idempotency_key(&headers)? else {
        return Err(bad_param(
            "Idempotency-Key",
            "Proposing a booking moves money: send an Idempotency-Key header (a fresh UUID).",
        ));
    };
    let side =
        Side::parse(&p.side).ok_or_else(|| bad_param("side", "The side is sender or traveler."))?;
    let proposal = negotiate::Proposal {
        side,
        parcel: ParcelId(p.parcel_id),
        trip: TripId(p.trip_id),
        price: p.price,
        protect: p.protect,
        key,
    };
    let id = negotiate::propose(&state.pool, caller.id(), &proposal).await?;
    let view = detail(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, axum::Json(view.booking)))
}

/// An answer to a pending booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerInput {
    /// accept, decline, counter (with a price) or withdraw (your own proposal).
    pub answer: String,
    /// For a counter-offer: the new price ("15.00").
    #[serde(default)]
    pub price: String,
    /// Senders accepting or countering: buy protection.
    #[serde(default)]
    pub protect: bool,
}

/// Answers a pending booking. Accepting (as the sender) or countering pays any difference into
/// escrow; declining or withdrawing refunds it. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/answer", tag = "bookings", request_body = AnswerInput,
    params(("id" = Uuid, Path, description = "The booking"),
           ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key gets the first answer")),
    responses((status = 200, description = "The booking after the answer", body = Booking),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn answer(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(a): Json<AnswerInput>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let id = BookingId(id);
    once(
        &state.pool,
        &caller,
        key,
        &format!("answer:{id}"),
        StatusCode::OK,
        || async {
            let (pool, user) = (&state.pool, caller.id());
            match a.answer.as_str() {
                "accept" => {
                    negotiate::accept(pool, &state.config.public_url, user, id, a.protect).await?
                }
                "decline" => negotiate::decline(pool, user, id).await?,
                "counter" => negotiate::counter(pool, user, id, &a.price, Some(a.protect)).await?,
                "withdraw" => negotiate::withdraw(pool, user, id).await?,
                _ => {
                    return Err(bad_param(
                        "answer",
                        "The answer is accept, decline, counter or withdraw.",
                    ))
                }
            }
            Ok(detail(&state, &caller, id).await?.booking)
        },
    )
    .await
}

/// The traveler's pickup: the inspection and the code the sender shows.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PickupInput {
    /// The 6-digit pickup code.
    pub code: String,
    /// The contents match the listing.
    pub contents_match: bool,
    /// Nothing prohibited inside.
    pub nothing_prohibited: bool,
    /// Electronics power on (required for electronics).
    #[serde(default)]
    pub electronics_power_on: bool,
}

/// Picks the parcel up (the traveler). Three wrong codes pause code entry for 15 minutes.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/pickup", tag = "bookings", request_body = PickupInput,
    params(("id" = Uuid, Path, description = "The booking"),
           ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key gets the first answer")),
    responses((status = 200, description = "The booking, picked up", body = Booking),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn pick_up(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(p): Json<PickupInput>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let id = BookingId(id);
    once(
        &state.pool,
        &caller,
        key,
        &format!("pickup:{id}"),
        StatusCode::OK,
        || async {
            let inspection = handoff::Inspection {
                contents_match: p.contents_match,
                nothing_prohibited: p.nothing_prohibited,
                electronics_power_on: p.electronics_power_on,
            };
            handoff::pick_up(&state.pool, caller.id(), id, &p.code, inspection).await?;
            Ok(detail(&state, &caller, id).await?.booking)
        },
    )
    .await
}

/// The code the recipient gives the traveler.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeliveryInput {
    /// The 6-digit delivery code.
    pub code: String,
}

/// Delivers the parcel (the traveler). Completion follows when the sender confirms, or by
/// itself after the completion window.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/delivery", tag = "bookings", request_body = DeliveryInput,
    params(("id" = Uuid, Path, description = "The booking"),
           ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key gets the first answer")),
    responses((status = 200, description = "The booking, delivered", body = Booking),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn deliver(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(d): Json<DeliveryInput>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let id = BookingId(id);
    once(
        &state.pool,
        &caller,
        key,
        &format!("delivery:{id}"),
        StatusCode::OK,
        || async {
            handoff::deliver(&state.pool, caller.id(), id, &d.code, None).await?;
            Ok(detail(&state, &caller, id).await?.booking)
        },
    )
    .await
}

/// How the caller ends a booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettleInput {
    /// confirm (the sender received it: escrow is released), refuse (the traveler refuses the
    /// parcel at pickup: full refund) or cancel (before pickup, by the cancellation rules).
    pub what: String,
    #[serde(default)]
    pub reason: String,
}

/// Confirms receipt, refuses the parcel, or cancels. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/settle", tag = "bookings", request_body = SettleInput,
    params(("id" = Uuid, Path, description = "The booking"),
           ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key gets the first answer")),
    responses((status = 200, description = "The booking afterwards", body = Booking),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn settle(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(s): Json<SettleInput>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let id = BookingId(id);
    once(
        &state.pool,
        &caller,
        key,
        &format!("settle:{id}"),
        StatusCode::OK,
        || async {
            let (pool, user) = (&state.pool, caller.id());
            match s.what.as_str() {
                "confirm" => end::confirm(pool, user, id).await?,
                "refuse" => end::refuse(pool, user, id, &s.reason).await?,
                "cancel" => end::cancel(pool, user, id, &s.reason).await?,
                _ => {
                    return Err(bad_param(
                        "what",
                        "What to do is confirm, refuse or cancel.",
                    ))
                }
            }
            Ok(detail(&state, &caller, id).await?.booking)
        },
    )
    .await
}
