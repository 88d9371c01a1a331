use crate::error::AppError;
use crate::types::OutboxEmail;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{ctx, email};

/// What would have been emailed, newest first. Development only: absent in production.
#[server(prefix = "/api", endpoint = "dev/outbox")]
pub async fn dev_outbox(to: Option<String>) -> Result<Vec<OutboxEmail>, AppError> {
    ctx::finish(
        async {
            let state = ctx::state()?;
            if state.config.production {
                return Err(AppError::NotFound("This page does not exist.".into()));
            }
            email::list(&state.pool, to.as_deref(), 100).await
        }
        .await,
    )
}
