//! The `/v1/platform` routes: scopes, apps, governance, secrets and service tokens. Each is a
//! core call made with the caller's bearer token; the core decides tenant and permission.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gatehouse_proto::error::ApiError;
use gatehouse_proto::v1;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::RestError;
use crate::extract::{JsonBody, OptionalJsonBody, QueryParams};
use crate::request::Caller;
use crate::views::{
    AppList, AppView, CreateAppBody, CreatedApp, ErrorDoc, GovernancePatch, GovernanceResult,
    GovernanceView, PageQuery, RotateSecretBody, RotatedSecret, ScopeList, ScopeView,
    ServiceTokenBody, ServiceTokenCreated, ServiceTokenList, ServiceTokenView, rfc3339,
};

/// The routes of this module, with their OpenAPI operations.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_scopes))
        .routes(routes!(create_app, list_apps))
        .routes(routes!(get_app))
        .routes(routes!(update_governance))
        .routes(routes!(rotate_secret))
        .routes(routes!(create_service_token))
        .routes(routes!(list_service_tokens))
        .routes(routes!(revoke_service_token))
}

/// List available scopes.
///
/// Returns the scope catalog that external apps can request during registration and token
/// issuance. Any valid token of a tenant may read it.
#[utoipa::path(
    get, path = "/v1/platform/scopes", tag = "platform",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalog", body = ScopeList),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
    )
)]
async fn list_scopes(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ScopeList>, RestError> {
    let response = state
        .core
        .scopes()
        .list_scopes(caller.request(v1::ListScopesRequest {}))
        .await?;
    let scopes = response
        .into_inner()
        .scopes
        .into_iter()
        .map(|scope| ScopeView {
            name: scope.name,
            description: scope.description,
        })
        .collect();
    Ok(Json(ScopeList { scopes }))
}

/// Register an app.
///
/// Creates an app of the caller's tenant. The response carries the client secret, shown only
/// here. Requires `platform:admin`, or `apps:write` (which approves only scopes the caller
/// holds itself).
#[utoipa::path(
    post, path = "/v1/platform/apps", tag = "platform",
    security(("bearer" = [])),
    request_body = CreateAppBody,
    responses(
        (status = 201, description = "Registered", body = CreatedApp),
        (status = 400, description = "Invalid registration", body = ErrorDoc),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Token lacks the scope", body = ErrorDoc),
    )
)]
async fn create_app(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<CreateAppBody>,
) -> Result<(StatusCode, Json<CreatedApp>), RestError> {
    let request = v1::CreateAppRequest {
        name: body.name,
        grant_types: body.grant_types,
        redirect_uris: body.redirect_uris,
        requested_scopes: body.requested_scopes,
    };
    let created = state
        .core
        .apps()
        .create_app(caller.request(request))
        .await?;
    let created = created.into_inner();
    let app = CreatedApp {
        app: created.app.unwrap_or_default().into(),
        client_secret: created.client_secret,
    };
    Ok((StatusCode::CREATED, Json(app)))
}

/// List apps.
///
/// The caller's tenant's apps, oldest first, a page at a time. Requires `platform:admin` or
/// `apps:read`.
#[utoipa::path(
    get, path = "/v1/platform/apps", tag = "platform",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page", body = AppList),
        (status = 400, description = "Bad cursor or limit", body = ErrorDoc),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Token lacks the scope", body = ErrorDoc),
    )
)]
async fn list_apps(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<AppList>, RestError> {
    let request = v1::ListAppsRequest {
        page_size: query.limit.unwrap_or(0),
        page_token: query.cursor.unwrap_or_default(),
    };
    if query.limit == Some(0) {
        return Err(RestError::invalid("limit: must be between 1 and 200"));
    }
    let page = state
        .core
        .apps()
        .list_apps(caller.request(request))
        .await
        .map_err(in_paging_terms)?;
    let page = page.into_inner();
    Ok(Json(AppList {
        apps: page.apps.into_iter().map(AppView::from).collect(),
        next_cursor: Some(page.next_page_token).filter(|token| !token.is_empty()),
    }))
}

/// Inspect an app.
///
/// Metadata and governance of one app of the caller's tenant; another tenant's app is not
/// found. Requires `platform:admin` or `apps:read`.
#[utoipa::path(
    get, path = "/v1/platform/apps/{client_id}", tag = "platform",
    security(("bearer" = [])),
    params(("client_id" = String, Path, description = "The app's client id")),
    responses(
        (status = 200, description = "The app", body = AppView),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Token lacks the scope", body = ErrorDoc),
        (status = 404, description = "No such app in this tenant", body = ErrorDoc),
    )
)]
async fn get_app(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> Result<Json<AppView>, RestError> {
    let request = v1::GetAppRequest { client_id };
    let app = state.core.apps().get_app(caller.request(request)).await?;
    Ok(Json(app.into_inner().app.unwrap_or_default().into()))
}

/// Update app governance.
///
/// Changes the flags named in the body; unknown flags are refused. Requires `platform:admin`.
#[utoipa::path(
    patch, path = "/v1/platform/apps/{client_id}/governance", tag = "platform",
    security(("bearer" = [])),
    params(("client_id" = String, Path, description = "The app's client id")),
    request_body = GovernancePatch,
    responses(
        (status = 200, description = "Governance now", body = GovernanceResult),
        (status = 400, description = "Unknown flag or bad value", body = ErrorDoc),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Not a tenant admin", body = ErrorDoc),
        (status = 404, description = "No such app in this tenant", body = ErrorDoc),
    )
)]
async fn update_governance(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
    JsonBody(patch): JsonBody<GovernancePatch>,
) -> Result<Json<GovernanceResult>, RestError> {
    let request = v1::UpdateGovernanceRequest {
        client_id,
        allow_service_tokens: patch.allow_service_tokens,
        enforce_pkce: patch.enforce_pkce,
    };
    let updated = state
        .core
        .apps()
        .update_governance(caller.request(request))
        .await?;
    let app = updated.into_inner().app.unwrap_or_default();
    let governance = app.governance.unwrap_or_default();
    Ok(Json(GovernanceResult {
        client_id: app.client_id,
        governance: GovernanceView {
            allow_service_tokens: governance.allow_service_tokens,
            enforce_pkce: governance.enforce_pkce,
        },
    }))
}

/// Rotate an app secret.
///
/// Returns a new secret, shown only here. The previous secret keeps working for
/// `grace_period_seconds` (default 3600; 0 ends it at once). Requires `platform:admin`.
#[utoipa::path(
    post, path = "/v1/platform/apps/{client_id}/rotate-secret", tag = "platform",
    security(("bearer" = [])),
    params(("client_id" = String, Path, description = "The app's client id")),
    request_body(content = Option<RotateSecretBody>, description = "Optional"),
    responses(
        (status = 200, description = "The new secret", body = RotatedSecret),
        (status = 400, description = "Bad grace period", body = ErrorDoc),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Not a tenant admin", body = ErrorDoc),
        (status = 404, description = "No such app in this tenant", body = ErrorDoc),
    )
)]
async fn rotate_secret(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<RotateSecretBody>,
) -> Result<Json<RotatedSecret>, RestError> {
    let request = v1::RotateSecretRequest {
        client_id,
        grace_period_seconds: body.grace_period_seconds,
    };
    let rotated = state
        .core
        .apps()
        .rotate_secret(caller.request(request))
        .await?;
    let rotated = rotated.into_inner();
    Ok(Json(RotatedSecret {
        client_id: rotated.client_id,
        client_secret: rotated.client_secret,
        previous_secret_expires_at: rfc3339(rotated.previous_secret_expire_time.as_ref()),
    }))
}

/// Mint a service token.
///
/// For apps whose governance allows service tokens; scopes within the app's approved scopes.
/// Requires `platform:admin`.
#[utoipa::path(
    post, path = "/v1/platform/apps/{client_id}/service-token", tag = "platform",
    security(("bearer" = [])),
    params(("client_id" = String, Path, description = "The app's client id")),
    request_body = ServiceTokenBody,
    responses(
        (status = 201, description = "The token", body = ServiceTokenCreated),
        (status = 400, description = "Scope not approved or bad lifetime", body = ErrorDoc),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Not a tenant admin", body = ErrorDoc),
        (status = 404, description = "No such app in this tenant", body = ErrorDoc),
        (status = 409, description = "Governance does not allow service tokens", body = ErrorDoc),
    )
)]
async fn create_service_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<ServiceTokenBody>,
) -> Result<(StatusCode, Json<ServiceTokenCreated>), RestError> {
    let request = v1::CreateServiceTokenRequest {
        client_id,
        scopes: body.scopes,
        ttl_seconds: body.ttl_seconds,
    };
    let minted = state
        .core
        .apps()
        .create_service_token(caller.request(request))
        .await?;
    let minted = minted.into_inner();
    let record = minted.service_token.unwrap_or_default();
    let created = ServiceTokenCreated {
        token: minted.token,
        expires_at: rfc3339(record.expire_time.as_ref()),
        token_id: record.token_id,
        scopes: record.scopes,
    };
    Ok((StatusCode::CREATED, Json(created)))
}

/// List an app's service tokens.
///
/// Records only, never the tokens. Requires `platform:admin`.
#[utoipa::path(
    get, path = "/v1/platform/apps/{client_id}/service-tokens", tag = "platform",
    security(("bearer" = [])),
    params(("client_id" = String, Path, description = "The app's client id")),
    responses(
        (status = 200, description = "Newest first", body = ServiceTokenList),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Not a tenant admin", body = ErrorDoc),
        (status = 404, description = "No such app in this tenant", body = ErrorDoc),
    )
)]
async fn list_service_tokens(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> Result<Json<ServiceTokenList>, RestError> {
    let request = v1::ListServiceTokensRequest { client_id };
    let listed = state
        .core
        .apps()
        .list_service_tokens(caller.request(request))
        .await?;
    let tokens = listed.into_inner().service_tokens;
    Ok(Json(ServiceTokenList {
        service_tokens: tokens.into_iter().map(ServiceTokenView::from).collect(),
    }))
}

/// Revoke a service token.
///
/// The token stops working at once. Requires `platform:admin`.
#[utoipa::path(
    delete, path = "/v1/platform/apps/{client_id}/service-tokens/{token_id}", tag = "platform",
    security(("bearer" = [])),
    params(
        ("client_id" = String, Path, description = "The app's client id"),
        ("token_id" = String, Path, description = "The service token's id"),
    ),
    responses(
        (status = 200, description = "The revoked token's record", body = ServiceTokenView),
        (status = 401, description = "Missing or invalid token", body = ErrorDoc),
        (status = 403, description = "Not a tenant admin", body = ErrorDoc),
        (status = 404, description = "No such app or token in this tenant", body = ErrorDoc),
    )
)]
async fn revoke_service_token(
    State(state): State<AppState>,
    caller: Caller,
    Path((client_id, token_id)): Path<(String, String)>,
) -> Result<Json<ServiceTokenView>, RestError> {
    let request = v1::RevokeServiceTokenRequest {
        client_id,
        token_id,
    };
    let revoked = state
        .core
        .apps()
        .revoke_service_token(caller.request(request))
        .await?;
    Ok(Json(
        revoked
            .into_inner()
            .service_token
            .unwrap_or_default()
            .into(),
    ))
}

/// The core names the paging fields as gRPC does (`page_size`, `page_token`); a REST client
/// sent `limit` and `cursor`, and the error should say so.
fn in_paging_terms(status: tonic::Status) -> RestError {
    let mut error = ApiError::from_status(&status);
    for (grpc, rest) in [("page_size:", "limit:"), ("page_token:", "cursor:")] {
        if let Some(reason) = error.message.strip_prefix(grpc) {
            error.message = format!("{rest}{reason}");
        }
    }
    RestError(error)
}
