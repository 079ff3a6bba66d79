//! `/healthz` (the process answers) and `/readyz` (the core is serving: database reachable,
//! keys loaded).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

use crate::AppState;
use crate::request::Caller;

const READY_TIMEOUT: Duration = Duration::from_secs(3);

pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub(crate) async fn readyz(
    State(state): State<AppState>,
    caller: Caller,
) -> (StatusCode, Json<Value>) {
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
