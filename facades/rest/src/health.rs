//! `/healthz` (the process answers) and `/readyz` (the core is serving: database reachable,
//! keys loaded).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::request::Caller;

const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// The routes of this module, with their OpenAPI operations.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// Liveness: the process answers.
#[utoipa::path(
    get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Alive", example = json!({"status": "ok"})))
)]
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the core serves, its database answers and its keys are loaded.
#[utoipa::path(
    get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", example = json!({"status": "ready"})),
        (status = 503, description = "Not ready", example = json!({"status": "not_ready", "core": "NOT_SERVING"})),
    )
)]
async fn readyz(State(state): State<AppState>, caller: Caller) -> (StatusCode, Json<Value>) {
    let request = caller.request(HealthCheckRequest::default());
    let check = tokio::time::timeout(READY_TIMEOUT, state.core.health().check(request)).await;
    let status = match check {
        Ok(Ok(response)) => response.into_inner().status(),
        Ok(Err(status)) => {
            tracing::warn!(code = ?status.code(), "readiness: core health check failed");
            ServingStatus::Unknown
        }
        Err(_) => {
            tracing::warn!("readiness: core health check timed out");
            ServingStatus::Unknown
        }
    };
    if status == ServingStatus::Serving {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        let body = json!({ "status": "not_ready", "core": status.as_str_name() });
        (StatusCode::SERVICE_UNAVAILABLE, Json(body))
    }
}
