//! Service token records and revoked token ids.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::entities::{revoked_tokens, service_tokens};
use super::{StorageError, Store, json_list, to_json_list};
use crate::domain::scope::Scope;
use crate::domain::service_token::ServiceTokenRecord;
use crate::ids::{ClientId, TenantId};

/// A token id to refuse from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The token's `jti`.
    pub token_id: String,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Its client.
    pub client_id: ClientId,
    /// Its `exp`: after that the row can go.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: DateTime<Utc>,
}

impl Store {
    /// Records a minted service token.
    pub async fn insert_service_token(
        &self,
        record: &ServiceTokenRecord,
    ) -> Result<(), StorageError> {
        let row = service_tokens::ActiveModel {
            token_id: Set(record.token_id.clone()),
            tenant_id: Set(record.tenant_id.to_string()),
            client_id: Set(record.client_id.to_string()),
            scopes: Set(to_json_list(record.scopes.iter().map(Scope::as_str))),
            kid: Set(record.kid.clone()),
            created_at: Set(record.created_at),
            expires_at: Set(record.expires_at),
            revoked_at: Set(record.revoked_at),
        };
        service_tokens::Entity::insert(row).exec(&self.db).await?;
        Ok(())
    }

    /// The app's service tokens, newest first.
    pub async fn service_tokens(
        &self,
        tenant_id: &TenantId,
        client_id: &ClientId,
    ) -> Result<Vec<ServiceTokenRecord>, StorageError> {
        let rows = service_tokens::Entity::find()
            .filter(service_tokens::Column::TenantId.eq(tenant_id.as_str()))
            .filter(service_tokens::Column::ClientId.eq(client_id.as_str()))
            .order_by_desc(service_tokens::Column::CreatedAt)
            .all(&self.db)
            .await?;
        rows.into_iter().map(into_record).collect()
    }

    /// Revokes one of the app's service tokens; `None` if the app has no such token.
    pub async fn revoke_service_token(
        &self,
        tenant_id: &TenantId,
        client_id: &ClientId,
        token_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ServiceTokenRecord>, StorageError> {
        let txn = self.db.begin().await?;
        let found = service_tokens::Entity::find_by_id(token_id)
            .filter(service_tokens::Column::TenantId.eq(tenant_id.as_str()))
            .filter(service_tokens::Column::ClientId.eq(client_id.as_str()))
            .one(&txn)
            .await?;
        let Some(row) = found else {
            return Ok(None);
        };
        let mut record = into_record(row)?;
        if record.revoked_at.is_none() {
            service_tokens::Entity::update_many()
                .col_expr(service_tokens::Column::RevokedAt, Some(now).into())
                .filter(service_tokens::Column::TokenId.eq(token_id))
                .exec(&txn)
                .await?;
            let revocation = Revocation {
                token_id: record.token_id.clone(),
                tenant_id: record.tenant_id.clone(),
                client_id: record.client_id.clone(),
                expires_at: record.expires_at,
                revoked_at: now,
            };
            insert_revocation(&txn, &revocation).await?;
            record.revoked_at = Some(now);
        }
        txn.commit().await?;
        Ok(Some(record))
    }

    /// Refuses the token from now on. Revoking twice is harmless.
    pub async fn revoke_token(&self, revocation: &Revocation) -> Result<(), StorageError> {
        let txn = self.db.begin().await?;
        insert_revocation(&txn, revocation).await?;
        service_tokens::Entity::update_many()
            .col_expr(
                service_tokens::Column::RevokedAt,
                Some(revocation.revoked_at).into(),
            )
            .filter(service_tokens::Column::TokenId.eq(revocation.token_id.as_str()))
            .filter(service_tokens::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Whether the token id was revoked.
    pub async fn is_revoked(&self, token_id: &str) -> Result<bool, StorageError> {
        let row = revoked_tokens::Entity::find_by_id(token_id)
            .one(&self.db)
            .await?;
        Ok(row.is_some())
    }

    /// Drops revocations of tokens that have expired anyway.
    pub async fn delete_expired_revocations(
        &self,
        now: DateTime<Utc>,
    ) -> Result<u64, StorageError> {
        let deleted = revoked_tokens::Entity::delete_many()
            .filter(revoked_tokens::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}

async fn insert_revocation(
    db: &impl ConnectionTrait,
    revocation: &Revocation,
) -> Result<(), StorageError> {
    let row = revoked_tokens::ActiveModel {
        token_id: Set(revocation.token_id.clone()),
        tenant_id: Set(revocation.tenant_id.to_string()),
        client_id: Set(revocation.client_id.to_string()),
        expires_at: Set(revocation.expires_at),
        revoked_at: Set(revocation.revoked_at),
    };
    revoked_tokens::Entity::insert(row)
        .on_conflict_do_nothing_on([revoked_tokens::Column::TokenId])
        .exec(db)
        .await?;
    Ok(())
}

fn into_record(row: service_tokens::Model) -> Result<ServiceTokenRecord, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("service token {}", row.token_id));
    let scopes = json_list(&row.scopes)?
        .iter()
        .map(|s| Scope::parse(s).map_err(|_| corrupt()))
        .collect::<Result<_, _>>()?;
    Ok(ServiceTokenRecord {
        tenant_id: TenantId::parse(&row.tenant_id).ok_or_else(corrupt)?,
        client_id: ClientId::parse(&row.client_id).ok_or_else(corrupt)?,
        token_id: row.token_id,
        scopes,
        kid: row.kid,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    })
}
