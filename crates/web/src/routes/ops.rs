//! Operations probes: liveness, readiness (database reachable) and Prometheus metrics.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::ClientIp;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "数据库不可用").into_response()
        }
    }
}

/// Loopback may read metrics freely; other hosts need the configured bearer token.
pub async fn metrics(State(state): State<AppState>, ClientIp(ip): ClientIp, headers: HeaderMap) -> Response {
    let loopback = ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let token = &state.config.ops.metrics_token;
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let allowed = loopback || (!token.is_empty() && bearer == Some(token.as_str()));
    if !allowed {
        return (StatusCode::FORBIDDEN, "forbidden").into_response();
    }
    let body = state.metrics.render(state.store.pool_use(), state.config.database.max_connections);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
