//! Service tokens minted by tenant admins: a record per token (never the token itself), so
//! they can be listed and revoked and their signing key kept published while they live.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261203_000002_create_apps::Apps;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceTokens {
    Table,
    TokenId,
    TenantId,
    ClientId,
    Scopes,
    Kid,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(ServiceTokens::Table)
            .col(string_len(ServiceTokens::TokenId, 40).primary_key())
            .col(string_len(ServiceTokens::TenantId, 40))
            .col(string_len(ServiceTokens::ClientId, 40))
            .col(text(ServiceTokens::Scopes))
            .col(string_len(ServiceTokens::Kid, 64))
            .col(timestamp_with_time_zone(ServiceTokens::CreatedAt))
            .col(timestamp_with_time_zone(ServiceTokens::ExpiresAt))
            .col(timestamp_with_time_zone_null(ServiceTokens::RevokedAt))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_service_tokens_app")
                    .from(ServiceTokens::Table, ServiceTokens::ClientId)
                    .to(Apps::Table, Apps::ClientId)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;

        let by_app = Index::create()
            .name("idx_service_tokens_tenant_client")
            .table(ServiceTokens::Table)
            .col(ServiceTokens::TenantId)
            .col(ServiceTokens::ClientId)
            .to_owned();
        manager.create_index(by_app).await?;

        let by_kid = Index::create()
            .name("idx_service_tokens_kid")
            .table(ServiceTokens::Table)
            .col(ServiceTokens::Kid)
            .to_owned();
        manager.create_index(by_kid).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServiceTokens::Table).to_owned())
            .await
    }
}
