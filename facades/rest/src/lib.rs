//! The REST facade: HTTP in front of the core's gRPC API. It holds no data, signs nothing and
//! decides no permission: every request becomes a core call, made with the caller's credential.

mod error;
mod health;
mod request;

use axum::Router;
use axum::routing::get;
use gatehouse_proto::channel::CoreClient;

pub use error::RestError;
pub use request::Caller;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    core: CoreClient,
}

/// The facade's router over a core client.
pub fn router(core: CoreClient) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn(request::edge))
        .with_state(AppState { core })
}
