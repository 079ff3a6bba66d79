//! The OAuth 2.0 endpoints' logic: client authentication (RFC 6749 §2.3.1), the client
//! credentials grant (§4.4), introspection (RFC 7662) and revocation (RFC 7009).

use std::sync::Arc;

use gatehouse_proto::error::ErrorCode;
use tracing::instrument;

use crate::clock::SharedClock;
use crate::crypto::{SecretHash, SecretHasher};
use crate::domain::app::{App, GrantType};
use crate::domain::scope::{Scope, join_scopes, parse_scope_list};
use crate::error::CoreError;
use crate::ids::ClientId;
use crate::secret::Secret;
use crate::service::clients::{ClientCache, ClientRecord};
use crate::service::scopes::Scopes;
use crate::service::throttle::Throttle;
use crate::service::tokens::TokenService;
use crate::storage::{Revocation, Store};
use crate::tokens::{AccessClaims, TokenUse};

/// A client's credentials as presented at an endpoint.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// A token request (RFC 6749 §4.4.2).
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// The authenticating client, if it presented credentials.
    pub client: Option<ClientCredentials>,
    /// `grant_type`.
    pub grant_type: String,
    /// `scope`, space-delimited; empty asks for every approved scope.
    pub scope: String,
    /// Where the request came from.
    pub client_address: Option<String>,
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug)]
pub struct IssuedToken {
    /// The JWT.
    pub access_token: Secret,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// The granted scopes, space-delimited.
    pub scope: String,
}

/// What the metadata document (RFC 8414) is built from.
#[derive(Debug, Clone)]
pub struct ServerMetadata {
    /// The issuer identifier.
    pub issuer: String,
    /// Requestable scopes.
    pub scopes_supported: Vec<String>,
    /// Grant types the token endpoint accepts.
    pub grant_types_supported: Vec<String>,
    /// Client authentication methods it accepts.
    pub auth_methods_supported: Vec<String>,
}

/// The OAuth use cases.
#[derive(Debug, Clone)]
pub struct OAuth {
    store: Store,
    clients: Arc<ClientCache>,
    hasher: SecretHasher,
    tokens: TokenService,
    scopes: Scopes,
    throttle: Arc<Throttle>,
    clock: SharedClock,
    decoy: SecretHash,
}

impl OAuth {
    /// OAuth over `store`, minting with `tokens`.
    pub fn new(
        store: Store,
        clients: Arc<ClientCache>,
        hasher: SecretHasher,
        tokens: TokenService,
        scopes: Scopes,
        throttle: Arc<Throttle>,
        clock: SharedClock,
    ) -> OAuth {
        let decoy = hasher.hash(&Secret::new("gcs_decoy"));
        OAuth {
            store,
            clients,
            hasher,
            tokens,
            scopes,
            throttle,
            clock,
            decoy,
        }
    }

    /// The token endpoint. Only `client_credentials` is granted here for now.
    #[instrument(skip_all, fields(client_id, tenant_id))]
    pub async fn issue_token(&self, request: TokenRequest) -> Result<IssuedToken, CoreError> {
        let grant = match request.grant_type.as_str() {
            "" => {
                return Err(CoreError::oauth(
                    ErrorCode::InvalidArgument,
                    "grant_type is required",
                ));
            }
            name => GrantType::parse(name).map_err(|_| {
                CoreError::oauth(
                    ErrorCode::UnsupportedGrantType,
                    format!("grant_type {name:?} is not supported"),
                )
            })?,
        };
        let address = request.client_address.as_deref();
        let client = self.authenticate(request.client.as_ref(), address).await?;
        let app = &client.app;
        if grant != GrantType::ClientCredentials {
            return Err(CoreError::oauth(
                ErrorCode::UnsupportedGrantType,
                format!(
                    "grant_type {} is not supported at this endpoint yet",
                    grant.as_str()
                ),
            ));
        }
        if !app.grant_types.contains(&GrantType::ClientCredentials) {
            return Err(CoreError::oauth(
                ErrorCode::UnauthorizedClient,
                "this client may not use the client_credentials grant",
            ));
        }

        let scopes = granted_scopes(app, &request.scope)?;
        let ttl = self.tokens.profile().access_ttl;
        let minted = self.tokens.mint(app, &scopes, TokenUse::Access, ttl)?;
        tracing::debug!(kid = %minted.kid, "access token issued");
        Ok(IssuedToken {
            access_token: minted.token,
            expires_in: ttl.num_seconds(),
            scope: join_scopes(&scopes),
        })
    }

    /// Introspection: the token's claims if it is live and of the caller's tenant.
    #[instrument(skip_all, fields(client_id, tenant_id))]
    pub async fn introspect(
        &self,
        client: Option<&ClientCredentials>,
        token: &str,
        address: Option<&str>,
    ) -> Result<Option<AccessClaims>, CoreError> {
        let app = &self.authenticate(client, address).await?.app;
        let claims = self.tokens.verify_live(&self.store, token).await?;
        // RFC 7662 §2.2: a token the caller may not see is simply inactive.
        Ok(claims
            .ok()
            .filter(|claims| claims.tid == app.tenant_id.as_str()))
    }

    /// Revocation: a live token issued to the calling client stops working. Any other token is
    /// ignored, and the answer is the same (RFC 7009 §2.2).
    #[instrument(skip_all, fields(client_id, tenant_id))]
    pub async fn revoke(
        &self,
        client: Option<&ClientCredentials>,
        token: &str,
        address: Option<&str>,
    ) -> Result<(), CoreError> {
        let app = &self.authenticate(client, address).await?.app;
        let Ok(claims) = self.tokens.verify(token) else {
            return Ok(());
        };
        if claims.client_id != app.client_id.as_str() || claims.tid != app.tenant_id.as_str() {
            return Ok(());
        }
        let revocation = Revocation {
            token_id: claims.jti.clone(),
            tenant_id: app.tenant_id.clone(),
            client_id: app.client_id.clone(),
            expires_at: TokenService::expiry(&claims),
            revoked_at: self.clock.now(),
        };
        self.store.revoke_token(&revocation).await?;
        tracing::info!(token_id = %claims.jti, "token revoked");
        Ok(())
    }

    /// The facts behind the metadata document.
    pub async fn metadata(&self) -> Result<ServerMetadata, CoreError> {
        let scopes = self.scopes.requestable().await?;
        Ok(ServerMetadata {
            issuer: self.tokens.profile().issuer.clone(),
            scopes_supported: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            grant_types_supported: vec![GrantType::ClientCredentials.as_str().to_owned()],
            auth_methods_supported: vec!["client_secret_basic".into(), "client_secret_post".into()],
        })
    }

    /// Client authentication. An unknown client costs the same keyed hash as a known one, and
    /// repeated failures are throttled per client id and per address.
    async fn authenticate(
        &self,
        client: Option<&ClientCredentials>,
        address: Option<&str>,
    ) -> Result<Arc<ClientRecord>, CoreError> {
        let Some(client) = client else {
            return Err(CoreError::oauth(
                ErrorCode::InvalidClient,
                "client authentication is required",
            ));
        };
        self.throttle.check(&client.client_id, address)?;

        let now = self.clock.now();
        let found = match ClientId::parse(&client.client_id) {
            Some(client_id) => self.clients.get(&client_id, now).await?,
            None => None,
        };
        let verified = match &found {
            Some(record) => record
                .secrets
                .iter()
                .filter(|secret| secret.is_live(now))
                .fold(false, |ok, secret| {
                    self.hasher.verify(&client.client_secret, &secret.hash) | ok
                }),
            None => {
                let _ = self.hasher.verify(&client.client_secret, &self.decoy);
                false
            }
        };
        let Some(record) = found.filter(|_| verified) else {
            self.throttle.failed(&client.client_id, address);
            tracing::debug!("client authentication failed");
            return Err(CoreError::oauth(
                ErrorCode::InvalidClient,
                "client authentication failed",
            ));
        };

        self.throttle.succeeded(&client.client_id);
        let span = tracing::Span::current();
        span.record("client_id", record.app.client_id.as_str());
        span.record("tenant_id", record.app.tenant_id.as_str());
        Ok(record)
    }
}

/// The scopes to grant: the requested ones if every one is approved, else all approved ones.
fn granted_scopes(app: &App, requested: &str) -> Result<Vec<Scope>, CoreError> {
    let requested = parse_scope_list(requested)
        .map_err(|err| CoreError::oauth(ErrorCode::InvalidScope, err.to_string()))?;
    if requested.is_empty() {
        return Ok(app.approved_scopes.clone());
    }
    if let Some(unapproved) = requested
        .iter()
        .find(|scope| !app.approved_scopes.contains(scope))
    {
        return Err(CoreError::oauth(
            ErrorCode::InvalidScope,
            format!("scope {unapproved} is not approved for this client"),
        ));
    }
    Ok(requested)
}
