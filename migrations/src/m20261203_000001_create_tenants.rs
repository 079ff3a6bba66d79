//! Tenants: the unit of isolation. `name_key` keeps names unique regardless of case.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Tenants {
    Table,
    Id,
    Name,
    NameKey,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Tenants::Table)
            .col(string_len(Tenants::Id, 40).primary_key())
            .col(string_len(Tenants::Name, 100))
            .col(string_len_uniq(Tenants::NameKey, 100))
            .col(timestamp_with_time_zone(Tenants::CreatedAt))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tenants::Table).to_owned())
            .await
    }
}
