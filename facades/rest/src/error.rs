//! REST errors: the shared error model as JSON, and as RFC 6749 §5.2 bodies on OAuth routes.

use axum::Json;
use axum::response::{IntoResponse, Response};
use gatehouse_proto::error::{ApiError, ErrorCode};
use http::{HeaderValue, header};

/// An error answered as `{"error": {"code", "message"}}` with the code's HTTP status.
#[derive(Debug)]
pub struct RestError(pub ApiError);

impl RestError {
    /// A request the facade itself finds invalid.
    pub fn invalid(message: impl Into<String>) -> RestError {
        RestError(ApiError::new(ErrorCode::InvalidArgument, message))
    }
}

impl From<tonic::Status> for RestError {
    fn from(status: tonic::Status) -> RestError {
        RestError(ApiError::from_status(&status))
    }
}

impl From<ApiError> for RestError {
    fn from(error: ApiError) -> RestError {
        RestError(error)
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let mut response = (self.0.http_status(), Json(self.0.body())).into_response();
        let headers = response.headers_mut();
        if self.0.code == ErrorCode::Unauthenticated {
            // RFC 6750 §3: say which scheme the resource expects.
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"gatehouse\""),
            );
        }
        retry_after(headers, &self.0);
        response
    }
}

/// An error of an OAuth endpoint: `{"error", "error_description"}` (RFC 6749 §5.2), never
/// cached, with a `Basic` challenge when client authentication failed.
#[derive(Debug)]
pub struct OAuthError(pub ApiError);

impl OAuthError {
    /// `invalid_request` with a description.
    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError(ApiError::new(ErrorCode::InvalidArgument, description))
    }

    /// `invalid_client` with a description.
    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError(ApiError::new(ErrorCode::InvalidClient, description))
    }
}

impl From<tonic::Status> for OAuthError {
    fn from(status: tonic::Status) -> OAuthError {
        OAuthError(ApiError::from_status(&status))
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = self.0.code.oauth_http_status();
        let mut response = (status, Json(self.0.oauth_body())).into_response();
        let headers = response.headers_mut();
        no_store(headers);
        if status == http::StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"gatehouse\", charset=\"UTF-8\""),
            );
        }
        retry_after(headers, &self.0);
        response
    }
}

/// Marks a response as never to be stored (RFC 6749 §5.1).
pub(crate) fn no_store(headers: &mut http::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

fn retry_after(headers: &mut http::HeaderMap, error: &ApiError) {
    if let Some(seconds) = error.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
}

pub(crate) async fn not_found() -> RestError {
    RestError(ApiError::new(ErrorCode::NotFound, "no such route"))
}

pub(crate) async fn method_not_allowed() -> Response {
    let error = ApiError::new(
        ErrorCode::InvalidArgument,
        "method not allowed on this route",
    );
    (http::StatusCode::METHOD_NOT_ALLOWED, Json(error.body())).into_response()
}
