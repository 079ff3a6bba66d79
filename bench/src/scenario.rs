//! The requests each scenario sends, built once, and what counts as a success.

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::Full;
use hyper::body::Bytes;
use url::form_urlencoded;

use crate::cli::{JwksArgs, TokenArgs};

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/v1/oauth/token";

/// A request template and the rule that judges its responses.
pub struct Scenario {
    /// Name printed in the report.
    pub name: &'static str,
    method: Method,
    /// `host:port` to connect to.
    address: String,
    /// The origin-form request target (RFC 9112 §3.2.1): the path, with `Host` in `headers`.
    target: Uri,
    headers: HeaderMap,
    body: Bytes,
    expects_token: bool,
}

/// Why a response that arrived is not a success.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Any status other than 200, with the start of the body.
    Status(StatusCode, String),
    /// A 200 whose body is not JSON holding `access_token`.
    NoAccessToken,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::Status(status, body) => write!(f, "HTTP {status}: {body}"),
            Rejection::NoAccessToken => f.write_str("HTTP 200 without access_token in the body"),
        }
    }
}

/// Bytes of an error body quoted in a report.
const QUOTED_BODY_BYTES: usize = 200;

impl Scenario {
    /// Client-credentials token requests, authenticated by HTTP Basic (RFC 6749 §4.4.2).
    pub fn token(base_url: &str, args: &TokenArgs) -> anyhow::Result<Scenario> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if let Some(scope) = &args.scope {
            form.append_pair("scope", scope);
        }

        let mut authorization = HeaderValue::try_from(basic_authorization(
            &args.client_id,
            args.client_secret.expose(),
        ))
        .context("Failed to build the Authorization header")?;
        authorization.set_sensitive(true);
        let endpoint = Endpoint::parse(base_url, TOKEN_PATH)?;
        let mut headers = endpoint.headers()?;
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(AUTHORIZATION, authorization);

        Ok(Scenario {
            name: "token",
            method: Method::POST,
            address: endpoint.address,
            target: endpoint.target,
            headers,
            body: Bytes::from(form.finish()),
            expects_token: true,
        })
    }

    /// Signing-key set requests.
    pub fn jwks(base_url: &str, args: &JwksArgs) -> anyhow::Result<Scenario> {
        let endpoint = Endpoint::parse(base_url, &args.path)?;
        Ok(Scenario {
            name: "jwks",
            method: Method::GET,
            headers: endpoint.headers()?,
            address: endpoint.address,
            target: endpoint.target,
            body: Bytes::new(),
            expects_token: false,
        })
    }

    /// The `host:port` the requests go to.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// A fresh request from the template; the body is shared, not copied.
    pub fn request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.target.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }

    /// Whether a response is a success. A success body is never quoted: it holds a token.
    pub fn judge(&self, status: StatusCode, body: &[u8]) -> Result<(), Rejection> {
        if status != StatusCode::OK {
            let quoted = &body[..body.len().min(QUOTED_BODY_BYTES)];
            return Err(Rejection::Status(
                status,
                String::from_utf8_lossy(quoted).into_owned(),
            ));
        }
        if self.expects_token && !holds_access_token(body) {
            return Err(Rejection::NoAccessToken);
        }
        Ok(())
    }
}

/// `Basic base64(urlencode(client_id) ":" urlencode(client_secret))`: RFC 6749 §2.3.1 has
/// each part form-urlencoded (Appendix B) before they are joined.
pub fn basic_authorization(client_id: &str, client_secret: &str) -> String {
    let mut credentials = String::new();
    credentials.extend(form_urlencoded::byte_serialize(client_id.as_bytes()));
    credentials.push(':');
    credentials.extend(form_urlencoded::byte_serialize(client_secret.as_bytes()));
    format!("Basic {}", STANDARD.encode(credentials))
}

fn holds_access_token(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct TokenResponse {
        #[serde(rename = "access_token")]
        _access_token: serde::de::IgnoredAny,
    }
    serde_json::from_slice::<TokenResponse>(body).is_ok()
}

/// Where a scenario's requests go.
struct Endpoint {
    address: String,
    host: String,
    target: Uri,
}

impl Endpoint {
    /// `base_url` (plain `http://host[:port]`) joined with the absolute `path`.
    fn parse(base_url: &str, path: &str) -> anyhow::Result<Endpoint> {
        if !path.starts_with('/') {
            bail!("path {path:?} must start with '/'");
        }
        let url = format!("{}{path}", base_url.trim_end_matches('/'));
        let uri: Uri = url
            .parse()
            .with_context(|| format!("Failed to parse URL {url:?}"))?;
        let (Some("http"), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            bail!("URL {url:?} must be plain http://host:port");
        };
        let port = authority.port_u16().unwrap_or(80);
        let target = uri
            .path_and_query()
            .map_or("/", |target| target.as_str())
            .parse()
            .with_context(|| format!("Failed to parse the path of {url:?}"))?;
        Ok(Endpoint {
            address: format!("{}:{port}", authority.host()),
            host: authority.as_str().to_owned(),
            target,
        })
    }

    fn headers(&self) -> anyhow::Result<HeaderMap> {
        let host = HeaderValue::try_from(self.host.as_str()).context("Failed to build Host")?;
        Ok(HeaderMap::from_iter([(HOST, host)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ClientSecret;

    fn token_args(scope: Option<&str>) -> TokenArgs {
        TokenArgs {
            client_id: "app_1".to_owned(),
            client_secret: ClientSecret::from("gcs_secret".to_owned()),
            scope: scope.map(str::to_owned),
        }
    }

    #[test]
    fn basic_credentials_are_form_urlencoded_before_joining() {
        let header = basic_authorization("app:1 é", "s3cr+t/&=%");

        assert_eq!(
            header,
            "Basic YXBwJTNBMSslQzMlQTk6czNjciUyQnQlMkYlMjYlM0QlMjU="
        );
    }

    #[test]
    fn plain_credentials_pass_through_unchanged() {
        let header = basic_authorization("app_1", "gcs_secret");

        assert_eq!(
            header,
            format!("Basic {}", STANDARD.encode("app_1:gcs_secret"))
        );
    }

    #[test]
    fn the_token_request_is_a_form_post_with_an_encoded_scope() {
        let scenario =
            Scenario::token("http://127.0.0.1:8080/", &token_args(Some("a:b c"))).unwrap();
        let request = scenario.request();

        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/v1/oauth/token");
        assert_eq!(request.headers()[HOST], "127.0.0.1:8080");
        assert_eq!(scenario.address(), "127.0.0.1:8080");
        assert_eq!(
            request.headers()[CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(scenario.body, "grant_type=client_credentials&scope=a%3Ab+c");
        assert!(!format!("{:?}", request.headers()).contains(&STANDARD.encode("app_1:gcs_secret")));
    }

    #[test]
    fn a_token_success_needs_an_access_token() {
        let scenario = Scenario::token("http://127.0.0.1:8080", &token_args(None)).unwrap();

        assert_eq!(
            scenario.judge(StatusCode::OK, br#"{"access_token":"x"}"#),
            Ok(())
        );
        assert_eq!(
            scenario.judge(StatusCode::OK, b"{}"),
            Err(Rejection::NoAccessToken)
        );
        assert_eq!(
            scenario.judge(StatusCode::NOT_FOUND, b"no route"),
            Err(Rejection::Status(
                StatusCode::NOT_FOUND,
                "no route".to_owned()
            ))
        );
    }

    #[test]
    fn only_plain_http_urls_and_absolute_paths_are_accepted() {
        let jwks = |url: &str, path: &str| {
            Scenario::jwks(
                url,
                &JwksArgs {
                    path: path.to_owned(),
                },
            )
        };

        assert!(jwks("http://127.0.0.1:8080", "/healthz").is_ok());
        assert!(jwks("https://127.0.0.1:8080", "/healthz").is_err());
        assert!(jwks("http://127.0.0.1:8080", "healthz").is_err());
        assert_eq!(
            jwks("http://localhost", "/healthz").unwrap().address(),
            "localhost:80"
        );
    }
}
