//! Tenants, created together with their admin app in one transaction.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::entities::tenants;
use super::{StorageError, Store, apps};
use crate::crypto::SecretHash;
use crate::domain::app::App;
use crate::domain::page::{Page, PageRequest};
use crate::domain::tenant::{Tenant, TenantName};
use crate::ids::{SecretId, TenantId};

impl Store {
    /// Stores a new tenant, its admin app and the app's first secret, all or nothing.
    pub async fn insert_tenant_with_admin(
        &self,
        tenant: &Tenant,
        admin: &App,
        secret_id: &SecretId,
        secret_hash: &SecretHash,
    ) -> Result<(), StorageError> {
        let txn = self.db.begin().await?;
        let row = tenants::ActiveModel {
            id: Set(tenant.id.to_string()),
            name: Set(tenant.name.as_str().to_owned()),
            name_key: Set(tenant.name.key()),
            created_at: Set(tenant.created_at),
        };
        tenants::Entity::insert(row)
            .exec(&txn)
            .await
            .map_err(|err| StorageError::from_db(err, "tenant"))?;
        apps::insert_app(&txn, admin).await?;
        apps::insert_secret(&txn, admin, secret_id, secret_hash, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The tenant with `id`, if any.
    pub async fn tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StorageError> {
        let row = tenants::Entity::find_by_id(id.as_str())
            .one(&self.db)
            .await?;
        row.map(into_tenant).transpose()
    }

    /// One page of tenants, oldest first.
    pub async fn tenants(&self, page: &PageRequest) -> Result<Page<Tenant>, StorageError> {
        let mut query = tenants::Entity::find().order_by_asc(tenants::Column::Id);
        if let Some(after) = &page.after {
            query = query.filter(tenants::Column::Id.gt(after.as_str()));
        }
        let rows = query.limit(page.size + 1).all(&self.db).await?;
        let items = rows
            .into_iter()
            .map(into_tenant)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(items, page.size, |tenant| {
            tenant.id.as_str()
        }))
    }
}

fn into_tenant(row: tenants::Model) -> Result<Tenant, StorageError> {
    let id = TenantId::parse(&row.id)
        .ok_or_else(|| StorageError::Corrupt(format!("tenant id {:?}", row.id)))?;
    Ok(Tenant {
        id,
        name: TenantName::from_stored(row.name),
        created_at: row.created_at,
    })
}
