//! The REST facade's own routes and conventions.

use serde_json::Value;

use crate::support::{TestApp, http_client};

#[tokio::test]
async fn healthz_says_alive_and_readyz_says_ready_once_the_core_serves() {
    let app = TestApp::spawn().await;
    let client = http_client();

    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.unwrap()["status"], "ok");

    let ready = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_plain_caller_id_is_echoed() {
    let app = TestApp::spawn().await;
    let client = http_client();

    let generated = client.get(app.url("/healthz")).send().await.unwrap();
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32);

    let echoed = client
        .get(app.url("/readyz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");

    let replaced = client
        .get(app.url("/nowhere"))
        .header("x-request-id", "has spaces=forged")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "has spaces=forged");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let app = TestApp::spawn().await;
    let client = http_client();

    let missing = client.get(app.url("/v1/nope")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/json");
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let wrong_method = client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(wrong_method.status(), 405);
    let body: Value = wrong_method.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_argument");
}

#[tokio::test]
async fn api_docs_serves_the_openapi_document_of_every_route() {
    let app = TestApp::spawn().await;

    let response = http_client()
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let served: Value = response.json().await.unwrap();
    let generated: Value =
        serde_json::from_str(&gatehouse_rest::openapi().to_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    assert_eq!(served["openapi"], "3.1.0");
    assert!(served["paths"]["/v1/oauth/token"]["post"].is_object());
}
