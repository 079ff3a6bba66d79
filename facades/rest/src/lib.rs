//! The REST facade: HTTP in front of the core's gRPC API. It holds no data, signs nothing and
//! decides no permission: every request becomes a core call, made with the caller's credential.

mod error;
mod extract;
mod health;
mod jwks;
mod oauth;
mod platform;
mod request;
mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use gatehouse_proto::channel::CoreClient;
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

pub use error::{OAuthError, RestError};
pub use request::Caller;

/// Largest request body accepted.
const BODY_LIMIT: usize = 64 * 1024;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    core: CoreClient,
    jwks: Arc<jwks::JwksCache>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse",
        description = "App registration, OAuth 2.0 tokens and signing keys for external integrations.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "platform", description = "Apps, scopes, governance, secrets and service tokens of the caller's tenant"),
        (name = "oauth", description = "OAuth 2.0 endpoints"),
        (name = "keys", description = "Public signing keys"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(
                "An access token or service token of the tenant (RFC 9068 JWT)",
            ))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        let basic = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some(
                "client_secret_basic: form-urlencoded client_id and client_secret",
            ))
            .build();
        components.add_security_scheme("client_basic", SecurityScheme::Http(basic));
    }
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(platform::routes())
        .merge(oauth::routes())
        .merge(jwks::routes())
        .merge(health::routes())
}

/// The OpenAPI 3.1 document of every REST route, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().into_openapi()
}

/// The facade's router over a core client.
pub fn router(core: CoreClient) -> Router {
    let (routes, api) = documented().split_for_parts();
    let document = Arc::new(api.to_pretty_json().unwrap_or_default());
    let state = AppState {
        core,
        jwks: Arc::default(),
    };
    routes
        .route("/api/docs", get(move || serve_document(document.clone())))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(request::edge))
        .with_state(state)
}

async fn serve_document(document: Arc<String>) -> impl axum::response::IntoResponse {
    (
        [(http::header::CONTENT_TYPE, "application/json")],
        document.as_str().to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

    #[test]
    fn the_committed_openapi_document_is_the_one_the_code_produces() {
        let generated = openapi().to_pretty_json().unwrap() + "\n";
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == generated,
            "facades/rest/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p gatehouse-rest openapi` and commit it"
        );
    }

    #[test]
    fn the_document_is_openapi_3_1_and_covers_the_public_contract() {
        let document: serde_json::Value =
            serde_json::from_str(&openapi().to_json().unwrap()).unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        let contract = [
            ("/v1/platform/scopes", "get"),
            ("/v1/platform/apps", "get"),
            ("/v1/platform/apps", "post"),
            ("/v1/platform/apps/{client_id}", "get"),
            ("/v1/platform/apps/{client_id}/governance", "patch"),
            ("/v1/platform/apps/{client_id}/service-token", "post"),
            ("/v1/platform/apps/{client_id}/rotate-secret", "post"),
            ("/v1/oauth/token", "post"),
            ("/v1/oauth/introspect", "post"),
            ("/v1/oauth/revoke", "post"),
            ("/.well-known/oauth-authorization-server", "get"),
            ("/.well-known/jwks.json", "get"),
            ("/v1/auth/jwks.json", "get"),
        ];
        for (path, method) in contract {
            assert!(
                document["paths"][path][method].is_object(),
                "{method} {path} is not documented"
            );
        }
    }
}
