//! Test support: a fresh database per test, SQLite by default or PostgreSQL when
//! `GATEHOUSE_TEST_DATABASE_URL` names a server.

use sea_orm::{ConnectionTrait, Database};

/// Environment variable naming a PostgreSQL server for tests (any database on it).
pub const TEST_DATABASE_ENV: &str = "GATEHOUSE_TEST_DATABASE_URL";

/// A database that exists for one test and is dropped after it.
pub struct TestDatabase {
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<PostgresCleanup>,
}

struct PostgresCleanup {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// A fresh, empty database. With `GATEHOUSE_TEST_DATABASE_URL` set, a new PostgreSQL
    /// database on that server; a server that cannot be reached fails the test rather than
    /// falling back to SQLite.
    pub async fn create() -> TestDatabase {
        match std::env::var(TEST_DATABASE_ENV) {
            Ok(url) if !url.is_empty() => TestDatabase::postgres(&url).await,
            _ => TestDatabase::sqlite(),
        }
    }

    fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));
        let url = format!("sqlite://{}/gatehouse.db", dir.path().display());
        TestDatabase {
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    async fn postgres(server_url: &str) -> TestDatabase {
        let name = format!("gatehouse_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(server_url).await.unwrap_or_else(|err| {
            panic!("{TEST_DATABASE_ENV} is set but PostgreSQL cannot be reached: {err}")
        });
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|err| panic!("CREATE DATABASE {name}: {err}"));
        let _ = admin.close().await;
        TestDatabase {
            url: with_database(server_url, &name),
            _dir: None,
            postgres: Some(PostgresCleanup {
                admin_url: server_url.to_owned(),
                name,
            }),
        }
    }

    /// The URL to connect to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(cleanup) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime; the cleanup gets a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Database::connect(&cleanup.admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", cleanup.name);
                admin.execute_unprepared(&sql).await.ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}

/// `url` with its database path replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_swapped_in() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
    }
}
