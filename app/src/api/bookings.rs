//! Bookings: propose, answer, read and list; the handoff (pickup with its inspection; delivery
//! is a multipart upload route), how a booking ends, the request terms, and tracking.

use crate::error::AppError;
use crate::types::bookings::{BookingDetail, BookingSummary, BookingTerms, Home, TrackingView};
use crate::types::{Answer, BookingId, ParcelId, Settle, Side, TripId};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{
    bookings::{end, handoff, negotiate, view},
    ctx, money, settings,
};

/// A sender requests a trip for their parcel (`side` = sender), or a traveler offers to carry a
/// parcel on their trip (`side` = traveler). An empty price takes the default.
#[server(prefix = "/api", endpoint = "bookings/propose", output = Postcard)]
pub async fn propose_booking(
    side: Side,
    parcel_id: ParcelId,
    trip_id: TripId,
    #[server(default)] price: String,
    #[server(default)] protect: Option<String>,
    key: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let proposal = negotiate::Proposal {
        side,
        parcel: parcel_id,
        trip: trip_id,
        price,
        protect: protect.is_some(),
        key,
    };
    let id = negotiate::propose(&ctx::pool()?, me.user.id, &proposal).await?;
    leptos_axum::redirect(&format!("/bookings/{id}?sent=1"));
    Ok(())
}

/// Answers a pending booking: accept, decline, counter (with a price) or withdraw.
#[server(prefix = "/api", endpoint = "bookings/answer", output = Postcard)]
pub async fn answer_booking(
    id: BookingId,
    answer: Answer,
    #[server(default)] price: String,
    #[server(default)] protect: Option<String>,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    let (pool, user) = (&state.pool, me.user.id);
    match answer {
        Answer::Accept => {
            negotiate::accept(pool, &state.config.public_url, user, id, protect.is_some()).await?
        }
        Answer::Decline => negotiate::decline(pool, user, id).await?,
        Answer::Counter => {
            negotiate::counter(pool, user, id, &price, Some(protect.is_some())).await?
        }
        Answer::Withdraw => negotiate::withdraw(pool, user, id).await?,
    }
    leptos_axum::redirect(&format!("/bookings/{id}?{}=1", answer.code()));
    Ok(())
}

#[server(prefix = "/api", endpoint = "bookings/get", output = Postcard)]
pub async fn get_booking(id: BookingId) -> Result<BookingDetail, AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    let tz = ctx::viewer_zone(Some(&me));
    view::detail(&state.pool, &state.config.public_url, &tz, me.user.id, id).await
}

#[server(prefix = "/api", endpoint = "bookings/mine", output = Postcard)]
pub async fn my_bookings() -> Result<Vec<BookingSummary>, AppError> {
    let me = ctx::require_user().await?;
    view::list_mine(&ctx::pool()?, me.user.id).await
}

/// The signed-in home page's summary; `None` for a visitor.
#[server(prefix = "/api", endpoint = "home", input = GetUrl, output = Postcard)]
pub async fn home_summary() -> Result<Option<Home>, AppError> {
    match ctx::current_user().await? {
        Some(me) => Ok(Some(
            crate::server::bookings::home::home(&ctx::pool()?, me.user.id).await?,
        )),
        None => Ok(None),
    }
}

/// The traveler's pickup: the inspection and the sender's code.
#[server(prefix = "/api", endpoint = "bookings/pick-up", output = Postcard)]
pub async fn pick_up(
    id: BookingId,
    code: String,
    #[server(default)] contents_match: Option<String>,
    #[server(default)] nothing_prohibited: Option<String>,
    #[server(default)] electronics_power_on: Option<String>,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let inspection = handoff::Inspection {
        contents_match: contents_match.is_some(),
        nothing_prohibited: nothing_prohibited.is_some(),
        electronics_power_on: electronics_power_on.is_some(),
    };
    handoff::pick_up(&ctx::pool()?, me.user.id, id, &code, inspection).await?;
    leptos_axum::redirect(&format!("/bookings/{id}?picked_up=1"));
    Ok(())
}

/// The sender confirms receipt, the traveler refuses the parcel, or either side cancels before
/// pickup.
#[server(prefix = "/api", endpoint = "bookings/settle", output = Postcard)]
pub async fn settle_booking(
    id: BookingId,
    what: Settle,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    match what {
        Settle::Confirm => end::confirm(&pool, me.user.id, id).await?,
        Settle::Refuse => end::refuse(&pool, me.user.id, id, &reason).await?,
        Settle::Cancel => end::cancel(&pool, me.user.id, id, &reason).await?,
    }
    leptos_axum::redirect(&format!("/bookings/{id}?{}=1", what.code()));
    Ok(())
}

/// The fee and protection terms in words (request forms show them).
#[server(prefix = "/api", endpoint = "bookings/terms", input = GetUrl, output = Postcard)]
pub async fn get_booking_terms() -> Result<BookingTerms, AppError> {
    let s = settings::current(&ctx::pool()?).await?;
    Ok(money::escrow::terms(&s))
}

/// The public tracking page's data: no names, addresses or notes.
#[server(prefix = "/api", endpoint = "track", input = GetUrl, output = Postcard)]
pub async fn track(number: String) -> Result<TrackingView, AppError> {
    view::tracking(&ctx::pool()?, &number, &ctx::viewer_zone(None)).await
}
