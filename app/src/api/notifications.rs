//! The notification centre: unread counts for the navigation, the list, marking read, and the
//! email preferences.

use crate::error::AppError;
use crate::types::notifications::{Notification, Preference, Unread};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{ctx, notifications};

/// Unread notifications and messages (zero for visitors).
#[server(prefix = "/api", endpoint = "notifications/unread", input = GetUrl, output = Postcard)]
pub async fn unread_counts() -> Result<Unread, AppError> {
    match ctx::current_user().await? {
        Some(me) => notifications::unread(&ctx::pool()?, me.user.id).await,
        None => Ok(Unread::default()),
    }
}

#[server(prefix = "/api", endpoint = "notifications/list", input = GetUrl, output = Postcard)]
pub async fn my_notifications(page: i64) -> Result<Vec<Notification>, AppError> {
    let me = ctx::require_user().await?;
    notifications::list(
        &ctx::pool()?,
        me.user.id,
        page,
        &ctx::viewer_zone(Some(&me)),
    )
    .await
}

/// Marks one notification read (`id`), or all of them.
#[server(prefix = "/api", endpoint = "notifications/read", output = Postcard)]
pub async fn mark_notifications_read(#[server(default)] id: Option<i64>) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    notifications::mark_read(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect("/notifications");
    Ok(())
}

#[server(prefix = "/api", endpoint = "notifications/prefs", input = GetUrl, output = Postcard)]
pub async fn notification_prefs() -> Result<Vec<Preference>, AppError> {
    let me = ctx::require_user().await?;
    notifications::prefs::all(&ctx::pool()?, me.user.id).await
}

/// Saves which kinds come by email (the ticked ones).
#[server(prefix = "/api", endpoint = "notifications/prefs/save", output = Postcard)]
pub async fn save_notification_prefs(
    #[server(default)] emailed: Vec<String>,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let kinds: Vec<_> = emailed
        .iter()
        .filter_map(|k| crate::types::NotificationKind::parse(k))
        .collect();
    notifications::prefs::save(&ctx::pool()?, me.user.id, &kinds).await?;
    leptos_axum::redirect("/account/notifications?saved=1");
    Ok(())
}
