//! The scope catalog.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::scopes;
use super::{StorageError, Store};
use crate::domain::scope::{CatalogScope, Scope};

impl Store {
    /// Writes a built-in scope, updating its description and requestability if it exists.
    pub async fn upsert_scope(&self, scope: &CatalogScope) -> Result<(), StorageError> {
        let on_conflict = OnConflict::column(scopes::Column::Name)
            .update_columns([scopes::Column::Description, scopes::Column::Requestable])
            .to_owned();
        scopes::Entity::insert(row(scope))
            .on_conflict(on_conflict)
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Adds a scope; a conflict if the name is taken.
    pub async fn insert_scope(&self, scope: &CatalogScope) -> Result<(), StorageError> {
        scopes::Entity::insert(row(scope))
            .exec(&self.db)
            .await
            .map_err(|err| StorageError::from_db(err, "scope"))?;
        Ok(())
    }

    /// The catalog by name; with `requestable_only`, without `platform:admin` and its kind.
    pub async fn scopes(&self, requestable_only: bool) -> Result<Vec<CatalogScope>, StorageError> {
        let mut query = scopes::Entity::find().order_by_asc(scopes::Column::Name);
        if requestable_only {
            query = query.filter(scopes::Column::Requestable.eq(true));
        }
        let rows = query.all(&self.db).await?;
        rows.into_iter().map(into_scope).collect()
    }
}

fn row(scope: &CatalogScope) -> scopes::ActiveModel {
    scopes::ActiveModel {
        name: Set(scope.name.as_str().to_owned()),
        description: Set(scope.description.clone()),
        requestable: Set(scope.requestable),
        created_at: Set(scope.created_at),
    }
}

fn into_scope(row: scopes::Model) -> Result<CatalogScope, StorageError> {
    let name = Scope::parse(&row.name)
        .map_err(|_| StorageError::Corrupt(format!("scope {:?}", row.name)))?;
    Ok(CatalogScope {
        name,
        description: row.description,
        requestable: row.requestable,
        created_at: row.created_at,
    })
}
