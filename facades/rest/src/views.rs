//! JSON shapes of the REST API, translated from the core's protobuf messages.

use gatehouse_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An RFC 3339 time from a protobuf timestamp.
pub(crate) fn rfc3339(timestamp: Option<&prost_types::Timestamp>) -> Option<String> {
    let ts = timestamp?;
    let time = chrono::DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?)?;
    Some(time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// An error: `{"error": {"code": "not_found", "message": "app not found"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorDoc {
    /// The error.
    pub error: ErrorDetailDoc,
}

/// The `error` member of an error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetailDoc {
    /// Stable code: `invalid_argument`, `unauthenticated`, `permission_denied`, `not_found`,
    /// `already_exists`, `failed_precondition`, `rate_limited`, `unavailable`, `internal`.
    #[schema(example = "not_found")]
    pub code: String,
    /// Human-readable message.
    #[schema(example = "app not found")]
    pub message: String,
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(Serialize, ToSchema)]
pub struct OAuthErrorDoc {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`, `temporarily_unavailable` or `server_error`.
    #[schema(example = "invalid_client")]
    pub error: String,
    /// Human-readable description.
    pub error_description: String,
}

/// One scope of the catalog.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScopeView {
    /// The scope token.
    #[schema(example = "webhooks:write")]
    pub name: String,
    /// What it allows.
    pub description: String,
}

/// The requestable scope catalog.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScopeList {
    /// Scopes by name.
    pub scopes: Vec<ScopeView>,
}

/// Governance flags of an app.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GovernanceView {
    /// Tenant admins may mint service tokens for the app.
    pub allow_service_tokens: bool,
    /// Authorization code requests must carry a PKCE challenge.
    pub enforce_pkce: bool,
}

/// A registered app.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AppView {
    /// The OAuth client id.
    #[schema(example = "app_01m8yq6afqeksa3t49mt6gxh25")]
    pub client_id: String,
    /// The owning tenant.
    pub tenant_id: String,
    /// Display name.
    #[schema(example = "Case sync connector")]
    pub name: String,
    /// `admin` for the tenant's first app, `standard` otherwise.
    pub kind: String,
    /// Grants the app may use.
    pub grant_types: Vec<String>,
    /// Redirect URIs, compared exactly.
    pub redirect_uris: Vec<String>,
    /// Scopes asked for at registration.
    pub requested_scopes: Vec<String>,
    /// Scopes the app's tokens may carry.
    pub approved_scopes: Vec<String>,
    /// Governance flags.
    pub governance: GovernanceView,
    /// Registration time.
    pub created_at: Option<String>,
    /// Last change.
    pub updated_at: Option<String>,
}

impl From<v1::App> for AppView {
    fn from(app: v1::App) -> AppView {
        let governance = app.governance.unwrap_or_default();
        AppView {
            created_at: rfc3339(app.create_time.as_ref()),
            updated_at: rfc3339(app.update_time.as_ref()),
            client_id: app.client_id,
            tenant_id: app.tenant_id,
            name: app.name,
            kind: app.kind,
            grant_types: app.grant_types,
            redirect_uris: app.redirect_uris,
            requested_scopes: app.requested_scopes,
            approved_scopes: app.approved_scopes,
            governance: GovernanceView {
                allow_service_tokens: governance.allow_service_tokens,
                enforce_pkce: governance.enforce_pkce,
            },
        }
    }
}

/// A registration request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAppBody {
    /// Display name, 1 to 100 characters.
    #[schema(example = "Case sync connector")]
    pub name: String,
    /// `client_credentials`, `authorization_code`, `refresh_token`.
    #[schema(example = json!(["client_credentials"]))]
    pub grant_types: Vec<String>,
    /// Absolute https URIs (http only on loopback), no fragment; required with
    /// `authorization_code` and refused without it.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Scopes from the catalog.
    #[serde(default)]
    #[schema(example = json!(["webhooks:write"]))]
    pub requested_scopes: Vec<String>,
}

/// A registered app with its secret, shown only in this response.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedApp {
    /// The app.
    #[serde(flatten)]
    pub app: AppView,
    /// The client secret; store it now, it is never shown again.
    pub client_secret: String,
}

/// One page of apps.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AppList {
    /// Apps, oldest first.
    pub apps: Vec<AppView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Paging of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Governance flags to change; absent flags keep their value. Unknown flags are an error.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GovernancePatch {
    /// Allow tenant admins to mint service tokens for the app.
    pub allow_service_tokens: Option<bool>,
    /// Require PKCE on authorization code requests.
    pub enforce_pkce: Option<bool>,
}

/// An app's governance after a change.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GovernanceResult {
    /// The app.
    pub client_id: String,
    /// Its governance now.
    pub governance: GovernanceView,
}

/// A secret rotation request; the body is optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecretBody {
    /// How long the previous secret keeps working, 0 to 604800 seconds (default 3600); 0
    /// ends it at once.
    pub grace_period_seconds: Option<i64>,
}

/// A new client secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RotatedSecret {
    /// The app.
    pub client_id: String,
    /// The new secret; store it now, it is never shown again.
    pub client_secret: String,
    /// When the previous secret stops working.
    pub previous_secret_expires_at: Option<String>,
}

/// A service token request.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceTokenBody {
    /// Scopes within the app's approved scopes; empty means all of them.
    #[serde(default)]
    #[schema(example = json!(["webhooks:write"]))]
    pub scopes: Vec<String>,
    /// Lifetime, 60 to 31536000 seconds (default 30 days).
    pub ttl_seconds: Option<i64>,
}

/// A minted service token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceTokenCreated {
    /// The token; store it now, it is never shown again.
    pub token: String,
    /// When it expires.
    pub expires_at: Option<String>,
    /// Its id, for listing and revocation.
    pub token_id: String,
    /// Its scopes.
    pub scopes: Vec<String>,
}

/// A service token's record (never the token).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceTokenView {
    /// Its id.
    pub token_id: String,
    /// The app.
    pub client_id: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// When it was minted.
    pub created_at: Option<String>,
    /// When it expires.
    pub expires_at: Option<String>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl From<v1::ServiceToken> for ServiceTokenView {
    fn from(token: v1::ServiceToken) -> ServiceTokenView {
        ServiceTokenView {
            created_at: rfc3339(token.create_time.as_ref()),
            expires_at: rfc3339(token.expire_time.as_ref()),
            revoked_at: rfc3339(token.revoke_time.as_ref()),
            token_id: token.token_id,
            client_id: token.client_id,
            scopes: token.scopes,
        }
    }
}

/// An app's service tokens.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceTokenList {
    /// Newest first.
    pub service_tokens: Vec<ServiceTokenView>,
}
