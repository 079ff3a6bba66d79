//! The one error model: each public error code with its gRPC code, HTTP status and JSON body.
//!
//! The core turns its errors into an [`ApiError`] and sends it as a gRPC status; facades and the
//! CLI read the status back with [`ApiError::from_status`], so a code means the same thing on
//! every surface.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use tonic::metadata::MetadataValue;

/// Metadata key that carries the public error code next to the gRPC status.
pub const ERROR_CODE_METADATA: &str = "gatehouse-error-code";
/// Metadata key that carries how many seconds to wait before retrying.
pub const RETRY_AFTER_METADATA: &str = "retry-after";

/// A public error code, stable across gRPC, REST and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed or a field fails validation.
    InvalidArgument,
    /// No credential, or one that does not verify.
    Unauthenticated,
    /// The caller is known but may not do this.
    PermissionDenied,
    /// The record does not exist, or belongs to another tenant.
    NotFound,
    /// A record with the same identity exists already.
    AlreadyExists,
    /// The record is not in a state that allows this.
    FailedPrecondition,
    /// Too many requests; retry later.
    RateLimited,
    /// A dependency (the database, the core) cannot be reached right now.
    Unavailable,
    /// A fault on our side; the detail is in the server log, never in the response.
    Internal,
    /// OAuth: client authentication failed (RFC 6749 §5.2).
    InvalidClient,
    /// OAuth: the grant or refresh token is invalid, expired or revoked (RFC 6749 §5.2).
    InvalidGrant,
    /// OAuth: the client may not use this grant type (RFC 6749 §5.2).
    UnauthorizedClient,
    /// OAuth: the grant type is not supported (RFC 6749 §5.2).
    UnsupportedGrantType,
    /// OAuth: the requested scope is invalid, unknown or beyond what was approved (RFC 6749 §5.2).
    InvalidScope,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::InvalidArgument,
        ErrorCode::Unauthenticated,
        ErrorCode::PermissionDenied,
        ErrorCode::NotFound,
        ErrorCode::AlreadyExists,
        ErrorCode::FailedPrecondition,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
        ErrorCode::InvalidClient,
        ErrorCode::InvalidGrant,
        ErrorCode::UnauthorizedClient,
        ErrorCode::UnsupportedGrantType,
        ErrorCode::InvalidScope,
    ];

    /// The code as it appears in JSON bodies and gRPC metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::FailedPrecondition => "failed_precondition",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
        }
    }

    /// Parses [`ErrorCode::as_str`] back.
    pub fn parse(value: &str) -> Option<ErrorCode> {
        ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == value)
    }

    /// The gRPC status code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
    pub fn grpc_code(self) -> tonic::Code {
        match self {
            ErrorCode::InvalidArgument => tonic::Code::InvalidArgument,
            ErrorCode::Unauthenticated => tonic::Code::Unauthenticated,
            ErrorCode::PermissionDenied => tonic::Code::PermissionDenied,
            ErrorCode::NotFound => tonic::Code::NotFound,
            ErrorCode::AlreadyExists => tonic::Code::AlreadyExists,
            ErrorCode::FailedPrecondition => tonic::Code::FailedPrecondition,
            ErrorCode::RateLimited => tonic::Code::ResourceExhausted,
            ErrorCode::Unavailable => tonic::Code::Unavailable,
            ErrorCode::Internal => tonic::Code::Internal,
            ErrorCode::InvalidClient => tonic::Code::Unauthenticated,
            ErrorCode::InvalidGrant => tonic::Code::InvalidArgument,
            ErrorCode::UnauthorizedClient => tonic::Code::PermissionDenied,
            ErrorCode::UnsupportedGrantType => tonic::Code::InvalidArgument,
            ErrorCode::InvalidScope => tonic::Code::InvalidArgument,
        }
    }

    /// The HTTP status a REST response carries for this code.
    pub fn http_status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidArgument => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::PermissionDenied => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::AlreadyExists => StatusCode::CONFLICT,
            ErrorCode::FailedPrecondition => StatusCode::CONFLICT,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidGrant
            | ErrorCode::UnauthorizedClient
            | ErrorCode::UnsupportedGrantType
            | ErrorCode::InvalidScope => StatusCode::BAD_REQUEST,
        }
    }

    /// The `error` value of an OAuth error response (RFC 6749 §5.2, RFC 7009 §2.2.1): codes
    /// outside OAuth's own set become their nearest OAuth equivalent.
    pub fn oauth_error(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument | ErrorCode::NotFound | ErrorCode::AlreadyExists => {
                "invalid_request"
            }
            ErrorCode::Unauthenticated => "invalid_client",
            ErrorCode::PermissionDenied | ErrorCode::FailedPrecondition => "unauthorized_client",
            ErrorCode::RateLimited | ErrorCode::Unavailable => "temporarily_unavailable",
            ErrorCode::Internal => "server_error",
            ErrorCode::InvalidClient
            | ErrorCode::InvalidGrant
            | ErrorCode::UnauthorizedClient
            | ErrorCode::UnsupportedGrantType
            | ErrorCode::InvalidScope => self.as_str(),
        }
    }

    /// The HTTP status of an OAuth error response: 401 for client authentication, 400 for the
    /// rest of RFC 6749's codes, and the usual status for throttling and faults.
    pub fn oauth_http_status(self) -> StatusCode {
        match self {
            ErrorCode::Unauthenticated | ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
            ErrorCode::RateLimited | ErrorCode::Unavailable | ErrorCode::Internal => {
                self.http_status()
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The code for a status that did not come from the core (a transport failure, say).
    fn from_grpc_code(code: tonic::Code) -> ErrorCode {
        match code {
            tonic::Code::InvalidArgument | tonic::Code::OutOfRange => ErrorCode::InvalidArgument,
            tonic::Code::Unauthenticated => ErrorCode::Unauthenticated,
            tonic::Code::PermissionDenied => ErrorCode::PermissionDenied,
            tonic::Code::NotFound => ErrorCode::NotFound,
            tonic::Code::AlreadyExists => ErrorCode::AlreadyExists,
            tonic::Code::FailedPrecondition | tonic::Code::Aborted => ErrorCode::FailedPrecondition,
            tonic::Code::ResourceExhausted => ErrorCode::RateLimited,
            tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled => {
                ErrorCode::Unavailable
            }
            _ => ErrorCode::Internal,
        }
    }

    /// The message shown when the detail must not, or cannot, be passed on.
    pub fn generic_message(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "the request is invalid",
            ErrorCode::Unauthenticated => "missing or invalid credentials",
            ErrorCode::PermissionDenied => "not allowed",
            ErrorCode::NotFound => "not found",
            ErrorCode::AlreadyExists => "already exists",
            ErrorCode::FailedPrecondition => "not allowed in the current state",
            ErrorCode::RateLimited => "too many requests, retry later",
            ErrorCode::Unavailable => "temporarily unavailable, retry later",
            ErrorCode::Internal => "internal error",
            ErrorCode::InvalidClient => "client authentication failed",
            ErrorCode::InvalidGrant => "the grant is invalid, expired or revoked",
            ErrorCode::UnauthorizedClient => "the client may not use this grant type",
            ErrorCode::UnsupportedGrantType => "unsupported grant_type",
            ErrorCode::InvalidScope => "the requested scope is invalid",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as a client sees it: a stable code and a message safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ApiError {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable message without internal detail.
    pub message: String,
    /// Seconds to wait before retrying, for [`ErrorCode::RateLimited`].
    pub retry_after: Option<u64>,
}

/// The JSON body of an OAuth error (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    /// The OAuth error code.
    pub error: String,
    /// A human-readable description.
    pub error_description: String,
}

/// The JSON body of a REST error: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The `error` member of [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error with a message of its own.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error, telling the client to wait `seconds` before retrying.
    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// An error with the code's generic message.
    pub fn generic(code: ErrorCode) -> ApiError {
        ApiError::new(code, code.generic_message())
    }

    /// The gRPC status the core answers with.
    pub fn to_status(&self) -> tonic::Status {
        let mut status = tonic::Status::new(self.code.grpc_code(), self.message.clone());
        status.metadata_mut().insert(
            ERROR_CODE_METADATA,
            MetadataValue::from_static(self.code.as_str()),
        );
        if let Some(seconds) = self.retry_after {
            status
                .metadata_mut()
                .insert(RETRY_AFTER_METADATA, MetadataValue::from(seconds));
        }
        status
    }

    /// Reads a status back. A status without our metadata did not come from the core: its
    /// message may hold transport detail, so only the code's generic message is kept.
    pub fn from_status(status: &tonic::Status) -> ApiError {
        let tagged = status
            .metadata()
            .get(ERROR_CODE_METADATA)
            .and_then(|value| value.to_str().ok())
            .and_then(ErrorCode::parse);
        let Some(code) = tagged else {
            return ApiError::generic(ErrorCode::from_grpc_code(status.code()));
        };
        let retry_after = status
            .metadata()
            .get(RETRY_AFTER_METADATA)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok());
        ApiError {
            code,
            message: status.message().to_owned(),
            retry_after,
        }
    }

    /// The REST status.
    pub fn http_status(&self) -> StatusCode {
        self.code.http_status()
    }

    /// The body of an OAuth endpoint's error response.
    pub fn oauth_body(&self) -> OAuthErrorBody {
        OAuthErrorBody {
            error: self.code.oauth_error().to_owned(),
            error_description: self.message.clone(),
        }
    }

    /// The REST body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
            },
        }
    }
}

impl From<tonic::Status> for ApiError {
    fn from(status: tonic::Status) -> ApiError {
        ApiError::from_status(&status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_survives_the_trip_through_a_grpc_status() {
        for code in ErrorCode::ALL {
            let sent = ApiError::new(code, format!("detail for {code}"));
            let status = sent.to_status();
            assert_eq!(status.code(), code.grpc_code());
            assert_eq!(ApiError::from_status(&status), sent);
        }
    }

    #[test]
    fn every_code_has_its_own_http_status_and_json_shape() {
        let expected = [
            (ErrorCode::InvalidArgument, 400),
            (ErrorCode::Unauthenticated, 401),
            (ErrorCode::PermissionDenied, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::AlreadyExists, 409),
            (ErrorCode::FailedPrecondition, 409),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::Unavailable, 503),
            (ErrorCode::Internal, 500),
            (ErrorCode::InvalidClient, 401),
            (ErrorCode::InvalidGrant, 400),
            (ErrorCode::UnauthorizedClient, 400),
            (ErrorCode::UnsupportedGrantType, 400),
            (ErrorCode::InvalidScope, 400),
        ];
        assert_eq!(expected.len(), ErrorCode::ALL.len());
        for (code, status) in expected {
            let error = ApiError::generic(code);
            assert_eq!(error.http_status().as_u16(), status, "{code}");
            let body = serde_json::to_value(error.body()).unwrap_or_default();
            assert_eq!(body["error"]["code"], code.as_str());
            assert_eq!(body["error"]["message"], code.generic_message());
        }
    }

    #[test]
    fn a_retry_delay_travels_with_the_status() {
        let sent = ApiError::generic(ErrorCode::RateLimited).with_retry_after(42);
        assert_eq!(
            ApiError::from_status(&sent.to_status()).retry_after,
            Some(42)
        );
    }

    #[test]
    fn a_status_from_outside_the_core_keeps_only_a_generic_message() {
        let status = tonic::Status::unavailable("tcp connect error: 127.0.0.1:1 refused");
        let error = ApiError::from_status(&status);
        assert_eq!(error.code, ErrorCode::Unavailable);
        assert_eq!(error.message, ErrorCode::Unavailable.generic_message());
    }

    #[test]
    fn every_code_has_an_rfc_6749_form_for_oauth_endpoints() {
        let rfc_6749_codes = [
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "unsupported_grant_type",
            "invalid_scope",
            "temporarily_unavailable",
            "server_error",
        ];
        for code in ErrorCode::ALL {
            let body = ApiError::generic(code).oauth_body();
            assert!(
                rfc_6749_codes.contains(&body.error.as_str()),
                "{code}: {}",
                body.error
            );
            let status = code.oauth_http_status().as_u16();
            let expected = match body.error.as_str() {
                "invalid_client" => 401,
                "temporarily_unavailable" => code.http_status().as_u16(),
                "server_error" => 500,
                _ => 400,
            };
            assert_eq!(status, expected, "{code}");
        }
    }

    #[test]
    fn codes_parse_back_from_their_names() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("teapot"), None);
    }
}
