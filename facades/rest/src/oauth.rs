//! The OAuth endpoints: token (RFC 6749 §3.2), introspection (RFC 7662), revocation
//! (RFC 7009) and authorization server metadata (RFC 8414).

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gatehouse_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{OAuthError, RestError, no_store};
use crate::request::Caller;
use crate::views::OAuthErrorDoc;

/// The routes of this module, with their OpenAPI operations.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(token))
        .routes(routes!(introspect))
        .routes(routes!(revoke))
        .routes(routes!(metadata))
}

/// Form parameters of a token request (RFC 6749 §4.4.2).
#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the form; the handler reads the raw pairs"
)]
struct TokenForm {
    /// `client_credentials`.
    grant_type: String,
    /// Space-delimited scopes; omitted means every approved scope.
    scope: Option<String>,
    /// With `client_secret_post`.
    client_id: Option<String>,
    /// With `client_secret_post`.
    client_secret: Option<String>,
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// An RS256 JWT (RFC 9068).
    pub access_token: String,
    /// `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until it expires.
    #[schema(example = 3600)]
    pub expires_in: i64,
    /// The granted scopes, space-delimited.
    #[schema(example = "webhooks:write")]
    pub scope: String,
}

/// Form parameters of introspection and revocation.
#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the form; the handler reads the raw pairs"
)]
struct TokenParameterForm {
    /// The token.
    token: String,
    /// `access_token`; optional.
    token_type_hint: Option<String>,
    /// With `client_secret_post`.
    client_id: Option<String>,
    /// With `client_secret_post`.
    client_secret: Option<String>,
}

/// An introspection response (RFC 7662 §2.2); only `active` when the token is not live.
#[derive(Serialize, Deserialize, ToSchema, Default)]
pub struct IntrospectionResponse {
    /// Whether the token is live for the caller.
    pub active: bool,
    /// Scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The client the token was issued to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Audience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// Issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Expiry, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Token id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// `Bearer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// The tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
}

/// Authorization server metadata (RFC 8414 §2).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ServerMetadata {
    /// The issuer identifier.
    pub issuer: String,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The JWKS.
    pub jwks_uri: String,
    /// Introspection (RFC 7662).
    pub introspection_endpoint: String,
    /// Revocation (RFC 7009).
    pub revocation_endpoint: String,
    /// Requestable scopes.
    pub scopes_supported: Vec<String>,
    /// Response types of the authorization endpoint; none until it exists.
    pub response_types_supported: Vec<String>,
    /// Grant types of the token endpoint.
    pub grant_types_supported: Vec<String>,
    /// Client authentication at the token endpoint.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Client authentication at the introspection endpoint.
    pub introspection_endpoint_auth_methods_supported: Vec<String>,
    /// Client authentication at the revocation endpoint.
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    /// Human-readable documentation.
    pub service_documentation: String,
}

/// Get a token.
///
/// `grant_type=client_credentials`, with the client authenticated by HTTP Basic
/// (`client_secret_basic`) or `client_id` and `client_secret` in the form
/// (`client_secret_post`), never both. Errors follow RFC 6749 §5.2; repeated failed client
/// authentication is throttled (429 with `Retry-After`).
#[utoipa::path(
    post, path = "/v1/oauth/token", tag = "oauth",
    security((), ("client_basic" = [])),
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        (status = 400, description = "invalid_request, invalid_scope, unsupported_grant_type, unauthorized_client", body = OAuthErrorDoc),
        (status = 401, description = "invalid_client", body = OAuthErrorDoc),
        (status = 429, description = "Too many failed authentications", body = OAuthErrorDoc),
    )
)]
async fn token(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = parse_form(&headers, &body)?;
    let client = client_credentials(&headers, &mut form)?;
    let request = v1::IssueTokenRequest {
        client,
        grant_type: form.remove("grant_type").unwrap_or_default(),
        scope: form.remove("scope").unwrap_or_default(),
        client_address: caller.address(),
    };
    let issued = state
        .core
        .oauth()
        .issue_token(caller.request(request))
        .await?;
    let issued = issued.into_inner();
    let body = TokenResponse {
        access_token: issued.access_token,
        token_type: issued.token_type,
        expires_in: issued.expires_in,
        scope: issued.scope,
    };
    Ok(never_stored(Json(body)))
}

/// Introspect a token.
///
/// RFC 7662. The caller authenticates as a client; a token that is expired, revoked, forged
/// or of another tenant is `{"active": false}`.
#[utoipa::path(
    post, path = "/v1/oauth/introspect", tag = "oauth",
    security(("client_basic" = [])),
    request_body(content = TokenParameterForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The token's state", body = IntrospectionResponse),
        (status = 400, description = "invalid_request", body = OAuthErrorDoc),
        (status = 401, description = "invalid_client", body = OAuthErrorDoc),
    )
)]
async fn introspect(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = parse_form(&headers, &body)?;
    let client = client_credentials(&headers, &mut form)?;
    let token = required(&mut form, "token")?;
    let request = v1::IntrospectTokenRequest {
        client,
        token,
        token_type_hint: form.remove("token_type_hint").unwrap_or_default(),
        client_address: caller.address(),
    };
    let found = state
        .core
        .oauth()
        .introspect_token(caller.request(request))
        .await?;
    let found = found.into_inner();
    let body = if found.active {
        IntrospectionResponse {
            active: true,
            scope: Some(found.scope),
            client_id: Some(found.client_id),
            sub: Some(found.sub),
            aud: Some(found.aud),
            iss: Some(found.iss),
            exp: Some(found.exp),
            iat: Some(found.iat),
            jti: Some(found.jti),
            token_type: Some(found.token_type),
            tid: Some(found.tenant_id),
        }
    } else {
        IntrospectionResponse::default()
    };
    Ok(never_stored(Json(body)))
}

/// Revoke a token.
///
/// RFC 7009. A token issued to the calling client stops working; any other token, valid or
/// not, is ignored with the same empty 200 response.
#[utoipa::path(
    post, path = "/v1/oauth/revoke", tag = "oauth",
    security(("client_basic" = [])),
    request_body(content = TokenParameterForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked, or nothing to revoke"),
        (status = 400, description = "invalid_request", body = OAuthErrorDoc),
        (status = 401, description = "invalid_client", body = OAuthErrorDoc),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut form = parse_form(&headers, &body)?;
    let client = client_credentials(&headers, &mut form)?;
    let token = required(&mut form, "token")?;
    let request = v1::RevokeTokenRequest {
        client,
        token,
        token_type_hint: form.remove("token_type_hint").unwrap_or_default(),
        client_address: caller.address(),
    };
    state
        .core
        .oauth()
        .revoke_token(caller.request(request))
        .await?;
    Ok(never_stored(()))
}

/// Authorization server metadata.
///
/// RFC 8414: where every endpoint is and what it supports.
#[utoipa::path(
    get, path = "/.well-known/oauth-authorization-server", tag = "oauth",
    responses((status = 200, description = "The metadata document", body = ServerMetadata))
)]
async fn metadata(State(state): State<AppState>, caller: Caller) -> Result<Response, RestError> {
    let response = state
        .core
        .oauth()
        .get_server_metadata(caller.request(v1::GetServerMetadataRequest {}))
        .await?;
    let facts = response.into_inner();
    let base = facts.issuer.trim_end_matches('/').to_owned();
    let auth_methods = facts.token_endpoint_auth_methods_supported;
    let document = ServerMetadata {
        token_endpoint: format!("{base}/v1/oauth/token"),
        jwks_uri: format!("{base}/.well-known/jwks.json"),
        introspection_endpoint: format!("{base}/v1/oauth/introspect"),
        revocation_endpoint: format!("{base}/v1/oauth/revoke"),
        service_documentation: format!("{base}/api/docs"),
        scopes_supported: facts.scopes_supported,
        response_types_supported: Vec::new(),
        grant_types_supported: facts.grant_types_supported,
        introspection_endpoint_auth_methods_supported: auth_methods.clone(),
        revocation_endpoint_auth_methods_supported: auth_methods.clone(),
        token_endpoint_auth_methods_supported: auth_methods,
        issuer: facts.issuer,
    };
    let mut response = Json(document).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

fn never_stored(body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    no_store(response.headers_mut());
    response
}

/// The form body: `application/x-www-form-urlencoded`, each parameter at most once
/// (RFC 6749 §3.2), empty values treated as absent.
fn parse_form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let mut form = HashMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if form.insert(name.to_string(), value.to_string()).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter {name} is repeated"
            )));
        }
    }
    form.retain(|_, value| !value.is_empty());
    Ok(form)
}

fn required(form: &mut HashMap<String, String>, name: &str) -> Result<String, OAuthError> {
    form.remove(name)
        .ok_or_else(|| OAuthError::invalid_request(format!("{name} is required")))
}

/// Client credentials from HTTP Basic or the form, never both (RFC 6749 §2.3.1).
fn client_credentials(
    headers: &HeaderMap,
    form: &mut HashMap<String, String>,
) -> Result<Option<v1::ClientCredentials>, OAuthError> {
    let posted_id = form.remove("client_id");
    let posted_secret = form.remove("client_secret");
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        return Ok(match (posted_id, posted_secret) {
            (Some(client_id), Some(client_secret)) => Some(v1::ClientCredentials {
                client_id,
                client_secret,
                method: v1::ClientAuthMethod::ClientSecretPost.into(),
            }),
            (Some(_), None) => {
                return Err(OAuthError::invalid_client("client_secret is required"));
            }
            _ => None,
        });
    };
    if posted_secret.is_some() {
        return Err(OAuthError::invalid_request(
            "use one client authentication method: HTTP Basic or client_secret in the body",
        ));
    }
    let (client_id, client_secret) = basic(authorization).ok_or_else(|| {
        OAuthError::invalid_client("the Authorization header is not valid HTTP Basic")
    })?;
    if posted_id.is_some_and(|posted| posted != client_id) {
        return Err(OAuthError::invalid_request(
            "client_id differs from the authenticated client",
        ));
    }
    Ok(Some(v1::ClientCredentials {
        client_id,
        client_secret,
        method: v1::ClientAuthMethod::ClientSecretBasic.into(),
    }))
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1 on RFC 7617.
fn basic(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

fn form_decode(part: &str) -> String {
    let query = format!("v={part}");
    form_urlencoded::parse(query.as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const FORM: &str = "application/x-www-form-urlencoded";

    #[test]
    fn basic_credentials_are_form_decoded_after_base64() {
        let encoded = STANDARD.encode("app%3A1:s%2Bcr%20t+x");
        let value = HeaderValue::from_str(&format!("Basic {encoded}")).unwrap();
        assert_eq!(basic(&value), Some(("app:1".into(), "s+cr t x".into())));
        assert_eq!(basic(&HeaderValue::from_static("Bearer abc")), None);
        assert_eq!(basic(&HeaderValue::from_static("Basic !!!")), None);
    }

    #[test]
    fn a_repeated_parameter_or_a_json_body_is_an_invalid_request() {
        let form = headers(&[(header::CONTENT_TYPE, FORM)]);
        assert!(parse_form(&form, b"grant_type=a&grant_type=b").is_err());
        let json = headers(&[(header::CONTENT_TYPE, "application/json")]);
        assert!(parse_form(&json, b"{}").is_err());
        let with_charset = headers(&[(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8",
        )]);
        assert_eq!(parse_form(&with_charset, b"a=1").unwrap()["a"], "1");
    }

    #[test]
    fn two_authentication_methods_at_once_are_refused() {
        let encoded = STANDARD.encode("app_1:secret");
        let auth = headers(&[(header::AUTHORIZATION, &format!("Basic {encoded}"))]);
        let mut form: HashMap<String, String> =
            [("client_secret".to_owned(), "other".to_owned())].into();
        assert!(client_credentials(&auth, &mut form).is_err());

        let mut form = HashMap::new();
        let creds = client_credentials(&auth, &mut form).unwrap().unwrap();
        assert_eq!(
            (creds.client_id.as_str(), creds.client_secret.as_str()),
            ("app_1", "secret")
        );

        let mut posted: HashMap<String, String> = [
            ("client_id".to_owned(), "app_2".to_owned()),
            ("client_secret".to_owned(), "s".to_owned()),
        ]
        .into();
        let creds = client_credentials(&HeaderMap::new(), &mut posted)
            .unwrap()
            .unwrap();
        assert_eq!(creds.method(), v1::ClientAuthMethod::ClientSecretPost);
    }
}
