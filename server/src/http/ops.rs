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

/// Prometheus metrics of this process, for whoever holds `METRICS_TOKEN` (without a token set,
/// only in development). The business gauges are cheap: an estimate and an indexed count.
pub async fn metrics(
    State(state): State<AppState>,
    Extension(metrics): Extension<Arc<Metrics>>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (&state.config.metrics_token, presented) {
        (Some(token), Some(p)) if constant_time_eq(token.as_bytes(), p.as_bytes()) => {}
        (Some(_), _) => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "A metrics token is needed.",
            )
                .into_response()
        }
        (None, _) if state.config.dev => {}
        (None, _) => return (StatusCode::NOT_FOUND, "Not found.").into_response(),
    }
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
    let gauges = sqlx::query_as::<_, (i64, i64)>(
        "SELECT (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'users'::regclass),
                (SELECT count(*) FROM jobs WHERE failed_at IS NOT NULL)",
    )
    .fetch_one(pool)
    .await;
    if let Ok((users, failed)) = gauges {
        body.push_str("# HELP carry_users_estimate Member accounts (the planner's estimate).\n# TYPE carry_users_estimate gauge\n");
        body.push_str(&format!("carry_users_estimate {users}\n"));
        body.push_str("# HELP carry_jobs_failed Jobs that failed every attempt and wait for an admin.\n# TYPE carry_jobs_failed gauge\n");
        body.push_str(&format!("carry_jobs_failed {failed}\n"));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
