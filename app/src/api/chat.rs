//! Chat: start or open a conversation, send, read, report; the inbox; for admins, the reports
//! and the conversations they involve.

use crate::error::AppError;
use crate::types::chat::{Conversation, ConversationId, ConversationSummary, ReportItem};
use crate::types::{ParcelId, TripId};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{chat::service as chat, ctx};

/// Opens the conversation of a parcel and a trip ("Ask a question"), then shows it.
#[server(prefix = "/api", endpoint = "chat/start", output = Postcard)]
pub async fn start_conversation(parcel: ParcelId, trip: TripId) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let id = chat::start(&ctx::pool()?, me.user.id, parcel, trip).await?;
    leptos_axum::redirect(&format!("/messages/{id}"));
    Ok(())
}

/// The member's conversations, newest first.
#[server(prefix = "/api", endpoint = "chat/inbox", input = GetUrl, output = Postcard)]
pub async fn my_conversations() -> Result<Vec<ConversationSummary>, AppError> {
    let me = ctx::require_user().await?;
    chat::inbox(&ctx::pool()?, me.user.id, &ctx::viewer_zone(Some(&me))).await
}

/// One conversation; reading it marks the other side's messages read.
#[server(prefix = "/api", endpoint = "chat/open", output = Postcard)]
pub async fn open_conversation(id: ConversationId) -> Result<Conversation, AppError> {
    let me = ctx::require_user().await?;
    chat::open(&ctx::pool()?, me.user.id, id, &ctx::viewer_zone(Some(&me))).await
}

/// Sends a message. Without JavaScript the page it came from (`back`, a path on the site) is
/// shown again.
#[server(prefix = "/api", endpoint = "chat/send", output = Postcard)]
pub async fn send_message(
    conversation: ConversationId,
    body: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    chat::send(&ctx::pool()?, me.user.id, conversation, &body, None).await?;
    if !back.is_empty() {
        let fallback = format!("/messages/{conversation}");
        leptos_axum::redirect(&crate::url::safe_next(&back, &fallback));
    }
    Ok(())
}

/// Reports one of the other person's messages to the admins.
#[server(prefix = "/api", endpoint = "chat/report", output = Postcard)]
pub async fn report_message(
    conversation: ConversationId,
    message: i64,
    reason: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    chat::report(&ctx::pool()?, me.user.id, message, &reason).await?;
    leptos_axum::redirect(&format!("/messages/{conversation}?reported=1"));
    Ok(())
}

/// Reported messages waiting for an admin.
#[server(prefix = "/api", endpoint = "admin/reports", input = GetUrl, output = Postcard)]
pub async fn message_reports() -> Result<Vec<ReportItem>, AppError> {
    ctx::require_admin().await?;
    chat::reports(&ctx::pool()?).await
}

/// Marks a report handled.
#[server(prefix = "/api", endpoint = "admin/reports/resolve", output = Postcard)]
pub async fn resolve_report(id: i64) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    chat::resolve_report(&ctx::pool()?, admin.user.id, id).await?;
    leptos_axum::redirect("/admin/reports?done=1");
    Ok(())
}

/// A conversation a report involves, read by an admin (the read is audit-logged).
#[server(prefix = "/api", endpoint = "admin/conversation", output = Postcard)]
pub async fn admin_conversation(id: ConversationId) -> Result<Conversation, AppError> {
    let admin = ctx::require_admin().await?;
    chat::open_as_admin(&ctx::pool()?, admin.user.id, id).await
}
