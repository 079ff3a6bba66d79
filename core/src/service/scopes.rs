//! The scope catalog: built-ins written at start, more added by operators.

use crate::clock::SharedClock;
use crate::domain::principal::Principal;
use crate::domain::scope::{BUILTIN, CatalogScope, Scope, parse_description};
use crate::error::CoreError;
use crate::storage::Store;

/// The catalog use cases.
#[derive(Debug, Clone)]
pub struct Scopes {
    store: Store,
    clock: SharedClock,
}

impl Scopes {
    /// Catalog use cases over `store`.
    pub fn new(store: Store, clock: SharedClock) -> Scopes {
        Scopes { store, clock }
    }

    /// Writes the built-in scopes, keeping scopes operators added.
    pub async fn ensure_builtins(&self) -> Result<(), CoreError> {
        let now = self.clock.now();
        for (name, description, requestable) in BUILTIN {
            let scope = CatalogScope {
                name: Scope::parse(name)?,
                description: (*description).to_owned(),
                requestable: *requestable,
                created_at: now,
            };
            self.store.upsert_scope(&scope).await?;
        }
        Ok(())
    }

    /// The requestable catalog. Any authenticated caller may read it.
    pub async fn list(&self, _caller: &Principal) -> Result<Vec<CatalogScope>, CoreError> {
        Ok(self.store.scopes(true).await?)
    }

    /// Adds a requestable scope. Operators only.
    pub async fn create(
        &self,
        caller: &Principal,
        name: &str,
        description: &str,
    ) -> Result<CatalogScope, CoreError> {
        caller.require_operator()?;
        let scope = CatalogScope {
            name: Scope::parse(name).map_err(|_| {
                CoreError::invalid(
                    "name",
                    "must be visible ASCII without spaces, quotes or backslashes",
                )
            })?,
            description: parse_description(description)?,
            requestable: true,
            created_at: self.clock.now(),
        };
        self.store.insert_scope(&scope).await?;
        tracing::info!(scope = scope.name.as_str(), "scope added to the catalog");
        Ok(scope)
    }

    /// The requestable catalog as scopes, for validation.
    pub async fn requestable(&self) -> Result<Vec<Scope>, CoreError> {
        let catalog = self.store.scopes(true).await?;
        Ok(catalog.into_iter().map(|entry| entry.name).collect())
    }
}
