//! Signing keys: the published key set, rotation, and encryption at rest.

use std::time::Duration as StdDuration;

use chrono::Duration;
use gatehouse_core::clock::ManualClock;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::Value;

use crate::support::process::serve_failure;
use crate::support::{TestApp, http_client};

async fn jwks(app: &TestApp) -> Value {
    let response = http_client()
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn kids(set: &Value) -> Vec<String> {
    set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// The `kid` in a token's header.
fn kid_of(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    let response = http_client()
        .get(app.url("/v1/platform/scopes"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

/// The facade keeps its copy of the key set for up to a second.
async fn past_the_facade_cache() {
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
}

#[tokio::test]
async fn both_jwks_paths_publish_the_same_rsa_keys_with_cache_headers() {
    let app = TestApp::spawn().await;
    let client = http_client();

    let well_known = client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    let versioned = client
        .get(app.url("/v1/auth/jwks.json"))
        .send()
        .await
        .unwrap();

    assert_eq!(well_known.headers()["cache-control"], "public, max-age=300");
    assert!(well_known.headers().contains_key("etag"));
    let well_known: Value = well_known.json().await.unwrap();
    let versioned: Value = versioned.json().await.unwrap();
    assert_eq!(well_known, versioned);
    let keys = well_known["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "the active key and the next one");
    for key in keys {
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["use"], "sig");
        assert_eq!(key["alg"], "RS256");
        assert_eq!(key["e"], "AQAB");
        assert!(
            key["n"].as_str().unwrap().len() >= 342,
            "a 2048-bit modulus"
        );
        assert!(
            key.get("d").is_none() && key.get("p").is_none(),
            "no private member"
        );
    }
}

#[tokio::test]
async fn an_unchanged_key_set_answers_not_modified_to_its_etag() {
    let app = TestApp::spawn().await;
    let first = http_client()
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].clone();

    let again = http_client()
        .get(app.url("/v1/auth/jwks.json"))
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag);
    let stale = http_client()
        .get(app.url("/.well-known/jwks.json"))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn a_rotation_signs_with_the_key_published_before_and_keeps_the_old_key_until_its_tokens_expire()
 {
    let clock = ManualClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap());
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (tenant, before) = app.admin("Acme").await;
    let published_before = kids(&jwks(&app).await);
    let old_kid = kid_of(&before);
    assert!(published_before.contains(&old_kid));
    let next_kid = published_before
        .iter()
        .find(|kid| **kid != old_kid)
        .unwrap()
        .clone();

    clock.advance(Duration::seconds(301));
    let rotated = app.cli(&["keys", "rotate", "--json"]).await;
    assert!(rotated.success(), "{}", rotated.stderr());
    let rotated = rotated.json();
    assert_eq!(
        rotated["active"]["kid"],
        next_kid.as_str(),
        "the next key, published long before"
    );
    assert_eq!(rotated["retired"]["kid"], old_kid.as_str());

    let after = app
        .token(&tenant.client_id, &tenant.client_secret, None)
        .await;
    assert_eq!(kid_of(&after), next_kid);
    past_the_facade_cache().await;
    let published = kids(&jwks(&app).await);
    assert_eq!(
        published.len(),
        3,
        "retired, active and a new next key: {published:?}"
    );
    assert!(
        published.contains(&old_kid),
        "the retired key still verifies live tokens"
    );
    assert_eq!(
        status_with(&app, &before).await,
        200,
        "a token of the retired key still works"
    );

    clock.advance(Duration::seconds(3600 + 60));
    past_the_facade_cache().await;
    let published = kids(&jwks(&app).await);
    assert!(
        !published.contains(&old_kid),
        "gone once its last token expired: {published:?}"
    );
    assert_eq!(status_with(&app, &before).await, 401);
    let fresh = app
        .token(&tenant.client_id, &tenant.client_secret, None)
        .await;
    assert_eq!(status_with(&app, &fresh).await, 200);

    let listed = app.cli(&["keys", "list", "--json"]).await.json();
    let states: Vec<&str> = listed["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "active").count(), 1);
    assert_eq!(states.iter().filter(|s| **s == "next").count(), 1);
}

#[tokio::test]
async fn rotating_before_the_next_key_has_been_published_long_enough_is_refused_unless_forced() {
    let app = TestApp::spawn().await;

    let refused = app.cli(&["keys", "rotate"]).await;
    assert!(!refused.success());
    assert!(
        refused.stderr().contains("failed_precondition"),
        "{}",
        refused.stderr()
    );
    assert!(refused.stderr().contains("force"), "{}", refused.stderr());

    let forced = app.cli(&["keys", "rotate", "--force"]).await;
    assert!(forced.success(), "{}", forced.stderr());
    assert!(forced.stdout().contains("active"));

    let (_, admin) = app.admin("Acme").await;
    let mut request =
        tonic::Request::new(gatehouse_proto::v1::RotateSigningKeyRequest { force: true });
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {admin}").parse().unwrap());
    let status = app
        .core()
        .keys()
        .rotate_signing_key(request)
        .await
        .unwrap_err();
    assert_eq!(
        status.code(),
        tonic::Code::PermissionDenied,
        "tenant admins cannot rotate platform keys"
    );
}

#[tokio::test]
async fn private_keys_are_sealed_at_rest_and_open_only_with_their_key_encryption_key() {
    let app = TestApp::spawn().await;
    let db = Database::connect(app.db.url()).await.unwrap();
    let backend = db.get_database_backend();
    let sql = "SELECT kid, sealed_private_key FROM signing_keys";
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    // DER of the rsaEncryption OID, present in every plaintext PKCS#8 RSA key.
    let rsa_oid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    for row in rows {
        let sealed: Vec<u8> = row.try_get("", "sealed_private_key").unwrap();
        assert!(sealed.len() > 1000, "a sealed RSA key");
        assert!(
            !sealed.windows(rsa_oid.len()).any(|w| w == rsa_oid),
            "plaintext key in the database"
        );
    }
    db.close().await.unwrap();

    let cwd = tempfile::tempdir().unwrap();
    let args = [
        "--database-url",
        app.db.url(),
        "--data-dir",
        "another-data-dir",
        "--http",
        "127.0.0.1:0",
        "--grpc",
        "127.0.0.1:0",
    ];
    let (status, stderr) = serve_failure(cwd.path(), &args, &[]).await;
    assert!(!status.success(), "a core with another KEK must not start");
    assert!(stderr.contains("wrong key encryption key"), "{stderr}");
    let db = Database::connect(app.db.url()).await.unwrap();
    let sql = "SELECT COUNT(*) AS n FROM operator_credentials";
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    let count: i64 = row.try_get("", "n").unwrap();
    assert_eq!(count, 1, "the refused core wrote no credential");
    db.close().await.unwrap();
}
