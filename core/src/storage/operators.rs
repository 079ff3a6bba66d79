//! Operator credentials, found by their keyed hash.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::entities::operator_credentials;
use super::{StorageError, Store};
use crate::crypto::SecretHash;
use crate::ids::OperatorCredentialId;

impl Store {
    /// Stores a new operator credential's hash.
    pub async fn insert_operator_credential(
        &self,
        id: &OperatorCredentialId,
        hash: &SecretHash,
        created_at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        let row = operator_credentials::ActiveModel {
            id: Set(id.to_string()),
            token_hash: Set(hash.as_bytes().to_vec()),
            created_at: Set(created_at),
            revoked_at: Set(None),
        };
        operator_credentials::Entity::insert(row)
            .exec(&self.db)
            .await
            .map_err(|err| StorageError::from_db(err, "operator credential"))?;
        Ok(())
    }

    /// The unrevoked operator credential whose hash is `hash`.
    ///
    /// The lookup is by keyed hash: timing can reveal nothing about the credential itself.
    pub async fn operator_credential(
        &self,
        hash: &SecretHash,
    ) -> Result<Option<OperatorCredentialId>, StorageError> {
        let row = operator_credentials::Entity::find()
            .filter(operator_credentials::Column::TokenHash.eq(hash.as_bytes().to_vec()))
            .filter(operator_credentials::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        row.map(|row| {
            OperatorCredentialId::parse(&row.id).ok_or_else(|| {
                StorageError::Corrupt(format!("operator credential id {:?}", row.id))
            })
        })
        .transpose()
    }
}
