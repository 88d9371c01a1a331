//! Reports and moderation: a member reports a member, a trip or a parcel; admins decide from the
//! reports queue or a member's page.

use crate::error::AppError;
use crate::types::moderation::ReportItem;
use crate::types::{ModerationAction, ReportReason, ReportSubject, UserId};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{ctx, moderation};

/// A member reports a member, a trip or a parcel, with a reason and an optional note.
#[server(prefix = "/api", endpoint = "moderation/report", output = Postcard)]
pub async fn report(
    subject: ReportSubject,
    id: Uuid,
    reason: ReportReason,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let page = moderation::report(&ctx::pool()?, me.user.id, subject, id, reason, &note).await?;
    leptos_axum::redirect(&format!("{page}?reported=1"));
    Ok(())
}

/// The open reports about members and listings.
#[server(prefix = "/api", endpoint = "admin/reports/listings", input = GetUrl, output = Postcard)]
pub async fn listing_reports() -> Result<Vec<ReportItem>, AppError> {
    let me = ctx::require_admin().await?;
    moderation::queue(&ctx::pool()?, &ctx::viewer_zone(Some(&me))).await
}

/// An admin decides a report: dismiss, warn, remove the listing, suspend for `days`, or ban.
#[server(prefix = "/api", endpoint = "admin/reports/decide", output = Postcard)]
pub async fn decide_report(
    id: i64,
    action: ModerationAction,
    #[server(default)] days: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    moderation::decide(&ctx::pool()?, admin.user.id, id, action, &days, &reason).await?;
    leptos_axum::redirect("/admin/reports?done=1");
    Ok(())
}

/// An admin warns, suspends or bans a member from the member's admin page.
#[server(prefix = "/api", endpoint = "admin/users/moderate", output = Postcard)]
pub async fn moderate_member(
    member: UserId,
    action: ModerationAction,
    #[server(default)] days: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    moderation::act(&ctx::pool()?, admin.user.id, member, action, &days, &reason).await?;
    leptos_axum::redirect(&format!("/admin/users/{member}?done=1"));
    Ok(())
}
