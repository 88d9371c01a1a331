use crate::error::AppError;
use crate::types::AdminOverview;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, ctx};

/// The first admin dashboard: user counts. Admins only.
#[server(prefix = "/api", endpoint = "admin/overview")]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    ctx::finish(
        async {
            ctx::require_admin().await?;
            auth::admin_overview(&ctx::pool()?).await
        }
        .await,
    )
}
