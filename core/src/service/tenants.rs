//! Creating, reading and listing tenants: operator-only.

use tracing::instrument;

use crate::clock::SharedClock;
use crate::crypto::SecretHasher;
use crate::domain::app::App;
use crate::domain::page::{Page, PageRequest};
use crate::domain::principal::Principal;
use crate::domain::tenant::{Tenant, TenantName};
use crate::error::CoreError;
use crate::ids::{ClientId, SecretId, TenantId};
use crate::secret::Secret;
use crate::storage::Store;

/// Every client secret starts with this, so secret scanners can spot one.
pub const CLIENT_SECRET_PREFIX: &str = "gcs_";

/// A tenant just created, with the only copy of its admin app's secret.
#[derive(Debug)]
pub struct CreatedTenant {
    /// The tenant.
    pub tenant: Tenant,
    /// Its admin app's `client_id`.
    pub admin_client_id: ClientId,
    /// Its admin app's secret, never stored in the clear.
    pub admin_client_secret: Secret,
}

/// The tenant use cases.
#[derive(Debug, Clone)]
pub struct Tenants {
    store: Store,
    hasher: SecretHasher,
    clock: SharedClock,
}

impl Tenants {
    /// Tenant use cases over `store`.
    pub fn new(store: Store, hasher: SecretHasher, clock: SharedClock) -> Tenants {
        Tenants {
            store,
            hasher,
            clock,
        }
    }

    /// Creates a tenant and its admin app.
    #[instrument(skip_all, fields(tenant_id, client_id))]
    pub async fn create(&self, caller: &Principal, name: &str) -> Result<CreatedTenant, CoreError> {
        caller.require_operator()?;
        let name = TenantName::parse(name)?;

        let now = self.clock.now();
        let tenant = Tenant {
            id: TenantId::generate(now),
            name,
            created_at: now,
        };
        let admin = App::admin_for(&tenant.id, now)?;
        let secret = Secret::generate(CLIENT_SECRET_PREFIX)
            .map_err(|_| CoreError::Internal("the system random source failed".to_owned()))?;
        let span = tracing::Span::current();
        span.record("tenant_id", tenant.id.as_str());
        span.record("client_id", admin.client_id.as_str());

        let hash = self.hasher.hash(&secret);
        self.store
            .insert_tenant_with_admin(&tenant, &admin, &SecretId::generate(now), &hash)
            .await?;
        tracing::info!("tenant created");
        Ok(CreatedTenant {
            tenant,
            admin_client_id: admin.client_id,
            admin_client_secret: secret,
        })
    }

    /// The tenant `id`.
    #[instrument(skip_all, fields(tenant_id))]
    pub async fn get(&self, caller: &Principal, id: &str) -> Result<Tenant, CoreError> {
        caller.require_operator()?;
        let id = TenantId::parse(id)
            .ok_or_else(|| CoreError::invalid("tenant_id", "is not a tenant id (ten_...)"))?;
        tracing::Span::current().record("tenant_id", id.as_str());
        self.store
            .tenant(&id)
            .await?
            .ok_or(CoreError::NotFound { resource: "tenant" })
    }

    /// One page of tenants.
    #[instrument(skip_all)]
    pub async fn list(
        &self,
        caller: &Principal,
        page: &PageRequest,
    ) -> Result<Page<Tenant>, CoreError> {
        caller.require_operator()?;
        Ok(self.store.tenants(page).await?)
    }
}
