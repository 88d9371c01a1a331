//! Disputes: the sender opens one, both sides (and admins) add to it, an admin settles it.

use crate::error::AppError;
use crate::types::disputes::{DisputeItem, DisputeState, DisputeView};
use crate::types::{BookingId, DisputeOutcome, DisputeReason};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{ctx, disputes};

/// The sender opens a dispute on a delivered (or long overdue) booking.
#[server(prefix = "/api", endpoint = "disputes/open", output = Postcard)]
pub async fn open_dispute(
    booking_id: BookingId,
    reason: DisputeReason,
    #[server(default)] what: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    disputes::open(&ctx::pool()?, me.user.id, booking_id, reason, &what).await?;
    Ok(())
}

/// A message in an open dispute (photos go through the multipart upload route).
#[server(prefix = "/api", endpoint = "disputes/post", output = Postcard)]
pub async fn post_dispute_message(
    dispute_id: Uuid,
    #[server(default)] body: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let admin = me.user.is_admin();
    disputes::post(&ctx::pool()?, me.user.id, admin, dispute_id, &body, None).await
}

/// A booking's dispute for one of its sides (or whether one may be opened).
#[server(prefix = "/api", endpoint = "disputes/booking", input = GetUrl, output = Postcard)]
pub async fn get_booking_dispute(booking_id: BookingId) -> Result<DisputeState, AppError> {
    let me = ctx::require_user().await?;
    let tz = ctx::viewer_zone(Some(&me));
    disputes::for_booking(&ctx::pool()?, me.user.id, booking_id, &tz).await
}

/// The disputes console.
#[server(prefix = "/api", endpoint = "admin/disputes", input = GetUrl, output = Postcard)]
pub async fn admin_disputes() -> Result<Vec<DisputeItem>, AppError> {
    let me = ctx::require_admin().await?;
    disputes::queue(&ctx::pool()?, &ctx::viewer_zone(Some(&me))).await
}

#[server(prefix = "/api", endpoint = "admin/dispute", input = GetUrl, output = Postcard)]
pub async fn admin_dispute(id: Uuid) -> Result<DisputeView, AppError> {
    let me = ctx::require_admin().await?;
    let tz = ctx::viewer_zone(Some(&me));
    disputes::view(&ctx::pool()?, me.user.id, true, id, &tz).await
}

/// An admin settles a dispute: refund, release, or a split; plus a protection payout.
#[server(prefix = "/api", endpoint = "admin/disputes/resolve", output = Postcard)]
pub async fn resolve_dispute(
    id: Uuid,
    outcome: DisputeOutcome,
    #[server(default)] sender_percent: String,
    #[server(default)] payout: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    let d = disputes::Decision {
        outcome,
        sender_percent,
        payout,
        note,
    };
    disputes::resolve(&ctx::pool()?, me.user.id, id, &d).await
}
