//! Signing keys: the private part sealed with a key derived from the KEK, the public part in
//! the clear for the JWKS.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    Algorithm,
    State,
    SealedPrivateKey,
    PublicN,
    PublicE,
    CreatedAt,
    ActivatedAt,
    RetiredAt,
    UnpublishAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(SigningKeys::Table)
            .col(string_len(SigningKeys::Kid, 64).primary_key())
            .col(string_len(SigningKeys::Algorithm, 16))
            .col(string_len(SigningKeys::State, 16))
            .col(blob(SigningKeys::SealedPrivateKey))
            .col(text(SigningKeys::PublicN))
            .col(string_len(SigningKeys::PublicE, 16))
            .col(timestamp_with_time_zone(SigningKeys::CreatedAt))
            .col(timestamp_with_time_zone_null(SigningKeys::ActivatedAt))
            .col(timestamp_with_time_zone_null(SigningKeys::RetiredAt))
            .col(timestamp_with_time_zone_null(SigningKeys::UnpublishAt))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SigningKeys::Table).to_owned())
            .await
    }
}
