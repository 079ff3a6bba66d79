//! The security of access tokens: forged, altered, foreign and expired tokens are refused on
//! the platform API and are inactive at introspection; issuing one writes nothing.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use gatehouse_core::KEK_FILE;
use gatehouse_core::clock::{Clock, ManualClock, SystemClock};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use crate::oauth::{introspect, jwks, platform_status};
use crate::support::{Tenant, TestApp, http_client};

const SCOPES: &str = "/v1/platform/scopes";

/// A token's header and claims as JSON, and its signature as sent.
fn split(token: &str) -> (Value, Value, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    let json = |part: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap();
    (json(parts[0]), json(parts[1]), parts[2].to_owned())
}

/// A compact JWS of `header` and `claims` with `signature` (base64url) appended unchanged.
fn assemble(header: &Value, claims: &Value, signature: &str) -> String {
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap());
    format!("{}.{}.{signature}", encode(header), encode(claims))
}

/// The token is refused as a bearer credential and is inactive to its own tenant.
async fn assert_refused(app: &TestApp, tenant: &Tenant, token: &str, what: &str) {
    let response = http_client()
        .get(app.url(SCOPES))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"gatehouse\""
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated", "{what}: {body}");

    let seen = introspect(app, &tenant.client_id, &tenant.client_secret, token).await;
    assert_eq!(seen, json!({"active": false}), "{what}");
}

/// A stack, a tenant, and a genuine token of its admin app that the platform accepts.
async fn genuine() -> (TestApp, Tenant, String) {
    let app = TestApp::spawn().await;
    let (tenant, token) = app.admin("Acme Corp").await;
    assert_eq!(platform_status(&app, &token, SCOPES).await, StatusCode::OK);
    (app, tenant, token)
}

#[tokio::test]
async fn a_token_with_alg_none_is_refused() {
    let (app, tenant, token) = genuine().await;
    let (mut header, claims, _) = split(&token);

    header["alg"] = json!("none");
    let unsigned = assemble(&header, &claims, "");

    assert_refused(&app, &tenant, &unsigned, "alg none").await;
    header["alg"] = json!("None");
    assert_refused(&app, &tenant, &assemble(&header, &claims, ""), "alg None").await;
}

#[tokio::test]
async fn a_token_signed_with_hmac_over_the_public_key_is_refused() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let (app, tenant, token) = genuine().await;
    let (header, claims, _) = split(&token);
    let kid = header["kid"].as_str().unwrap().to_owned();
    let keys = jwks(&app).await;
    let jwk = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == kid.as_str())
        .unwrap()
        .clone();

    // The classic confusion: a verifier that lets the token pick the algorithm would check
    // HS256 with the public key as the secret. Whatever form of the key an attacker tries,
    // the server must refuse HS256 outright.
    let modulus = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let secrets = [
        ("the JWKS document", serde_json::to_vec(&keys).unwrap()),
        ("the JWK", serde_json::to_vec(&jwk).unwrap()),
        ("the modulus", modulus),
    ];
    for (what, secret) in secrets {
        let mut forged_header = Header::new(Algorithm::HS256);
        forged_header.typ = Some("at+jwt".into());
        forged_header.kid = Some(kid.clone());
        let key = EncodingKey::from_secret(&secret).unwrap();
        let forged = jsonwebtoken::encode(&forged_header, &claims, &key).unwrap();
        assert_refused(&app, &tenant, &forged, what).await;
    }
}

#[tokio::test]
async fn a_token_naming_a_key_that_is_not_published_is_refused() {
    let (app, tenant, token) = genuine().await;
    let (mut header, claims, signature) = split(&token);

    // Changing the header also breaks the signature, so these alone do not prove the kid is
    // checked; a_token_of_another_gatehouse_is_refused covers a valid signature by an
    // unpublished key.
    header["kid"] = json!("not-a-key");
    let renamed = assemble(&header, &claims, &signature);
    assert_refused(&app, &tenant, &renamed, "unknown kid").await;
    header.as_object_mut().unwrap().remove("kid");
    let anonymous = assemble(&header, &claims, &signature);
    assert_refused(&app, &tenant, &anonymous, "no kid").await;
}

#[tokio::test]
async fn a_token_with_a_broken_signature_or_altered_claims_is_refused() {
    let (app, tenant, token) = genuine().await;
    let (header, claims, signature) = split(&token);

    let mut bytes = URL_SAFE_NO_PAD.decode(&signature).unwrap();
    bytes[10] ^= 0x01;
    let flipped = assemble(&header, &claims, &URL_SAFE_NO_PAD.encode(&bytes));
    assert_refused(&app, &tenant, &flipped, "one bit of the signature flipped").await;
    let truncated = assemble(&header, &claims, &signature[..signature.len() - 4]);
    assert_refused(&app, &tenant, &truncated, "signature cut short").await;

    let mut longer = claims.clone();
    longer["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400);
    let extended = assemble(&header, &longer, &signature);
    assert_refused(&app, &tenant, &extended, "exp extended").await;
    let mut other_tenant = claims.clone();
    other_tenant["tid"] = json!("ten_01m8yq6afde69vg4vt6gvg2qsz");
    let moved = assemble(&header, &other_tenant, &signature);
    assert_refused(&app, &tenant, &moved, "tid changed").await;
}

#[tokio::test]
async fn a_narrow_token_cannot_be_widened_by_editing_its_scope() {
    let (app, tenant, admin_token) = genuine().await;
    let registered = app
        .register(
            &admin_token,
            json!({
                "name": "Read-only dashboard",
                "grant_types": ["client_credentials"],
                "redirect_uris": [],
                "requested_scopes": ["apps:read"],
            }),
        )
        .await;
    let id = registered["client_id"].as_str().unwrap();
    let narrow = app
        .token(id, registered["client_secret"].as_str().unwrap(), None)
        .await;
    let (header, mut claims, signature) = split(&narrow);

    claims["scope"] = json!("platform:admin apps:read apps:write");
    let widened = assemble(&header, &claims, &signature);

    assert_refused(&app, &tenant, &widened, "scope widened").await;
    let register = http_client()
        .post(app.url("/v1/platform/apps"))
        .bearer_auth(&widened)
        .json(
            &json!({"name": "Backdoor", "grant_types": ["client_credentials"],
            "redirect_uris": [], "requested_scopes": ["apps:write"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_of_another_gatehouse_is_refused() {
    let (app, tenant, _) = genuine().await;
    let other = TestApp::spawn().await;
    let (_, foreign) = other.admin("Acme Corp").await;
    assert_eq!(
        platform_status(&other, &foreign, SCOPES).await,
        StatusCode::OK
    );

    // Signed correctly, by a key this stack never published, for another issuer.
    let (header, _, _) = split(&foreign);
    let published = jwks(&app).await;
    let kids: Vec<&Value> = published["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| &key["kid"])
        .collect();
    assert!(!kids.contains(&&header["kid"]), "{kids:?}");
    assert_refused(&app, &tenant, &foreign, "a foreign stack's token").await;
}

/// A second stack over `app`'s database and key encryption key, so it signs with the same
/// keys, but with its own `iss` and `aud`.
async fn sibling(app: &TestApp, issuer: &str, audience: &str) -> TestApp {
    let database_url = app.db.url().to_owned();
    let kek_file = app.data_dir.join(KEK_FILE);
    TestApp::spawn_with(|args| {
        args.database_url = Some(database_url);
        args.kek_file = Some(kek_file);
        args.issuer = Some(issuer.to_owned());
        args.audience = Some(audience.to_owned());
    })
    .await
}

#[tokio::test]
async fn a_token_for_another_audience_or_from_another_issuer_is_refused_despite_a_trusted_key() {
    let (app, tenant, token) = genuine().await;
    let (header, claims, _) = split(&token);
    let issuer = claims["iss"].as_str().unwrap();
    let audience = claims["aud"].as_str().unwrap();

    for (what, iss, aud) in [
        ("another audience", issuer, "https://other-api.example"),
        ("another issuer", "https://other-issuer.example", audience),
    ] {
        let sibling = sibling(&app, iss, aud).await;
        let minted = sibling
            .token(&tenant.client_id, &tenant.client_secret, None)
            .await;
        assert_eq!(
            platform_status(&sibling, &minted, SCOPES).await,
            StatusCode::OK
        );
        let (minted_header, minted_claims, _) = split(&minted);
        assert_eq!(
            minted_header["kid"], header["kid"],
            "{what}: the same signing key"
        );
        assert_eq!(
            (&minted_claims["iss"], &minted_claims["aud"]),
            (&json!(iss), &json!(aud))
        );

        assert_refused(&app, &tenant, &minted, what).await;
        sibling.stop().await;
    }
}

#[tokio::test]
async fn a_token_works_until_it_expires_and_not_a_second_longer() {
    let clock = ManualClock::new(SystemClock.now());
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (tenant, token) = app.admin("Acme Corp").await;

    clock.advance(Duration::seconds(3599));
    assert_eq!(platform_status(&app, &token, SCOPES).await, StatusCode::OK);
    let seen = introspect(&app, &tenant.client_id, &tenant.client_secret, &token).await;
    assert_eq!(seen["active"], true);

    clock.advance(Duration::seconds(2));
    assert_refused(&app, &tenant, &token, "expired").await;
}

/// Rows in each table, by table.
async fn row_counts(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let tables = [
        "tenants",
        "apps",
        "client_secrets",
        "operator_credentials",
        "scopes",
        "signing_keys",
        "service_tokens",
        "revoked_tokens",
    ];
    let db = Database::connect(app.db.url()).await.unwrap();
    let backend = db.get_database_backend();
    let mut counts = BTreeMap::new();
    for table in tables {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap();
        counts.insert(table, row.try_get::<i64>("", "n").unwrap());
    }
    db.close().await.unwrap();
    counts
}

#[tokio::test]
async fn issuing_tokens_writes_no_database_row() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme Corp").await;
    let before = row_counts(&app).await;

    for _ in 0..20 {
        app.token(&tenant.client_id, &tenant.client_secret, None)
            .await;
    }

    assert_eq!(row_counts(&app).await, before);
    assert_eq!(
        before["tenants"], 1,
        "the counts are of this stack's database"
    );
}

#[tokio::test]
async fn a_tenants_token_cannot_see_another_tenants_app() {
    let app = TestApp::spawn().await;
    let (own, own_token) = app.admin("Acme Corp").await;
    let (other, other_token) = app.admin("Globex").await;
    let path = |client_id: &str| format!("/v1/platform/apps/{client_id}");
    assert_eq!(
        platform_status(&app, &own_token, &path(&own.client_id)).await,
        StatusCode::OK
    );
    assert_eq!(
        platform_status(&app, &other_token, &path(&other.client_id)).await,
        StatusCode::OK
    );

    let get = |client_id: String| {
        http_client()
            .get(app.url(&path(&client_id)))
            .bearer_auth(&own_token)
            .send()
    };
    let response = get(other.client_id.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let across: Value = response.json().await.unwrap();
    assert_eq!(across["error"]["code"], "not_found");

    let nowhere = get("app_01m8yq6afqeksa3t49mt6gxh25".into()).await.unwrap();
    let nowhere: Value = nowhere.json().await.unwrap();
    assert_eq!(
        across, nowhere,
        "indistinguishable from an app that does not exist"
    );
}
