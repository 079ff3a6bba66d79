//! The OAuth endpoints as an integrator meets them: token (RFC 6749), introspection (RFC 7662),
//! revocation (RFC 7009) and the metadata document (RFC 8414).

use std::collections::HashSet;

use chrono::Duration;
use gatehouse_core::clock::{Clock, ManualClock, SystemClock};
use gatehouse_proto::v1;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Tenant, TestApp, form_encode, http_client};

/// A form posted to `path` with the client authenticated by HTTP Basic.
pub(crate) async fn post_basic(
    app: &TestApp,
    path: &str,
    client_id: &str,
    secret: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    http_client()
        .post(app.url(path))
        .basic_auth(form_encode(client_id), Some(form_encode(secret)))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// A form posted to `path` without an `Authorization` header.
async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    http_client()
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// What the introspection endpoint says about `token` to the client `client_id`.
pub(crate) async fn introspect(app: &TestApp, client_id: &str, secret: &str, token: &str) -> Value {
    let form = [("token", token)];
    let response = post_basic(app, "/v1/oauth/introspect", client_id, secret, &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store(&response);
    response.json().await.unwrap()
}

/// The status of `GET path` with `token` as the bearer credential.
pub(crate) async fn platform_status(app: &TestApp, token: &str, path: &str) -> StatusCode {
    let response = http_client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    response.status()
}

/// The published JWK set.
pub(crate) async fn jwks(app: &TestApp) -> Value {
    let response = http_client()
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// RFC 6749 §5.1: token responses, and here every OAuth response, are never cached.
fn assert_no_store(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-store", "{headers:?}");
    assert_eq!(headers["pragma"], "no-cache", "{headers:?}");
}

/// The status and `error` of an RFC 6749 §5.2 error response, after checking its shape.
async fn oauth_error(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    assert_no_store(&response);
    if status == StatusCode::UNAUTHORIZED {
        assert_eq!(
            response.headers()["www-authenticate"],
            "Basic realm=\"gatehouse\", charset=\"UTF-8\""
        );
    }
    let body: Value = response.json().await.unwrap();
    assert!(body["error_description"].is_string(), "{body}");
    (status, body["error"].as_str().unwrap().to_owned())
}

/// The scopes of a space-delimited list, in any order.
fn scope_set(scope: &str) -> HashSet<&str> {
    scope.split(' ').filter(|s| !s.is_empty()).collect()
}

#[tokio::test]
async fn a_standard_jwt_library_verifies_an_issued_token_against_the_published_keys() {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme Corp").await;
    let token = app
        .token(&tenant.client_id, &tenant.client_secret, None)
        .await;
    let second = app
        .token(&tenant.client_id, &tenant.client_secret, None)
        .await;

    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let kid = header.kid.unwrap();
    let keys = jwks(&app).await;
    let keys = keys["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "the active key and the next one: {keys:?}");
    for key in keys {
        assert_eq!(
            (key["kty"].as_str(), key["use"].as_str()),
            (Some("RSA"), Some("sig"))
        );
        assert_eq!(key["alg"], "RS256");
    }
    let jwk = keys.iter().find(|key| key["kid"] == kid.as_str()).unwrap();

    let n = jwk["n"].as_str().unwrap();
    let e = jwk["e"].as_str().unwrap();
    let key = DecodingKey::from_rsa_components(n, e).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&app.http]);
    validation.set_audience(&[&app.http]);
    let claims = jsonwebtoken::decode::<Value>(&token, &key, &validation)
        .unwrap()
        .claims;

    assert_eq!(claims["sub"], tenant.client_id.as_str());
    assert_eq!(claims["client_id"], tenant.client_id.as_str());
    assert_eq!(claims["tid"], tenant.tenant_id.as_str());
    assert_eq!(claims["scope"], "platform:admin");
    assert_eq!(claims["token_use"], "access");
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
    let second = jsonwebtoken::decode::<Value>(&second, &key, &validation)
        .unwrap()
        .claims;
    assert!(claims["jti"].as_str().is_some_and(|jti| !jti.is_empty()));
    assert_ne!(claims["jti"], second["jti"], "every token has its own id");
}

#[tokio::test]
async fn credentials_in_the_body_work_like_http_basic_but_not_both_at_once() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Globex").await;
    let id = tenant.client_id.as_str();
    let secret = tenant.client_secret.as_str();

    let posted = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    let response = post_form(&app, "/v1/oauth/token", &posted).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "platform:admin");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        platform_status(&app, token, "/v1/platform/scopes").await,
        StatusCode::OK
    );

    let basic = app.token(id, secret, None).await;
    assert_eq!(
        platform_status(&app, &basic, "/v1/platform/scopes").await,
        StatusCode::OK
    );

    let both = post_basic(&app, "/v1/oauth/token", id, secret, &posted).await;
    assert_eq!(
        oauth_error(both).await,
        (StatusCode::BAD_REQUEST, "invalid_request".into())
    );
}

#[tokio::test]
async fn a_token_carries_the_approved_scopes_asked_for_or_all_of_them_and_never_more() {
    let app = TestApp::spawn().await;
    let (_, admin_token) = app.admin("Initech").await;
    let registered = app
        .register(
            &admin_token,
            json!({
                "name": "Case sync connector",
                "grant_types": ["client_credentials"],
                "redirect_uris": [],
                "requested_scopes": ["webhooks:write", "apps:read"],
            }),
        )
        .await;
    let id = registered["client_id"].as_str().unwrap();
    let secret = registered["client_secret"].as_str().unwrap();

    let response = app.token_request(id, secret, Some("apps:read")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let narrow: Value = response.json().await.unwrap();
    assert_eq!(narrow["scope"], "apps:read");
    let narrow_token = narrow["access_token"].as_str().unwrap();
    let status = platform_status(&app, narrow_token, "/v1/platform/apps").await;
    assert_eq!(status, StatusCode::OK, "apps:read lists apps");

    let response = app.token_request(id, secret, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let all: Value = response.json().await.unwrap();
    let granted = scope_set(all["scope"].as_str().unwrap());
    assert_eq!(granted, HashSet::from(["webhooks:write", "apps:read"]));

    for unapproved in ["events:read", "apps:read events:read", "platform:admin"] {
        let response = app.token_request(id, secret, Some(unapproved)).await;
        let error = oauth_error(response).await;
        assert_eq!(
            error,
            (StatusCode::BAD_REQUEST, "invalid_scope".into()),
            "{unapproved}"
        );
    }
}

#[tokio::test]
async fn token_errors_follow_rfc_6749_and_are_never_cached() {
    let app = TestApp::spawn().await;
    let (tenant, admin_token) = app.admin("Umbrella").await;
    let id = tenant.client_id.as_str();
    let secret = tenant.client_secret.as_str();
    let unauthorized = (StatusCode::UNAUTHORIZED, "invalid_client".to_owned());
    let bad_request = |error: &str| (StatusCode::BAD_REQUEST, error.to_owned());

    let wrong_secret = app.token_request(id, "gcs_not-the-secret", None).await;
    assert_eq!(oauth_error(wrong_secret).await, unauthorized);
    let unknown_client = "app_01m8yq6afqeksa3t49mt6gxh25";
    let unknown = app.token_request(unknown_client, secret, None).await;
    assert_eq!(oauth_error(unknown).await, unauthorized);
    let grant_only = [("grant_type", "client_credentials")];
    let anonymous = post_form(&app, "/v1/oauth/token", &grant_only).await;
    assert_eq!(oauth_error(anonymous).await, unauthorized);

    for (grant_type, expected) in [
        ("password", "unsupported_grant_type"),
        ("urn:example:made-up", "unsupported_grant_type"),
        ("authorization_code", "unsupported_grant_type"),
        ("refresh_token", "unsupported_grant_type"),
    ] {
        let form = [("grant_type", grant_type)];
        let response = post_basic(&app, "/v1/oauth/token", id, secret, &form).await;
        assert_eq!(
            oauth_error(response).await,
            bad_request(expected),
            "{grant_type}"
        );
    }
    let scope_only = [("scope", "apps:read")];
    let no_grant = post_basic(&app, "/v1/oauth/token", id, secret, &scope_only).await;
    assert_eq!(oauth_error(no_grant).await, bad_request("invalid_request"));

    let as_json = http_client()
        .post(app.url("/v1/oauth/token"))
        .basic_auth(form_encode(id), Some(form_encode(secret)))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(as_json).await, bad_request("invalid_request"));
    let repeated = [
        ("grant_type", "client_credentials"),
        ("grant_type", "client_credentials"),
    ];
    let repeated = post_basic(&app, "/v1/oauth/token", id, secret, &repeated).await;
    assert_eq!(oauth_error(repeated).await, bad_request("invalid_request"));

    let web_app = app
        .register(
            &admin_token,
            json!({
                "name": "Browser integration",
                "grant_types": ["authorization_code"],
                "redirect_uris": ["https://integrator.example/callback"],
                "requested_scopes": ["apps:read"],
            }),
        )
        .await;
    let response = app
        .token_request(
            web_app["client_id"].as_str().unwrap(),
            web_app["client_secret"].as_str().unwrap(),
            None,
        )
        .await;
    assert_eq!(
        oauth_error(response).await,
        bad_request("unauthorized_client")
    );
}

#[tokio::test]
async fn ten_failed_authentications_lock_the_client_out_for_a_minute_and_no_one_else() {
    let clock = ManualClock::new(SystemClock.now());
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let target = app.tenant("Target").await;
    let bystander = app.tenant("Bystander").await;

    for attempt in 1..=10 {
        let response = app
            .token_request(&target.client_id, &format!("gcs_guess-{attempt}"), None)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let locked = app
        .token_request(&target.client_id, &target.client_secret, None)
        .await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right secret"
    );
    let retry_after = locked.headers()["retry-after"].to_str().unwrap().to_owned();
    assert_eq!(
        retry_after, "60",
        "the clock stood still since the first failure"
    );
    let (_, error) = oauth_error(locked).await;
    assert_eq!(error, "temporarily_unavailable");

    app.token(&bystander.client_id, &bystander.client_secret, None)
        .await;
    clock.advance(Duration::seconds(61));
    let token = app
        .token(&target.client_id, &target.client_secret, None)
        .await;
    assert_eq!(
        platform_status(&app, &token, "/v1/platform/scopes").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_address_guessing_across_thirty_client_ids_is_locked_out_for_a_minute() {
    let clock = ManualClock::new(SystemClock.now());
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let tenant = app.tenant("Acme").await;

    for attempt in 0..30 {
        let guessed_id = format!("app_01m8yq6afqeksa3t49mt6g{attempt:04}");
        let response = app.token_request(&guessed_id, "gcs_guess", None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let locked = app
        .token_request(&tenant.client_id, &tenant.client_secret, None)
        .await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a client id never guessed is refused from this address"
    );
    assert_eq!(locked.headers()["retry-after"], "60");

    clock.advance(Duration::seconds(61));
    app.token(&tenant.client_id, &tenant.client_secret, None)
        .await;
}

#[tokio::test]
async fn a_grpc_caller_that_relays_no_address_is_throttled_by_its_own() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme").await;
    let mut oauth = app.core().oauth();
    let request = |client_id: &str, client_secret: &str| v1::IssueTokenRequest {
        client: Some(v1::ClientCredentials {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            method: v1::ClientAuthMethod::ClientSecretPost.into(),
        }),
        grant_type: "client_credentials".to_owned(),
        scope: String::new(),
        client_address: String::new(),
    };

    for attempt in 0..30 {
        let guessed_id = format!("app_01m8yq6afqeksa3t49mt6g{attempt:04}");
        let refused = oauth
            .issue_token(request(&guessed_id, "gcs_guess"))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            tonic::Code::Unauthenticated,
            "attempt {attempt}"
        );
    }
    let locked = oauth
        .issue_token(request(&tenant.client_id, &tenant.client_secret))
        .await
        .unwrap_err();

    assert_eq!(locked.code(), tonic::Code::ResourceExhausted);
}

#[tokio::test]
async fn introspection_shows_a_live_token_to_its_own_tenant_only() {
    let app = TestApp::spawn().await;
    let (owner, token) = app.admin("Owner").await;
    let (stranger, _) = app.admin("Stranger").await;

    let seen = introspect(&app, &owner.client_id, &owner.client_secret, &token).await;
    assert_eq!(seen["active"], true, "{seen}");
    assert_eq!(seen["scope"], "platform:admin");
    assert_eq!(seen["client_id"], owner.client_id.as_str());
    assert_eq!(seen["sub"], owner.client_id.as_str());
    assert_eq!(seen["tid"], owner.tenant_id.as_str());
    assert_eq!(seen["iss"], app.http.as_str());
    assert_eq!(seen["aud"], app.http.as_str());
    assert_eq!(seen["token_type"], "Bearer");
    assert!(seen["jti"].as_str().is_some_and(|jti| !jti.is_empty()));
    let lifetime = seen["exp"].as_i64().unwrap() - seen["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 3600);

    let by_stranger = [
        ("token", token.as_str()),
        ("client_id", stranger.client_id.as_str()),
        ("client_secret", stranger.client_secret.as_str()),
    ];
    let response = post_form(&app, "/v1/oauth/introspect", &by_stranger).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"active": false})
    );
    for garbage in [
        "not-a-token",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    ] {
        let seen = introspect(&app, &owner.client_id, &owner.client_secret, garbage).await;
        assert_eq!(seen, json!({"active": false}), "{garbage}");
    }

    let anonymous = post_form(&app, "/v1/oauth/introspect", &[("token", &token)]).await;
    let expected = (StatusCode::UNAUTHORIZED, "invalid_client".to_owned());
    assert_eq!(oauth_error(anonymous).await, expected);
    let form = [("token", token.as_str())];
    let path = "/v1/oauth/introspect";
    let wrong_secret = post_basic(&app, path, &owner.client_id, "gcs_x", &form).await;
    assert_eq!(oauth_error(wrong_secret).await, expected);
}

/// Revokes `token` as `client`, checking the one answer RFC 7009 §2.2 allows: an empty 200,
/// whether anything was revoked or not.
async fn revoke(app: &TestApp, client: &Tenant, token: &str) {
    let form = [("token", token)];
    let (id, secret) = (&client.client_id, &client.client_secret);
    let response = post_basic(app, "/v1/oauth/revoke", id, secret, &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store(&response);
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_client_revokes_its_own_token_and_cannot_touch_anyone_elses() {
    let app = TestApp::spawn().await;
    let (owner, token) = app.admin("Owner").await;
    let (stranger, stranger_token) = app.admin("Stranger").await;
    let scopes = "/v1/platform/scopes";
    assert_eq!(platform_status(&app, &token, scopes).await, StatusCode::OK);

    revoke(&app, &owner, &token).await;
    assert_eq!(
        platform_status(&app, &token, scopes).await,
        StatusCode::UNAUTHORIZED
    );
    let seen = introspect(&app, &owner.client_id, &owner.client_secret, &token).await;
    assert_eq!(seen, json!({"active": false}));
    let fresh = app
        .token(&owner.client_id, &owner.client_secret, None)
        .await;
    assert_eq!(
        platform_status(&app, &fresh, scopes).await,
        StatusCode::OK,
        "that token only"
    );

    revoke(&app, &owner, &stranger_token).await;
    revoke(&app, &owner, "garbage").await;
    assert_eq!(
        platform_status(&app, &stranger_token, scopes).await,
        StatusCode::OK
    );
    let (id, secret) = (&stranger.client_id, &stranger.client_secret);
    assert_eq!(
        introspect(&app, id, secret, &stranger_token).await["active"],
        true
    );

    let anonymous = post_form(&app, "/v1/oauth/revoke", &[("token", &fresh)]).await;
    let expected = (StatusCode::UNAUTHORIZED, "invalid_client".to_owned());
    assert_eq!(oauth_error(anonymous).await, expected);
    assert_eq!(platform_status(&app, &fresh, scopes).await, StatusCode::OK);
}

#[tokio::test]
async fn a_client_cannot_revoke_a_token_of_another_client_of_its_tenant() {
    let app = TestApp::spawn().await;
    let (owner, admin_token) = app.admin("Owner").await;
    let registered = app
        .register(
            &admin_token,
            json!({
                "name": "Reporting job",
                "grant_types": ["client_credentials"],
                "redirect_uris": [],
                "requested_scopes": ["apps:read"],
            }),
        )
        .await;
    let id = registered["client_id"].as_str().unwrap();
    let job_token = app
        .token(id, registered["client_secret"].as_str().unwrap(), None)
        .await;

    revoke(&app, &owner, &job_token).await;

    let status = platform_status(&app, &job_token, "/v1/platform/apps").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "only the client a token was issued to revokes it"
    );
}

#[tokio::test]
async fn the_metadata_document_names_endpoints_that_work() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Hooli").await;

    let response = http_client()
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.unwrap();

    let issuer = document["issuer"].as_str().unwrap();
    assert_eq!(issuer, app.http, "RFC 8414 §2: the issuer the tokens carry");
    for (field, path) in [
        ("token_endpoint", "/v1/oauth/token"),
        ("jwks_uri", "/.well-known/jwks.json"),
        ("introspection_endpoint", "/v1/oauth/introspect"),
        ("revocation_endpoint", "/v1/oauth/revoke"),
    ] {
        assert_eq!(document[field], format!("{issuer}{path}"), "{field}");
    }
    assert_eq!(
        document["grant_types_supported"],
        json!(["client_credentials"])
    );
    assert_eq!(
        document["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post"])
    );
    let scopes: HashSet<&str> = document["scopes_supported"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let catalog = [
        "apps:read",
        "apps:write",
        "webhooks:read",
        "webhooks:write",
        "events:read",
    ];
    assert!(
        catalog.iter().all(|scope| scopes.contains(scope)),
        "{scopes:?}"
    );
    assert!(
        !scopes.contains("platform:admin"),
        "not requestable by apps"
    );

    let token_endpoint = document["token_endpoint"].as_str().unwrap();
    let issued = http_client()
        .post(token_endpoint)
        .basic_auth(
            form_encode(&tenant.client_id),
            Some(form_encode(&tenant.client_secret)),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), StatusCode::OK);
    let jwks_uri = document["jwks_uri"].as_str().unwrap();
    let keys: Value = http_client()
        .get(jwks_uri)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!keys["keys"].as_array().unwrap().is_empty());
}
