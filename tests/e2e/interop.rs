//! An integrator's whole journey with standard libraries and nothing of ours: the `oauth2`
//! crate for the token, introspection and revocation endpoints it finds in the metadata
//! document, and `jsonwebtoken` to verify tokens against the published keys.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::BasicClient;
use oauth2::{
    AccessToken, ClientId, ClientSecret, IntrospectionUrl, RevocationUrl, Scope,
    StandardRevocableToken, TokenIntrospectionResponse, TokenResponse, TokenUrl,
};
use serde_json::{Value, json};

use crate::support::{TestApp, http_client};

/// The `oauth2` crate's HTTP hook, over reqwest. It also plays the TLS terminator that stands
/// in front of Gatehouse in production: the crate insists on an `https` revocation endpoint
/// (RFC 7009 §2), and the test server speaks plain HTTP on loopback.
async fn send(request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let mut request = reqwest::Request::try_from(request)?;
    if request.url().scheme() == "https" {
        let _ = request.url_mut().set_scheme("http");
    }
    let response = http_client().execute(request).await?;
    let mut out = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        out = out.header(name, value);
    }
    let body = response.bytes().await?.to_vec();
    Ok(out.body(body).unwrap_or_default())
}

fn claims_of(token: &str, jwks: &Value, issuer: &str) -> Value {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap();
    let key =
        DecodingKey::from_rsa_components(key["n"].as_str().unwrap(), key["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[issuer]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap()
        .claims
}

#[tokio::test]
async fn an_integrator_with_standard_libraries_registers_gets_verifies_introspects_and_revokes() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme").await;
    let metadata: Value = http_client()
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let endpoint = |name: &str| metadata[name].as_str().unwrap().to_owned();
    let client_for = |id: &str, secret: &str| {
        BasicClient::new(ClientId::new(id.to_owned()))
            .set_client_secret(ClientSecret::new(secret.to_owned()))
            .set_token_uri(TokenUrl::new(endpoint("token_endpoint")).unwrap())
            .set_introspection_url(
                IntrospectionUrl::new(endpoint("introspection_endpoint")).unwrap(),
            )
            .set_revocation_url(
                RevocationUrl::new(endpoint("revocation_endpoint").replacen("http:", "https:", 1))
                    .unwrap(),
            )
    };

    let admin = client_for(&tenant.client_id, &tenant.client_secret);
    let admin_token = admin
        .exchange_client_credentials()
        .request_async(&send)
        .await
        .unwrap();
    let registration = json!({
        "name": "Case sync connector",
        "grant_types": ["client_credentials"],
        "redirect_uris": [],
        "requested_scopes": ["webhooks:write", "events:read"],
    });
    let registered = app
        .register(admin_token.access_token().secret(), registration)
        .await;

    let integration = client_for(
        registered["client_id"].as_str().unwrap(),
        registered["client_secret"].as_str().unwrap(),
    );
    let issued = integration
        .exchange_client_credentials()
        .add_scope(Scope::new("webhooks:write".into()))
        .request_async(&send)
        .await
        .unwrap();
    assert_eq!(
        issued.scopes().unwrap(),
        &vec![Scope::new("webhooks:write".into())]
    );
    assert_eq!(issued.expires_in().unwrap().as_secs(), 3600);

    let jwks: Value = http_client()
        .get(endpoint("jwks_uri"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = claims_of(issued.access_token().secret(), &jwks, &endpoint("issuer"));
    assert_eq!(claims["client_id"], registered["client_id"]);
    assert_eq!(claims["tid"], tenant.tenant_id.as_str());
    assert_eq!(claims["scope"], "webhooks:write");

    let token = AccessToken::new(issued.access_token().secret().clone());
    let seen = integration
        .introspect(&token)
        .request_async(&send)
        .await
        .unwrap();
    assert!(seen.active());
    assert_eq!(
        seen.client_id().unwrap().as_str(),
        registered["client_id"].as_str().unwrap()
    );

    integration
        .revoke_token(StandardRevocableToken::AccessToken(token.clone()))
        .unwrap()
        .request_async(&send)
        .await
        .unwrap();
    let seen = integration
        .introspect(&token)
        .request_async(&send)
        .await
        .unwrap();
    assert!(!seen.active(), "revoked");
}
