//! Apps: OAuth clients registered by a tenant, including each tenant's admin app.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261203_000001_create_tenants::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Apps {
    Table,
    ClientId,
    TenantId,
    Name,
    Kind,
    GrantTypes,
    RedirectUris,
    RequestedScopes,
    ApprovedScopes,
    Governance,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Apps::Table)
            .col(string_len(Apps::ClientId, 40).primary_key())
            .col(string_len(Apps::TenantId, 40))
            .col(string_len(Apps::Name, 100))
            .col(string_len(Apps::Kind, 16))
            .col(text(Apps::GrantTypes))
            .col(text(Apps::RedirectUris))
            .col(text(Apps::RequestedScopes))
            .col(text(Apps::ApprovedScopes))
            .col(text(Apps::Governance))
            .col(timestamp_with_time_zone(Apps::CreatedAt))
            .col(timestamp_with_time_zone(Apps::UpdatedAt))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_apps_tenant")
                    .from(Apps::Table, Apps::TenantId)
                    .to(Tenants::Table, Tenants::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;

        let by_tenant = Index::create()
            .name("idx_apps_tenant_client")
            .table(Apps::Table)
            .col(Apps::TenantId)
            .col(Apps::ClientId)
            .to_owned();
        manager.create_index(by_tenant).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Apps::Table).to_owned())
            .await
    }
}
