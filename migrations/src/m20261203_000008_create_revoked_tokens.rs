//! Revoked token ids. A row lives until the token would have expired anyway.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RevokedTokens {
    Table,
    TokenId,
    TenantId,
    ClientId,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(RevokedTokens::Table)
            .col(string_len(RevokedTokens::TokenId, 64).primary_key())
            .col(string_len(RevokedTokens::TenantId, 40))
            .col(string_len(RevokedTokens::ClientId, 40))
            .col(timestamp_with_time_zone(RevokedTokens::ExpiresAt))
            .col(timestamp_with_time_zone(RevokedTokens::RevokedAt))
            .to_owned();
        manager.create_table(table).await?;

        let by_expiry = Index::create()
            .name("idx_revoked_tokens_expires_at")
            .table(RevokedTokens::Table)
            .col(RevokedTokens::ExpiresAt)
            .to_owned();
        manager.create_index(by_expiry).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RevokedTokens::Table).to_owned())
            .await
    }
}
