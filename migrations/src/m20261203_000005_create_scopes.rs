//! The scope catalog. The built-in scopes are written by the core at start, not here, so that
//! their descriptions can change without a migration.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Scopes {
    Table,
    Name,
    Description,
    Requestable,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Scopes::Table)
            .col(string_len(Scopes::Name, 128).primary_key())
            .col(string_len(Scopes::Description, 200))
            .col(boolean(Scopes::Requestable))
            .col(timestamp_with_time_zone(Scopes::CreatedAt))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Scopes::Table).to_owned())
            .await
    }
}
