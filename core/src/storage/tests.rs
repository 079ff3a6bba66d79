//! Storage against a real database: SQLite, or PostgreSQL with `GATEHOUSE_TEST_DATABASE_URL`.

use chrono::{DateTime, Duration, Utc};

use super::{StorageError, Store};
use crate::crypto::KeyEncryptionKey;
use crate::domain::app::App;
use crate::domain::page::PageRequest;
use crate::domain::tenant::{Tenant, TenantName};
use crate::ids::{ClientId, OperatorCredentialId, SecretId, TenantId};
use crate::secret::Secret;
use crate::testing::TestDatabase;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
}

async fn store() -> (Store, TestDatabase) {
    let db = TestDatabase::create().await;
    let store = Store::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    (store, db)
}

async fn add_tenant(store: &Store, name: &str, now: DateTime<Utc>) -> (Tenant, App) {
    let tenant = Tenant {
        id: TenantId::generate(now),
        name: TenantName::parse(name).unwrap(),
        created_at: now,
    };
    let admin = App::admin_for(&tenant.id, now).unwrap();
    let hasher = KeyEncryptionKey::generate().unwrap().secret_hasher();
    let hash = hasher.hash(&Secret::new("gcs_x"));
    store
        .insert_tenant_with_admin(&tenant, &admin, &SecretId::generate(now), &hash)
        .await
        .unwrap();
    (tenant, admin)
}

#[tokio::test]
async fn a_tenant_and_its_admin_app_read_back_as_written() {
    let (store, _db) = store().await;
    let (tenant, admin) = add_tenant(&store, "Acme", at(0)).await;

    assert_eq!(
        store.tenant(&tenant.id).await.unwrap(),
        Some(tenant.clone())
    );
    assert_eq!(
        store.app(&tenant.id, &admin.client_id).await.unwrap(),
        Some(admin)
    );
}

#[tokio::test]
async fn another_tenants_app_is_absent() {
    let (store, _db) = store().await;
    let (acme, acme_admin) = add_tenant(&store, "Acme", at(0)).await;
    let (globex, globex_admin) = add_tenant(&store, "Globex", at(1)).await;

    assert_eq!(
        store.app(&acme.id, &globex_admin.client_id).await.unwrap(),
        None
    );
    assert_eq!(
        store.app(&globex.id, &acme_admin.client_id).await.unwrap(),
        None
    );
    let first = PageRequest::parse(0, "").unwrap();
    let acme_apps = store.apps(&acme.id, &first).await.unwrap().items;
    assert_eq!(acme_apps.len(), 1);
    assert_eq!(acme_apps[0].client_id, acme_admin.client_id);
    let now = at(2);
    assert!(
        store
            .live_secret_hashes(&acme.id, &globex_admin.client_id, now)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .live_secret_hashes(&acme.id, &acme_admin.client_id, now)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn tenant_names_are_unique_regardless_of_case_and_nothing_half_written_remains() {
    let (store, _db) = store().await;
    add_tenant(&store, "Acme", at(0)).await;

    let clash = Tenant {
        id: TenantId::generate(at(1)),
        name: TenantName::parse("ACME").unwrap(),
        created_at: at(1),
    };
    let admin = App::admin_for(&clash.id, at(1)).unwrap();
    let hash = KeyEncryptionKey::generate()
        .unwrap()
        .secret_hasher()
        .hash(&Secret::new("gcs_y"));
    let err = store
        .insert_tenant_with_admin(&clash, &admin, &SecretId::generate(at(1)), &hash)
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict("tenant")), "{err:?}");
    assert_eq!(store.app(&clash.id, &admin.client_id).await.unwrap(), None);
}

#[tokio::test]
async fn tenants_page_in_creation_order() {
    let (store, _db) = store().await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(add_tenant(&store, &format!("Tenant {i}"), at(i)).await.0.id);
    }

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = store
            .tenants(&PageRequest::parse(2, &token).unwrap())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|t| t.id));
        match page.next_token {
            Some(next) => token = next,
            None => break,
        }
    }
    assert_eq!(seen, created);
}

#[tokio::test]
async fn operator_credentials_are_found_by_hash_only() {
    let (store, _db) = store().await;
    let hasher = KeyEncryptionKey::generate().unwrap().secret_hasher();
    let id = OperatorCredentialId::generate(at(0));
    let token = Secret::new("gop_token");
    store
        .insert_operator_credential(&id, &hasher.hash(&token), at(0))
        .await
        .unwrap();

    assert_eq!(
        store
            .operator_credential(&hasher.hash(&token))
            .await
            .unwrap(),
        Some(id)
    );
    let other = hasher.hash(&Secret::new("gop_other"));
    assert_eq!(store.operator_credential(&other).await.unwrap(), None);
}

#[tokio::test]
async fn an_unknown_client_of_a_known_tenant_is_absent() {
    let (store, _db) = store().await;
    let (tenant, _) = add_tenant(&store, "Acme", at(0)).await;
    let unknown = ClientId::generate(at(5) + Duration::seconds(1));
    assert_eq!(store.app(&tenant.id, &unknown).await.unwrap(), None);
}

#[tokio::test]
async fn an_unreachable_database_is_reported_as_unavailable() {
    let err = Store::connect("postgres://postgres@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Unavailable(_)), "{err:?}");
    let err = Store::connect("mysql://localhost/x").await.unwrap_err();
    assert!(matches!(err, StorageError::UnsupportedUrl), "{err:?}");
}
