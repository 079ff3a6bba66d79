//! Apps of a tenant: registration, governance, secret rotation and service tokens. The tenant
//! always comes from the caller's token; another tenant's app is simply not found.

use std::sync::Arc;

use chrono::Duration;
use tracing::instrument;

use crate::clock::SharedClock;
use crate::crypto::SecretHasher;
use crate::domain::app::{App, Governance};
use crate::domain::page::{Page, PageRequest};
use crate::domain::principal::{ClientPrincipal, Principal};
use crate::domain::scope::{APPS_READ, APPS_WRITE, PLATFORM_ADMIN, Scope};
use crate::domain::service_token::ServiceTokenRecord;
use crate::error::CoreError;
use crate::ids::{ClientId, SecretId};
use crate::secret::Secret;
use crate::service::clients::ClientCache;
use crate::service::scopes::Scopes;
use crate::service::tenants::CLIENT_SECRET_PREFIX;
use crate::service::tokens::TokenService;
use crate::storage::Store;
use crate::tokens::TokenUse;

pub use crate::domain::app::NewApp;

/// Grace period of a rotated secret when the request names none.
pub const DEFAULT_SECRET_GRACE: Duration = Duration::hours(1);
/// Longest grace period a rotation may ask for.
pub const MAX_SECRET_GRACE: Duration = Duration::days(7);
/// Lifetime of a service token when the request names none.
pub const DEFAULT_SERVICE_TOKEN_TTL: Duration = Duration::days(30);
/// Shortest and longest service token lifetimes.
pub const SERVICE_TOKEN_TTL_RANGE: (Duration, Duration) =
    (Duration::seconds(60), Duration::days(365));

/// Governance flags to change; `None` keeps a flag as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct GovernancePatch {
    /// New `allow_service_tokens`.
    pub allow_service_tokens: Option<bool>,
    /// New `enforce_pkce`.
    pub enforce_pkce: Option<bool>,
}

/// A freshly rotated secret.
#[derive(Debug)]
pub struct RotatedSecret {
    /// The app.
    pub client_id: ClientId,
    /// The new secret, shown once.
    pub client_secret: Secret,
    /// When the previous secret stops working.
    pub previous_expires_at: chrono::DateTime<chrono::Utc>,
}

/// A freshly minted service token.
#[derive(Debug)]
pub struct MintedServiceToken {
    /// The token, shown once.
    pub token: Secret,
    /// Its record.
    pub record: ServiceTokenRecord,
}

/// The app use cases.
#[derive(Debug, Clone)]
pub struct Apps {
    store: Store,
    clients: Arc<ClientCache>,
    hasher: SecretHasher,
    tokens: TokenService,
    scopes: Scopes,
    clock: SharedClock,
}

impl Apps {
    /// App use cases over `store`.
    pub fn new(
        store: Store,
        clients: Arc<ClientCache>,
        hasher: SecretHasher,
        tokens: TokenService,
        scopes: Scopes,
        clock: SharedClock,
    ) -> Apps {
        Apps {
            store,
            clients,
            hasher,
            tokens,
            scopes,
            clock,
        }
    }

    /// Registers an app. A tenant admin's registration is approved for every scope it asks;
    /// an `apps:write` caller can approve only scopes it holds itself.
    #[instrument(skip_all, fields(tenant_id, client_id))]
    pub async fn create(
        &self,
        caller: &Principal,
        new: NewApp,
    ) -> Result<(App, Secret), CoreError> {
        let caller = caller.require_scope(&[APPS_WRITE])?;
        tracing::Span::current().record("tenant_id", caller.tenant_id.as_str());
        let catalog = self.scopes.requestable().await?;
        let now = self.clock.now();
        let mut app = new.validate(&caller.tenant_id, &catalog, now)?;
        if !caller.has_scope(PLATFORM_ADMIN) {
            app.approved_scopes
                .retain(|scope| caller.has_scope(scope.as_str()));
        }
        tracing::Span::current().record("client_id", app.client_id.as_str());

        let secret = new_secret()?;
        let hash = self.hasher.hash(&secret);
        self.store
            .insert_app_with_secret(&app, &SecretId::generate(now), &hash)
            .await?;
        tracing::info!("app registered");
        Ok((app, secret))
    }

    /// One page of the tenant's apps.
    pub async fn list(
        &self,
        caller: &Principal,
        page: &PageRequest,
    ) -> Result<Page<App>, CoreError> {
        let caller = caller.require_scope(&[APPS_READ])?;
        Ok(self.store.apps(&caller.tenant_id, page).await?)
    }

    /// One app of the tenant.
    pub async fn get(&self, caller: &Principal, client_id: &str) -> Result<App, CoreError> {
        let caller = caller.require_scope(&[APPS_READ])?;
        self.find(caller, client_id).await
    }

    /// Changes governance flags. Tenant admins only.
    #[instrument(skip_all, fields(tenant_id, client_id = client_id))]
    pub async fn update_governance(
        &self,
        caller: &Principal,
        client_id: &str,
        patch: GovernancePatch,
    ) -> Result<App, CoreError> {
        let caller = caller.require_admin()?;
        let app = self.find(caller, client_id).await?;
        let governance = Governance {
            allow_service_tokens: patch
                .allow_service_tokens
                .unwrap_or(app.governance.allow_service_tokens),
            enforce_pkce: patch.enforce_pkce.unwrap_or(app.governance.enforce_pkce),
        };
        let updated = self
            .store
            .update_governance(
                &caller.tenant_id,
                &app.client_id,
                &governance,
                self.clock.now(),
            )
            .await?
            .ok_or(CoreError::NotFound { resource: "app" })?;
        tracing::info!(?governance, "governance updated");
        Ok(updated)
    }

    /// Issues a new secret; older ones keep working for `grace` (default one hour, zero ends
    /// them at once). Tenant admins only.
    #[instrument(skip_all, fields(tenant_id, client_id = client_id))]
    pub async fn rotate_secret(
        &self,
        caller: &Principal,
        client_id: &str,
        grace_seconds: Option<i64>,
    ) -> Result<RotatedSecret, CoreError> {
        let caller = caller.require_admin()?;
        let grace = match grace_seconds {
            None => DEFAULT_SECRET_GRACE,
            Some(seconds) if (0..=MAX_SECRET_GRACE.num_seconds()).contains(&seconds) => {
                Duration::seconds(seconds)
            }
            Some(_) => {
                return Err(CoreError::invalid(
                    "grace_period_seconds",
                    "must be between 0 and 604800 (seven days)",
                ));
            }
        };
        let mut app = self.find(caller, client_id).await?;
        let now = self.clock.now();
        app.updated_at = now;

        let secret = new_secret()?;
        let hash = self.hasher.hash(&secret);
        let previous_expires_at = now + grace;
        let rotated = self
            .store
            .rotate_secret(&app, &SecretId::generate(now), &hash, previous_expires_at)
            .await?;
        if !rotated {
            return Err(CoreError::NotFound { resource: "app" });
        }
        self.clients.invalidate(&app.client_id);
        tracing::info!(grace_secs = grace.num_seconds(), "client secret rotated");
        Ok(RotatedSecret {
            client_id: app.client_id,
            client_secret: secret,
            previous_expires_at,
        })
    }

    /// Mints a service token for an app whose governance allows it. Tenant admins only.
    #[instrument(skip_all, fields(tenant_id, client_id = client_id))]
    pub async fn create_service_token(
        &self,
        caller: &Principal,
        client_id: &str,
        scopes: &[String],
        ttl_seconds: Option<i64>,
    ) -> Result<MintedServiceToken, CoreError> {
        let caller = caller.require_admin()?;
        let app = self.find(caller, client_id).await?;
        if !app.governance.allow_service_tokens {
            return Err(CoreError::FailedPrecondition(
                "this app's governance does not allow service tokens".into(),
            ));
        }
        let scopes = approved_subset(&app, scopes)?;
        let ttl = service_token_ttl(ttl_seconds)?;

        let minted = self.tokens.mint(&app, &scopes, TokenUse::Service, ttl)?;
        let record = ServiceTokenRecord {
            token_id: minted.claims.jti.clone(),
            tenant_id: app.tenant_id.clone(),
            client_id: app.client_id.clone(),
            scopes,
            kid: minted.kid,
            created_at: self.clock.now(),
            expires_at: TokenService::expiry(&minted.claims),
            revoked_at: None,
        };
        self.store.insert_service_token(&record).await?;
        tracing::info!(token_id = %record.token_id, "service token minted");
        Ok(MintedServiceToken {
            token: minted.token,
            record,
        })
    }

    /// The app's service tokens, newest first. Tenant admins only.
    pub async fn list_service_tokens(
        &self,
        caller: &Principal,
        client_id: &str,
    ) -> Result<Vec<ServiceTokenRecord>, CoreError> {
        let caller = caller.require_admin()?;
        let app = self.find(caller, client_id).await?;
        Ok(self
            .store
            .service_tokens(&caller.tenant_id, &app.client_id)
            .await?)
    }

    /// Revokes one of the app's service tokens. Tenant admins only.
    #[instrument(skip_all, fields(tenant_id, client_id = client_id))]
    pub async fn revoke_service_token(
        &self,
        caller: &Principal,
        client_id: &str,
        token_id: &str,
    ) -> Result<ServiceTokenRecord, CoreError> {
        let caller = caller.require_admin()?;
        let app = self.find(caller, client_id).await?;
        let record = self
            .store
            .revoke_service_token(
                &caller.tenant_id,
                &app.client_id,
                token_id,
                self.clock.now(),
            )
            .await?
            .ok_or(CoreError::NotFound {
                resource: "service token",
            })?;
        tracing::info!(token_id = %record.token_id, "service token revoked");
        Ok(record)
    }

    /// The caller's tenant's app `client_id`; anything else is not found.
    async fn find(&self, caller: &ClientPrincipal, client_id: &str) -> Result<App, CoreError> {
        let not_found = CoreError::NotFound { resource: "app" };
        let Some(client_id) = ClientId::parse(client_id) else {
            return Err(not_found);
        };
        self.store
            .app(&caller.tenant_id, &client_id)
            .await?
            .ok_or(not_found)
    }
}

fn new_secret() -> Result<Secret, CoreError> {
    Secret::generate(CLIENT_SECRET_PREFIX)
        .map_err(|_| CoreError::Internal("the system random source failed".to_owned()))
}

/// `requested` scopes if each is approved for `app`; all approved scopes if none are asked.
fn approved_subset(app: &App, requested: &[String]) -> Result<Vec<Scope>, CoreError> {
    if requested.is_empty() {
        return Ok(app.approved_scopes.clone());
    }
    let mut scopes: Vec<Scope> = Vec::new();
    for raw in requested {
        let scope = Scope::parse(raw)?;
        if !app.approved_scopes.contains(&scope) {
            return Err(CoreError::invalid(
                "scopes",
                format!("{scope} is not approved for this app"),
            ));
        }
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(scopes)
}

fn service_token_ttl(ttl_seconds: Option<i64>) -> Result<Duration, CoreError> {
    let Some(seconds) = ttl_seconds else {
        return Ok(DEFAULT_SERVICE_TOKEN_TTL);
    };
    let (min, max) = SERVICE_TOKEN_TTL_RANGE;
    if seconds < min.num_seconds() || seconds > max.num_seconds() {
        return Err(CoreError::invalid(
            "ttl_seconds",
            "must be between 60 and 31536000 (365 days)",
        ));
    }
    Ok(Duration::seconds(seconds))
}
