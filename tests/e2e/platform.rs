//! The `/v1/platform` routes: scopes, apps, governance, secret rotation and service tokens,
//! each for the caller's tenant only.

use chrono::Duration;
use gatehouse_core::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, http_client};

async fn call(
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = http_client().request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    call(reqwest::Method::GET, app.url(path), token, None).await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    call(reqwest::Method::POST, app.url(path), token, Some(body)).await
}

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    call(reqwest::Method::PATCH, app.url(path), token, Some(body)).await
}

fn connector() -> Value {
    json!({
        "name": "Case sync connector",
        "grant_types": ["client_credentials"],
        "redirect_uris": [],
        "requested_scopes": ["webhooks:write"]
    })
}

#[tokio::test]
async fn the_scope_catalog_lists_requestable_scopes_without_platform_admin() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;

    let (status, body) = get(&app, "/v1/platform/scopes", &admin).await;

    assert_eq!(status, 200);
    let names: Vec<&str> = body["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for expected in [
        "apps:read",
        "apps:write",
        "webhooks:read",
        "webhooks:write",
        "events:read",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert!(!names.contains(&"platform:admin"));
    assert!(
        body["scopes"][0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );

    let (status, body) = get(&app, "/v1/platform/scopes", "not-a-token").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");
}

#[tokio::test]
async fn an_operator_adds_a_scope_that_apps_can_then_request() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;
    let added = app
        .cli(&[
            "scope",
            "add",
            "reports:read",
            "--description",
            "Read reports",
        ])
        .await;
    assert!(added.success(), "{}", added.stderr());

    let (_, body) = get(&app, "/v1/platform/scopes", &admin).await;
    assert!(
        body["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "reports:read")
    );
    let mut request = connector();
    request["requested_scopes"] = json!(["reports:read"]);
    let created = app.register(&admin, request).await;
    assert_eq!(created["approved_scopes"], json!(["reports:read"]));

    let listed = app.cli(&["scope", "list", "--json"]).await.json();
    assert!(
        listed["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "reports:read")
    );
    let duplicate = app
        .cli(&["scope", "add", "reports:read", "--description", "again"])
        .await;
    assert!(
        duplicate.stderr().contains("already_exists"),
        "{}",
        duplicate.stderr()
    );
}

#[tokio::test]
async fn registering_an_app_returns_its_secret_once_and_the_app_can_get_tokens() {
    let app = TestApp::spawn().await;
    let (tenant, admin) = app.admin("Acme").await;

    let created = app.register(&admin, connector()).await;

    let client_id = created["client_id"].as_str().unwrap();
    let secret = created["client_secret"].as_str().unwrap();
    assert!(client_id.starts_with("app_"));
    assert!(secret.starts_with("gcs_") && secret.len() >= 47);
    assert_eq!(created["grant_types"], json!(["client_credentials"]));
    assert_eq!(created["requested_scopes"], json!(["webhooks:write"]));
    assert_eq!(created["approved_scopes"], json!(["webhooks:write"]));
    assert_eq!(created["tenant_id"], tenant.tenant_id.as_str());
    assert_eq!(
        created["governance"],
        json!({"allow_service_tokens": false, "enforce_pkce": true})
    );

    let (status, fetched) = get(&app, &format!("/v1/platform/apps/{client_id}"), &admin).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["name"], "Case sync connector");
    assert!(
        fetched.get("client_secret").is_none(),
        "the secret is shown only once"
    );

    let token = app.token(client_id, secret, Some("webhooks:write")).await;
    assert_eq!(token.split('.').count(), 3);
}

#[tokio::test]
async fn invalid_registrations_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;
    let cases = [
        (
            json!({"name": "x", "grant_types": ["password"]}),
            "grant_types",
        ),
        (json!({"name": "x", "grant_types": []}), "grant_types"),
        (
            json!({"name": "", "grant_types": ["client_credentials"]}),
            "name",
        ),
        (
            json!({"name": "x", "grant_types": ["authorization_code"]}),
            "redirect_uris",
        ),
        (
            json!({"name": "x", "grant_types": ["authorization_code"], "redirect_uris": ["http://evil.example/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"name": "x", "grant_types": ["authorization_code"], "redirect_uris": ["https://ok.example/cb#x"]}),
            "redirect_uris",
        ),
        (
            json!({"name": "x", "grant_types": ["authorization_code"], "redirect_uris": ["cb"]}),
            "redirect_uris",
        ),
        (
            json!({"name": "x", "grant_types": ["client_credentials"], "requested_scopes": ["platform:admin"]}),
            "requested_scopes",
        ),
        (
            json!({"name": "x", "grant_types": ["client_credentials"], "requested_scopes": ["nope:nope"]}),
            "requested_scopes",
        ),
        (
            json!({"name": "x", "grant_types": ["client_credentials"], "colour": "blue"}),
            "colour",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = post(&app, "/v1/platform/apps", &admin, body.clone()).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["error"]["code"], "invalid_argument");
        assert!(
            error["error"]["message"].as_str().unwrap().contains(field),
            "{body}: {error}"
        );
    }

    let raw = http_client()
        .post(app.url("/v1/platform/apps"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert_eq!(
        raw.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_argument"
    );

    let loopback = json!({"name": "Native", "grant_types": ["authorization_code", "refresh_token"], "redirect_uris": ["http://127.0.0.1:8123/callback"]});
    let (status, _) = post(&app, "/v1/platform/apps", &admin, loopback).await;
    assert_eq!(status, 201, "http is allowed on loopback");
}

#[tokio::test]
async fn apps_are_listed_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let (tenant, admin) = app.admin("Acme").await;
    let mut registered = vec![tenant.client_id.clone()];
    for i in 0..4 {
        let mut body = connector();
        body["name"] = json!(format!("App {i}"));
        registered.push(
            app.register(&admin, body).await["client_id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }

    let mut seen = Vec::new();
    let mut path = "/v1/platform/apps?limit=2".to_owned();
    loop {
        let (status, page) = get(&app, &path, &admin).await;
        assert_eq!(status, 200, "{page}");
        let apps = page["apps"].as_array().unwrap();
        assert!(apps.len() <= 2);
        seen.extend(
            apps.iter()
                .map(|a| a["client_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/platform/apps?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, registered);

    for (bad, parameter) in [
        ("/v1/platform/apps?limit=0", "limit"),
        ("/v1/platform/apps?limit=500", "limit"),
        ("/v1/platform/apps?limit=x", "limit"),
        ("/v1/platform/apps?cursor=forged", "cursor"),
    ] {
        let (status, body) = get(&app, bad, &admin).await;
        assert_eq!(status, 400, "{bad}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(parameter), "{bad}: {message}");
    }
}

#[tokio::test]
async fn scopes_decide_who_reads_registers_and_administers_apps() {
    let app = TestApp::spawn().await;
    let (tenant, admin) = app.admin("Acme").await;
    let mut reader = connector();
    reader["requested_scopes"] = json!(["apps:read", "apps:write", "webhooks:write"]);
    let reader = app.register(&admin, reader).await;
    let (id, secret) = (
        reader["client_id"].as_str().unwrap(),
        reader["client_secret"].as_str().unwrap(),
    );

    let read_only = app.token(id, secret, Some("apps:read")).await;
    let (status, _) = get(&app, "/v1/platform/apps", &read_only).await;
    assert_eq!(status, 200);
    let (status, body) = post(&app, "/v1/platform/apps", &read_only, connector()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "permission_denied");

    let writer = app.token(id, secret, Some("apps:write")).await;
    let mut wants_more = connector();
    wants_more["requested_scopes"] = json!(["webhooks:write", "events:read"]);
    let (status, created) = post(&app, "/v1/platform/apps", &writer, wants_more).await;
    assert_eq!(status, 201);
    assert_eq!(
        created["requested_scopes"],
        json!(["webhooks:write", "events:read"])
    );
    assert_eq!(
        created["approved_scopes"],
        json!([]),
        "apps:write cannot approve scopes it lacks"
    );

    let everything = app.token(id, secret, None).await;
    let governance = format!("/v1/platform/apps/{}/governance", tenant.client_id);
    let (status, _) = patch(
        &app,
        &governance,
        &everything,
        json!({"enforce_pkce": false}),
    )
    .await;
    assert_eq!(status, 403, "governance is for tenant admins");
}

#[tokio::test]
async fn governance_changes_only_known_flags() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;
    let client_id = app.register(&admin, connector()).await["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/platform/apps/{client_id}/governance");

    let (status, body) = patch(
        &app,
        &path,
        &admin,
        json!({"allow_service_tokens": true, "enforce_pkce": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"client_id": client_id, "governance": {"allow_service_tokens": true, "enforce_pkce": true}})
    );

    let (status, body) = patch(&app, &path, &admin, json!({"enforce_pkce": false})).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["governance"],
        json!({"allow_service_tokens": true, "enforce_pkce": false}),
        "unnamed flags keep their value"
    );

    let (status, body) = patch(&app, &path, &admin, json!({"allow_everything": true})).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("allow_everything")
    );
    let (status, _) = patch(&app, &path, &admin, json!({"enforce_pkce": "yes"})).await;
    assert_eq!(status, 400);

    let (_, fetched) = get(&app, &format!("/v1/platform/apps/{client_id}"), &admin).await;
    assert_eq!(fetched["governance"]["enforce_pkce"], false);
}

#[tokio::test]
async fn a_rotated_secret_replaces_the_old_one_after_the_grace_period() {
    let clock = ManualClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap());
    let app = TestApp::spawn_with_clock(clock.clone()).await;
    let (_, admin) = app.admin("Acme").await;
    let created = app.register(&admin, connector()).await;
    let client_id = created["client_id"].as_str().unwrap();
    let old = created["client_secret"].as_str().unwrap();
    let path = format!("/v1/platform/apps/{client_id}/rotate-secret");

    let (status, rotated) = post(&app, &path, &admin, json!({"grace_period_seconds": 600})).await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(rotated["client_id"], client_id);
    assert_eq!(
        rotated["previous_secret_expires_at"],
        "2027-01-15T08:10:00Z"
    );

    assert_eq!(
        app.token_request(client_id, old, None).await.status(),
        200,
        "old secret in grace"
    );
    assert_eq!(app.token_request(client_id, &new, None).await.status(), 200);
    clock.advance(Duration::seconds(601));
    assert_eq!(
        app.token_request(client_id, old, None).await.status(),
        401,
        "grace is over"
    );
    app.token(client_id, &new, None).await;

    let bare = http_client()
        .post(app.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 200, "the body is optional");
    let newest: Value = bare.json().await.unwrap();
    assert_eq!(
        app.token_request(client_id, &new, None).await.status(),
        200,
        "default grace keeps it"
    );
    app.token(client_id, newest["client_secret"].as_str().unwrap(), None)
        .await;
}

#[tokio::test]
async fn a_zero_grace_rotation_ends_the_old_secret_at_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;
    let created = app.register(&admin, connector()).await;
    let client_id = created["client_id"].as_str().unwrap();
    let path = format!("/v1/platform/apps/{client_id}/rotate-secret");

    let old = created["client_secret"].as_str().unwrap();
    app.token(client_id, old, None).await;

    let (_, rotated) = post(&app, &path, &admin, json!({"grace_period_seconds": 0})).await;

    assert_eq!(
        app.token_request(client_id, old, None).await.status(),
        401,
        "refused at once, even right after it was used"
    );
    app.token(client_id, rotated["client_secret"].as_str().unwrap(), None)
        .await;
    for bad in [
        json!({"grace_period_seconds": -1}),
        json!({"grace_period_seconds": 604801}),
        json!({"grace": 5}),
    ] {
        let (status, body) = post(&app, &path, &admin, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn service_tokens_need_governance_stay_within_approved_scopes_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;
    let mut body = connector();
    body["requested_scopes"] = json!(["webhooks:write", "apps:read"]);
    let client_id = app.register(&admin, body).await["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mint_path = format!("/v1/platform/apps/{client_id}/service-token");

    let (status, body) = post(
        &app,
        &mint_path,
        &admin,
        json!({"scopes": ["webhooks:write"]}),
    )
    .await;
    assert_eq!(status, 409, "governance does not allow it yet: {body}");
    assert_eq!(body["error"]["code"], "failed_precondition");

    patch(
        &app,
        &format!("/v1/platform/apps/{client_id}/governance"),
        &admin,
        json!({"allow_service_tokens": true}),
    )
    .await;
    let (status, body) = post(&app, &mint_path, &admin, json!({"scopes": ["events:read"]})).await;
    assert_eq!(status, 400, "not approved for the app: {body}");
    let (status, minted) = post(
        &app,
        &mint_path,
        &admin,
        json!({"scopes": ["apps:read"], "ttl_seconds": 86400}),
    )
    .await;
    assert_eq!(status, 201, "{minted}");
    let token = minted["token"].as_str().unwrap().to_owned();
    assert!(minted["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(minted["scopes"], json!(["apps:read"]));

    let (status, _) = get(&app, &format!("/v1/platform/apps/{client_id}"), &token).await;
    assert_eq!(status, 200, "the service token works");
    let (status, listed) = get(
        &app,
        &format!("/v1/platform/apps/{client_id}/service-tokens"),
        &admin,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["service_tokens"][0]["token_id"], minted["token_id"]);
    assert!(
        listed["service_tokens"][0].get("token").is_none(),
        "records never hold the token"
    );

    let revoke = format!(
        "/v1/platform/apps/{client_id}/service-tokens/{}",
        minted["token_id"].as_str().unwrap()
    );
    let (status, revoked) = call(reqwest::Method::DELETE, app.url(&revoke), &admin, None).await;
    assert_eq!(status, 200);
    assert!(revoked["revoked_at"].is_string());
    let (status, _) = get(&app, &format!("/v1/platform/apps/{client_id}"), &token).await;
    assert_eq!(status, 401, "a revoked service token is refused");
}

#[tokio::test]
async fn only_tenant_admins_mint_service_tokens() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin("Acme").await;
    let mut body = connector();
    body["requested_scopes"] = json!(["apps:read", "apps:write"]);
    let created = app.register(&admin, body).await;
    let client_id = created["client_id"].as_str().unwrap();
    patch(
        &app,
        &format!("/v1/platform/apps/{client_id}/governance"),
        &admin,
        json!({"allow_service_tokens": true}),
    )
    .await;
    let own_token = app
        .token(client_id, created["client_secret"].as_str().unwrap(), None)
        .await;

    let (status, body) = post(
        &app,
        &format!("/v1/platform/apps/{client_id}/service-token"),
        &own_token,
        json!({}),
    )
    .await;

    assert_eq!(status, 403, "{body}");
}

#[tokio::test]
async fn another_tenants_apps_are_not_found_on_every_route() {
    let app = TestApp::spawn().await;
    let (_, acme) = app.admin("Acme").await;
    let (globex, globex_admin) = app.admin("Globex").await;
    let theirs = app.register(&globex_admin, connector()).await["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    patch(
        &app,
        &format!("/v1/platform/apps/{theirs}/governance"),
        &globex_admin,
        json!({"allow_service_tokens": true}),
    )
    .await;
    let (_, minted) = post(
        &app,
        &format!("/v1/platform/apps/{theirs}/service-token"),
        &globex_admin,
        json!({}),
    )
    .await;
    let their_token_id = minted["token_id"].as_str().unwrap().to_owned();

    let attempts = [
        (
            reqwest::Method::GET,
            format!("/v1/platform/apps/{theirs}"),
            None,
        ),
        (
            reqwest::Method::GET,
            format!("/v1/platform/apps/{}", globex.client_id),
            None,
        ),
        (
            reqwest::Method::PATCH,
            format!("/v1/platform/apps/{theirs}/governance"),
            Some(json!({"enforce_pkce": false})),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/platform/apps/{theirs}/rotate-secret"),
            Some(json!({})),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/platform/apps/{theirs}/service-token"),
            Some(json!({})),
        ),
        (
            reqwest::Method::GET,
            format!("/v1/platform/apps/{theirs}/service-tokens"),
            None,
        ),
        (
            reqwest::Method::DELETE,
            format!("/v1/platform/apps/{theirs}/service-tokens/{their_token_id}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let (status, error) = call(method.clone(), app.url(&path), &acme, body).await;
        assert_eq!(status, 404, "{method} {path}: {error}");
        assert_eq!(error["error"]["code"], "not_found");
    }

    let (_, listed) = get(&app, "/v1/platform/apps", &acme).await;
    let ids: Vec<&str> = listed["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["client_id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&theirs.as_str()) && !ids.contains(&globex.client_id.as_str()));
    let (status, _) = get(&app, &format!("/v1/platform/apps/{theirs}"), &globex_admin).await;
    assert_eq!(status, 200, "the owner still sees it, unchanged");
    let (_, tokens) = get(
        &app,
        &format!("/v1/platform/apps/{theirs}/service-tokens"),
        &globex_admin,
    )
    .await;
    assert!(
        tokens["service_tokens"][0]["revoked_at"].is_null(),
        "the other tenant could not revoke it"
    );
}

#[tokio::test]
async fn operator_credentials_are_not_tenant_tokens() {
    let app = TestApp::spawn().await;
    app.admin("Acme").await;

    let (status, body) = get(&app, "/v1/platform/apps", &app.operator_token).await;

    assert_eq!(status, 403, "{body}");
}
