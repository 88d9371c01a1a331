//! Health, readiness and metrics endpoints.

use super::metrics::Metrics;
use crate::MIGRATOR;
use app::server::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Extension;
use std::sync::Arc;
use std::time::Duration;

/// The process is up.
pub async fn health() -> impl IntoResponse {
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "ok")
}

/// Postgres answers and every migration this build knows has been applied.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let check = async {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&state.pool)
                .await
                .map_err(|e| format!("database: {e}"))?;
        let missing = MIGRATOR
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count();
        if missing > 0 {
            return Err(format!("{missing} migration(s) not applied"));
        }
        Ok(())
    };
    match tokio::time::timeout(Duration::from_secs(3), check).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            "ready".to_string(),
        ),
        Ok(Err(e)) => {
            tracing::warn!(reason = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, "no-store")],
                "not ready".to_string(),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            "not ready: timeout".to_string(),
        ),
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    Extension(metrics): Extension<Arc<Metrics>>,
) -> impl IntoResponse {
    let mut body = metrics.render();
    let pool = &state.pool;
    body.push_str("# HELP db_pool_connections Connections in the database pool.\n# TYPE db_pool_connections gauge\n");
    body.push_str(&format!(
        "db_pool_connections{{state=\"total\"}} {}\n",
        pool.size()
    ));
    body.push_str(&format!(
        "db_pool_connections{{state=\"idle\"}} {}\n",
        pool.num_idle()
    ));
    body.push_str(&format!(
        "db_pool_max_connections {}\n",
        pool.options().get_max_connections()
    ));
    if let Ok(users) = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM users")
        .fetch_one(pool)
        .await
    {
        body.push_str("# HELP carry_users Member accounts.\n# TYPE carry_users gauge\n");
        body.push_str(&format!("carry_users {users}\n"));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
