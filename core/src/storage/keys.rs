//! Signing keys. Changes happen in a [`KeyChange`]: one transaction holding a lock, so that
//! replicas sharing a database never rotate at once.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::entities::{service_tokens, signing_keys};
use super::{StorageError, Store};
use crate::domain::signing_key::{KeyState, SigningKeyRecord};

/// Arbitrary, fixed: the PostgreSQL advisory lock that serialises key changes.
const KEY_CHANGE_LOCK: i64 = 0x6761_7465_6b65_7973;

/// A signing key as stored: its record and its sealed private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSigningKey {
    /// Everything public.
    pub record: SigningKeyRecord,
    /// The PKCS#8 private key, sealed.
    pub sealed_private_key: Vec<u8>,
}

impl Store {
    /// Keys that belong in the JWKS at `now`, newest first.
    pub async fn published_signing_keys(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredSigningKey>, StorageError> {
        let rows = signing_keys::Entity::find()
            .order_by_desc(signing_keys::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let keys = rows
            .into_iter()
            .map(into_key)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(keys
            .into_iter()
            .filter(|key| is_published(&key.record, now))
            .collect())
    }

    /// Starts a key change, waiting for any other in progress.
    pub async fn begin_key_change(&self) -> Result<KeyChange, StorageError> {
        let txn = self.db.begin().await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            let lock = format!("SELECT pg_advisory_xact_lock({KEY_CHANGE_LOCK})");
            txn.execute_unprepared(&lock).await?;
        }
        Ok(KeyChange { txn })
    }

    /// Forgets the private part of retired keys that have left the JWKS.
    pub async fn scrub_unpublished_keys(&self, now: DateTime<Utc>) -> Result<u64, StorageError> {
        let scrubbed = signing_keys::Entity::update_many()
            .col_expr(
                signing_keys::Column::SealedPrivateKey,
                Vec::<u8>::new().into(),
            )
            .filter(signing_keys::Column::State.eq(KeyState::Retired.as_str()))
            .filter(signing_keys::Column::UnpublishAt.lte(now))
            .exec(&self.db)
            .await?;
        Ok(scrubbed.rows_affected)
    }
}

/// An open key change. Dropping it without [`KeyChange::commit`] rolls it back.
pub struct KeyChange {
    txn: DatabaseTransaction,
}

impl KeyChange {
    /// The next and active keys.
    pub async fn current(&self) -> Result<Vec<StoredSigningKey>, StorageError> {
        let rows = signing_keys::Entity::find()
            .filter(
                signing_keys::Column::State
                    .is_in([KeyState::Next.as_str(), KeyState::Active.as_str()]),
            )
            .all(&self.txn)
            .await?;
        rows.into_iter().map(into_key).collect()
    }

    /// Stores a new key.
    pub async fn insert(&self, key: &StoredSigningKey) -> Result<(), StorageError> {
        let record = &key.record;
        let row = signing_keys::ActiveModel {
            kid: Set(record.kid.clone()),
            algorithm: Set(crate::tokens::ALGORITHM.to_owned()),
            state: Set(record.state.as_str().to_owned()),
            sealed_private_key: Set(key.sealed_private_key.clone()),
            public_n: Set(record.n.clone()),
            public_e: Set(record.e.clone()),
            created_at: Set(record.created_at),
            activated_at: Set(record.activated_at),
            retired_at: Set(record.retired_at),
            unpublish_at: Set(record.unpublish_at),
        };
        signing_keys::Entity::insert(row)
            .exec(&self.txn)
            .await
            .map_err(|err| StorageError::from_db(err, "signing key"))?;
        Ok(())
    }

    /// Writes a key's new state and timestamps.
    pub async fn update(&self, record: &SigningKeyRecord) -> Result<(), StorageError> {
        signing_keys::Entity::update_many()
            .col_expr(signing_keys::Column::State, record.state.as_str().into())
            .col_expr(
                signing_keys::Column::ActivatedAt,
                record.activated_at.into(),
            )
            .col_expr(signing_keys::Column::RetiredAt, record.retired_at.into())
            .col_expr(
                signing_keys::Column::UnpublishAt,
                record.unpublish_at.into(),
            )
            .filter(signing_keys::Column::Kid.eq(record.kid.as_str()))
            .exec(&self.txn)
            .await?;
        Ok(())
    }

    /// When the last service token signed by `kid` expires.
    pub async fn last_service_token_expiry(
        &self,
        kid: &str,
    ) -> Result<Option<DateTime<Utc>>, StorageError> {
        let last = service_tokens::Entity::find()
            .filter(service_tokens::Column::Kid.eq(kid))
            .filter(service_tokens::Column::RevokedAt.is_null())
            .order_by_desc(service_tokens::Column::ExpiresAt)
            .limit(1)
            .one(&self.txn)
            .await?;
        Ok(last.map(|row| row.expires_at))
    }

    /// Makes the change visible.
    pub async fn commit(self) -> Result<(), StorageError> {
        self.txn.commit().await?;
        Ok(())
    }
}

fn is_published(record: &SigningKeyRecord, now: DateTime<Utc>) -> bool {
    match record.state {
        KeyState::Next | KeyState::Active => true,
        KeyState::Retired => record.unpublish_at.is_some_and(|until| until > now),
    }
}

fn into_key(row: signing_keys::Model) -> Result<StoredSigningKey, StorageError> {
    let state = KeyState::parse(&row.state)
        .ok_or_else(|| StorageError::Corrupt(format!("signing key {} state", row.kid)))?;
    Ok(StoredSigningKey {
        record: SigningKeyRecord {
            kid: row.kid,
            state,
            n: row.public_n,
            e: row.public_e,
            created_at: row.created_at,
            activated_at: row.activated_at,
            retired_at: row.retired_at,
            unpublish_at: row.unpublish_at,
        },
        sealed_private_key: row.sealed_private_key,
    })
}
