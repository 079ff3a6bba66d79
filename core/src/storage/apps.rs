//! Apps and their secrets. Every read names the tenant: another tenant's app is simply absent.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::entities::{apps, client_secrets};
use super::{StorageError, Store, json_list, to_json_list};
use crate::crypto::SecretHash;
use crate::domain::app::{App, AppKind, Governance, GrantType};
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Scope;
use crate::ids::{ClientId, SecretId, TenantId};

/// The stored form of [`Governance`]; unknown fields in old rows are ignored.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct StoredGovernance {
    allow_service_tokens: bool,
    enforce_pkce: bool,
}

pub(super) async fn insert_app(db: &impl ConnectionTrait, app: &App) -> Result<(), StorageError> {
    let row = apps::ActiveModel {
        client_id: Set(app.client_id.to_string()),
        tenant_id: Set(app.tenant_id.to_string()),
        name: Set(app.name.clone()),
        kind: Set(app.kind.as_str().to_owned()),
        grant_types: Set(to_json_list(app.grant_types.iter().map(|g| g.as_str()))),
        redirect_uris: Set(to_json_list(app.redirect_uris.iter().map(String::as_str))),
        requested_scopes: Set(to_json_list(app.requested_scopes.iter().map(Scope::as_str))),
        approved_scopes: Set(to_json_list(app.approved_scopes.iter().map(Scope::as_str))),
        governance: Set(stored_governance(&app.governance)),
        created_at: Set(app.created_at),
        updated_at: Set(app.updated_at),
    };
    apps::Entity::insert(row)
        .exec(db)
        .await
        .map_err(|err| StorageError::from_db(err, "app"))?;
    Ok(())
}

pub(super) async fn insert_secret(
    db: &impl ConnectionTrait,
    app: &App,
    id: &SecretId,
    hash: &SecretHash,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(), StorageError> {
    let row = client_secrets::ActiveModel {
        id: Set(id.to_string()),
        tenant_id: Set(app.tenant_id.to_string()),
        client_id: Set(app.client_id.to_string()),
        secret_hash: Set(hash.as_bytes().to_vec()),
        created_at: Set(app.updated_at),
        expires_at: Set(expires_at),
    };
    client_secrets::Entity::insert(row).exec(db).await?;
    Ok(())
}

fn stored_governance(governance: &Governance) -> String {
    let stored = StoredGovernance {
        allow_service_tokens: governance.allow_service_tokens,
        enforce_pkce: governance.enforce_pkce,
    };
    serde_json::to_string(&stored).unwrap_or_else(|_| "{}".to_owned())
}

/// A client secret as stored: its keyed hash and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    /// The keyed hash.
    pub hash: SecretHash,
    /// End of its grace period after a rotation; `None` while it is current.
    pub expires_at: Option<DateTime<Utc>>,
}

impl StoredSecret {
    /// Whether the secret still works at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|expiry| expiry > now)
    }
}

impl Store {
    /// Registers an app with its first secret, both or neither.
    pub async fn insert_app_with_secret(
        &self,
        app: &App,
        secret_id: &SecretId,
        secret_hash: &SecretHash,
    ) -> Result<(), StorageError> {
        let txn = self.db.begin().await?;
        insert_app(&txn, app).await?;
        insert_secret(&txn, app, secret_id, secret_hash, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The app with this client id, whatever its tenant, and its secrets not expired at `now`
    /// with their expiry: what client authentication needs, in two reads.
    pub async fn client(
        &self,
        client_id: &ClientId,
        now: DateTime<Utc>,
    ) -> Result<Option<(App, Vec<StoredSecret>)>, StorageError> {
        let Some(row) = apps::Entity::find_by_id(client_id.as_str())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let app = into_app(row)?;
        let rows = client_secrets::Entity::find()
            .filter(client_secrets::Column::TenantId.eq(app.tenant_id.as_str()))
            .filter(client_secrets::Column::ClientId.eq(client_id.as_str()))
            .all(&self.db)
            .await?;
        let secrets = rows
            .into_iter()
            .filter(|row| row.expires_at.is_none_or(|expiry| expiry > now))
            .map(|row| StoredSecret {
                hash: SecretHash::from_bytes(row.secret_hash),
                expires_at: row.expires_at,
            })
            .collect();
        Ok(Some((app, secrets)))
    }

    /// Replaces the app's governance flags; `None` if the tenant has no such app.
    pub async fn update_governance(
        &self,
        tenant_id: &TenantId,
        client_id: &ClientId,
        governance: &Governance,
        now: DateTime<Utc>,
    ) -> Result<Option<App>, StorageError> {
        let updated = apps::Entity::update_many()
            .col_expr(
                apps::Column::Governance,
                stored_governance(governance).into(),
            )
            .col_expr(apps::Column::UpdatedAt, now.into())
            .filter(apps::Column::TenantId.eq(tenant_id.as_str()))
            .filter(apps::Column::ClientId.eq(client_id.as_str()))
            .exec(&self.db)
            .await?;
        if updated.rows_affected == 0 {
            return Ok(None);
        }
        self.app(tenant_id, client_id).await
    }

    /// Adds a new secret and makes every older one expire by `previous_until`, in one
    /// transaction. `false` if the tenant has no such app.
    pub async fn rotate_secret(
        &self,
        app: &App,
        secret_id: &SecretId,
        secret_hash: &SecretHash,
        previous_until: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let txn = self.db.begin().await?;
        let exists = apps::Entity::find()
            .filter(apps::Column::TenantId.eq(app.tenant_id.as_str()))
            .filter(apps::Column::ClientId.eq(app.client_id.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if !exists {
            return Ok(false);
        }
        let outlives_grace = Condition::any()
            .add(client_secrets::Column::ExpiresAt.is_null())
            .add(client_secrets::Column::ExpiresAt.gt(previous_until));
        client_secrets::Entity::update_many()
            .col_expr(
                client_secrets::Column::ExpiresAt,
                Expr::value(Some(previous_until)),
            )
            .filter(client_secrets::Column::TenantId.eq(app.tenant_id.as_str()))
            .filter(client_secrets::Column::ClientId.eq(app.client_id.as_str()))
            .filter(outlives_grace)
            .exec(&txn)
            .await?;
        insert_secret(&txn, app, secret_id, secret_hash, None).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The app `client_id` of tenant `tenant_id`, if it exists there.
    pub async fn app(
        &self,
        tenant_id: &TenantId,
        client_id: &ClientId,
    ) -> Result<Option<App>, StorageError> {
        let row = apps::Entity::find()
            .filter(apps::Column::TenantId.eq(tenant_id.as_str()))
            .filter(apps::Column::ClientId.eq(client_id.as_str()))
            .one(&self.db)
            .await?;
        row.map(into_app).transpose()
    }

    /// One page of the tenant's apps, oldest first.
    pub async fn apps(
        &self,
        tenant_id: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<App>, StorageError> {
        let mut query = apps::Entity::find()
            .filter(apps::Column::TenantId.eq(tenant_id.as_str()))
            .order_by_asc(apps::Column::ClientId);
        if let Some(after) = &page.after {
            query = query.filter(apps::Column::ClientId.gt(after.as_str()));
        }
        let rows = query.limit(page.size + 1).all(&self.db).await?;
        let items = rows
            .into_iter()
            .map(into_app)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(items, page.size, |app| {
            app.client_id.as_str()
        }))
    }

    /// Hashes of the app's secrets that are still valid at `now`.
    pub async fn live_secret_hashes(
        &self,
        tenant_id: &TenantId,
        client_id: &ClientId,
        now: DateTime<Utc>,
    ) -> Result<Vec<SecretHash>, StorageError> {
        let rows = client_secrets::Entity::find()
            .filter(client_secrets::Column::TenantId.eq(tenant_id.as_str()))
            .filter(client_secrets::Column::ClientId.eq(client_id.as_str()))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|row| row.expires_at.is_none_or(|expiry| expiry > now))
            .map(|row| SecretHash::from_bytes(row.secret_hash))
            .collect())
    }
}

fn into_app(row: apps::Model) -> Result<App, StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("app {}: {what}", row.client_id));
    let client_id = ClientId::parse(&row.client_id).ok_or_else(|| corrupt("client_id"))?;
    let tenant_id = TenantId::parse(&row.tenant_id).ok_or_else(|| corrupt("tenant_id"))?;
    let kind = AppKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?;
    let grant_types = json_list(&row.grant_types)?
        .iter()
        .map(|g| GrantType::parse(g).map_err(|_| corrupt("grant_types")))
        .collect::<Result<_, _>>()?;
    let scopes = |column: &str| -> Result<Vec<Scope>, StorageError> {
        json_list(column)?
            .iter()
            .map(|s| Scope::parse(s).map_err(|_| corrupt("scopes")))
            .collect()
    };
    let governance: StoredGovernance =
        serde_json::from_str(&row.governance).map_err(|_| corrupt("governance"))?;
    Ok(App {
        requested_scopes: scopes(&row.requested_scopes)?,
        approved_scopes: scopes(&row.approved_scopes)?,
        redirect_uris: json_list(&row.redirect_uris)?,
        client_id,
        tenant_id,
        name: row.name,
        kind,
        grant_types,
        governance: Governance {
            allow_service_tokens: governance.allow_service_tokens,
            enforce_pkce: governance.enforce_pkce,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
