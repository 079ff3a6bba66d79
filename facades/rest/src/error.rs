//! REST errors: the shared error model rendered as JSON with its HTTP status.

use axum::Json;
use axum::response::{IntoResponse, Response};
use gatehouse_proto::error::{ApiError, ErrorCode};

/// An error answered as `{"error": {"code", "message"}}` with the code's HTTP status.
#[derive(Debug)]
pub struct RestError(pub ApiError);

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
        (self.0.http_status(), Json(self.0.body())).into_response()
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
