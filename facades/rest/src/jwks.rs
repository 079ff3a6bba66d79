//! The JWKS at `/.well-known/jwks.json` and `/v1/auth/jwks.json`, served from a copy that is
//! at most a second old, with cache headers and an `ETag`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use gatehouse_proto::channel::CoreClient;
use gatehouse_proto::error::{ApiError, ErrorCode};
use gatehouse_proto::v1;
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::RestError;
use crate::views::ErrorDoc;

/// How long a fetched key set is served before the core is asked again. Keys are published
/// well before they sign, so a second of staleness is harmless.
const FRESH_FOR: Duration = Duration::from_secs(1);

/// The routes of this module, with their OpenAPI operations.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(well_known_jwks))
        .routes(routes!(versioned_jwks))
}

/// A JWK set (RFC 7517 §5).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct JwkSet {
    /// Every key that may verify a live token.
    pub keys: Vec<JwkView>,
}

/// One RSA public key (RFC 7518 §6.3.1).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct JwkView {
    /// `RSA`.
    pub kty: String,
    /// Key id, as in tokens' `kid` header.
    #[schema(example = "2026-12-k3f9a2x7")]
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub key_use: String,
    /// `RS256`.
    pub alg: String,
    /// Modulus, base64url.
    pub n: String,
    /// Exponent, base64url.
    pub e: String,
}

struct Cached {
    fetched: Instant,
    body: Bytes,
    etag: HeaderValue,
    cache_control: HeaderValue,
}

/// The facade's copy of the key set.
#[derive(Default)]
pub(crate) struct JwksCache {
    current: RwLock<Option<Arc<Cached>>>,
    refreshing: Mutex<()>,
}

impl JwksCache {
    async fn get(&self, core: &CoreClient) -> Result<Arc<Cached>, RestError> {
        if let Some(cached) = self.fresh().await {
            return Ok(cached);
        }
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(cached) = self.fresh().await {
            return Ok(cached);
        }
        let cached = Arc::new(fetch(core).await?);
        *self.current.write().await = Some(cached.clone());
        Ok(cached)
    }

    async fn fresh(&self) -> Option<Arc<Cached>> {
        let current = self.current.read().await;
        current
            .as_ref()
            .filter(|cached| cached.fetched.elapsed() < FRESH_FOR)
            .cloned()
    }
}

async fn fetch(core: &CoreClient) -> Result<Cached, RestError> {
    let response = core.keys().get_jwks(v1::GetJwksRequest {}).await?;
    let response = response.into_inner();
    let set = JwkSet {
        keys: response
            .keys
            .into_iter()
            .map(|key| JwkView {
                kty: key.kty,
                kid: key.kid,
                key_use: key.r#use,
                alg: key.alg,
                n: key.n,
                e: key.e,
            })
            .collect(),
    };
    let body =
        serde_json::to_vec(&set).map_err(|_| RestError(ApiError::generic(ErrorCode::Internal)))?;
    let etag = format!("\"{:016x}\"", fnv1a(&body));
    let cache_control = format!("public, max-age={}", response.max_age_seconds.max(0));
    Ok(Cached {
        fetched: Instant::now(),
        body: Bytes::from(body),
        etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
        cache_control: HeaderValue::from_str(&cache_control)
            .unwrap_or(HeaderValue::from_static("public, max-age=60")),
    })
}

/// A stable fingerprint of the body for the `ETag`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

async fn serve(state: &AppState, headers: &HeaderMap) -> Result<Response, RestError> {
    let cached = state.jwks.get(&state.core).await?;
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag == cached.etag);
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(cached.body.clone()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, cached.cache_control.clone());
    out.insert(header::ETAG, cached.etag.clone());
    Ok(response)
}

/// OpenID-compatible JWKS discovery.
///
/// The public keys that verify Gatehouse tokens: select one by the token's `kid`, cache the
/// set for `max-age`, refresh on an unknown `kid`.
#[utoipa::path(
    get, path = "/.well-known/jwks.json", tag = "keys",
    responses(
        (status = 200, description = "The key set", body = JwkSet),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 503, description = "The core is unavailable", body = ErrorDoc),
    )
)]
async fn well_known_jwks(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, RestError> {
    serve(&state, &headers).await
}

/// Versioned JWKS endpoint.
///
/// The same key set under the versioned namespace.
#[utoipa::path(
    get, path = "/v1/auth/jwks.json", tag = "keys",
    responses(
        (status = 200, description = "The key set", body = JwkSet),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 503, description = "The core is unavailable", body = ErrorDoc),
    )
)]
async fn versioned_jwks(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, RestError> {
    serve(&state, &headers).await
}
