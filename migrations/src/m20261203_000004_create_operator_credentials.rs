//! Operator credentials, stored only as keyed hashes and looked up by that hash.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OperatorCredentials {
    Table,
    Id,
    TokenHash,
    CreatedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(OperatorCredentials::Table)
            .col(string_len(OperatorCredentials::Id, 40).primary_key())
            .col(blob(OperatorCredentials::TokenHash).unique_key())
            .col(timestamp_with_time_zone(OperatorCredentials::CreatedAt))
            .col(timestamp_with_time_zone_null(
                OperatorCredentials::RevokedAt,
            ))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OperatorCredentials::Table).to_owned())
            .await
    }
}
