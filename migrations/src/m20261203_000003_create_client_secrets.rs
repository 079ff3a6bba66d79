//! Client secrets, stored only as keyed hashes; an app may hold two while a rotation is in grace.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261203_000002_create_apps::Apps;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClientSecrets {
    Table,
    Id,
    TenantId,
    ClientId,
    SecretHash,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(ClientSecrets::Table)
            .col(string_len(ClientSecrets::Id, 40).primary_key())
            .col(string_len(ClientSecrets::TenantId, 40))
            .col(string_len(ClientSecrets::ClientId, 40))
            .col(blob(ClientSecrets::SecretHash))
            .col(timestamp_with_time_zone(ClientSecrets::CreatedAt))
            .col(timestamp_with_time_zone_null(ClientSecrets::ExpiresAt))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_client_secrets_app")
                    .from(ClientSecrets::Table, ClientSecrets::ClientId)
                    .to(Apps::Table, Apps::ClientId)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;

        let by_client = Index::create()
            .name("idx_client_secrets_client")
            .table(ClientSecrets::Table)
            .col(ClientSecrets::ClientId)
            .to_owned();
        manager.create_index(by_client).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ClientSecrets::Table).to_owned())
            .await
    }
}
