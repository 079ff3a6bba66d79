//! Storage through sea-orm: SQLite by default, PostgreSQL in production, one schema for both.
//!
//! Methods take and return domain types; every query on a tenant-owned table filters on the
//! tenant id it is given.

mod apps;
mod entities;
mod keys;
mod operators;
mod scopes;
mod tenants;
mod tokens;

pub use apps::StoredSecret;
pub use keys::{KeyChange, StoredSigningKey};
pub use tokens::Revocation;

use std::time::Duration;

use gatehouse_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr, SqlErr};

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or has no free connection.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A unique constraint refused the write.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A stored value does not read back as a domain value.
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// The database URL names no supported database.
    #[error("unsupported database URL: expected sqlite:// or postgres://")]
    UnsupportedUrl,
    /// Any other database error.
    #[error("database error: {0}")]
    Database(String),
}

impl StorageError {
    /// Classifies a database error; a unique violation becomes a conflict on `resource`.
    fn from_db(err: DbErr, resource: &'static str) -> StorageError {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            return StorageError::Conflict(resource);
        }
        if is_unreachable(&err) {
            return StorageError::Unavailable(err.to_string());
        }
        StorageError::Database(err.to_string())
    }
}

impl From<DbErr> for StorageError {
    fn from(err: DbErr) -> StorageError {
        StorageError::from_db(err, "record")
    }
}

fn is_unreachable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner)) => {
            matches!(
                inner.as_ref(),
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::Tls(_)
            )
        }
        _ => false,
    }
}

/// The database behind the core.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`). A SQLite file is created when
    /// missing and runs in WAL mode with foreign keys enforced.
    pub async fn connect(url: &str) -> Result<Store, StorageError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5))
            .sqlx_logging(false);
        if url.starts_with("sqlite:") {
            options.max_connections(8).map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            options.max_connections(16).min_connections(1);
        } else {
            return Err(StorageError::UnsupportedUrl);
        }
        let db = Database::connect(options)
            .await
            .map_err(|err| StorageError::Unavailable(err.to_string()))?;
        Ok(Store { db })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        Migrator::up(&self.db, None)
            .await
            .map_err(StorageError::from)
    }

    /// Whether the database answers now.
    pub async fn ping(&self) -> Result<(), StorageError> {
        self.db.ping().await.map_err(StorageError::from)
    }

    /// Closes every pooled connection.
    pub async fn close(&self) -> Result<(), StorageError> {
        self.db.close_by_ref().await.map_err(StorageError::from)
    }
}

/// Reads a JSON list column.
fn json_list(column: &str) -> Result<Vec<String>, StorageError> {
    serde_json::from_str(column).map_err(|err| StorageError::Corrupt(err.to_string()))
}

/// Writes a JSON list column.
fn to_json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests;
