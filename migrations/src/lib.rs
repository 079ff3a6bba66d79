//! Database migrations for Gatehouse: one set, run on SQLite and PostgreSQL alike.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261203_000001_create_tenants;
mod m20261203_000002_create_apps;
mod m20261203_000003_create_client_secrets;
mod m20261203_000004_create_operator_credentials;
mod m20261203_000005_create_scopes;
mod m20261203_000006_create_signing_keys;
mod m20261203_000007_create_service_tokens;
mod m20261203_000008_create_revoked_tokens;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261203_000001_create_tenants::Migration),
            Box::new(m20261203_000002_create_apps::Migration),
            Box::new(m20261203_000003_create_client_secrets::Migration),
            Box::new(m20261203_000004_create_operator_credentials::Migration),
            Box::new(m20261203_000005_create_scopes::Migration),
            Box::new(m20261203_000006_create_signing_keys::Migration),
            Box::new(m20261203_000007_create_service_tokens::Migration),
            Box::new(m20261203_000008_create_revoked_tokens::Migration),
        ]
    }
}
