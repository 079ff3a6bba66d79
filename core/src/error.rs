//! Errors of the core, and how each is shown to a client through the shared error model.

use gatehouse_proto::error::{ApiError, ErrorCode};

use crate::storage::StorageError;

/// Everything a core operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A field of the request fails validation.
    #[error("{field}: {reason}")]
    InvalidArgument {
        /// The field, as named in the API.
        field: &'static str,
        /// Why it is invalid, safe to show.
        reason: String,
    },
    /// No credential, or one that does not verify.
    #[error("missing or invalid credentials")]
    Unauthenticated,
    /// The caller may not do this.
    #[error("{0}")]
    PermissionDenied(String),
    /// The record does not exist, or belongs to another tenant: the two look the same.
    #[error("{resource} not found")]
    NotFound {
        /// What was looked for.
        resource: &'static str,
    },
    /// A record with the same identity exists.
    #[error("{resource} already exists")]
    AlreadyExists {
        /// What collided.
        resource: &'static str,
    },
    /// The record is not in a state that allows this.
    #[error("{0}")]
    FailedPrecondition(String),
    /// Too many failed attempts; the caller must wait.
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after_secs: u64,
    },
    /// An OAuth error (RFC 6749 §5.2), `code` being one of OAuth's own codes.
    #[error("{description}")]
    OAuth {
        /// The OAuth error code.
        code: ErrorCode,
        /// What went wrong, safe to show.
        description: String,
    },
    /// The database cannot be reached.
    #[error("storage unavailable: {0}")]
    Unavailable(#[source] StorageError),
    /// A fault on our side.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// Shorthand for [`CoreError::InvalidArgument`].
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> CoreError {
        CoreError::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    /// The error as a client sees it. Storage and internal detail stay behind.
    pub fn public(&self) -> ApiError {
        match self {
            CoreError::InvalidArgument { .. } => {
                ApiError::new(ErrorCode::InvalidArgument, self.to_string())
            }
            CoreError::Unauthenticated => ApiError::generic(ErrorCode::Unauthenticated),
            CoreError::PermissionDenied(why) => {
                ApiError::new(ErrorCode::PermissionDenied, why.clone())
            }
            CoreError::FailedPrecondition(why) => {
                ApiError::new(ErrorCode::FailedPrecondition, why.clone())
            }
            CoreError::RateLimited { retry_after_secs } => {
                ApiError::new(ErrorCode::RateLimited, self.to_string())
                    .with_retry_after(*retry_after_secs)
            }
            CoreError::OAuth { code, description } => ApiError::new(*code, description.clone()),
            CoreError::NotFound { .. } => ApiError::new(ErrorCode::NotFound, self.to_string()),
            CoreError::AlreadyExists { .. } => {
                ApiError::new(ErrorCode::AlreadyExists, self.to_string())
            }
            CoreError::Unavailable(_) => ApiError::generic(ErrorCode::Unavailable),
            CoreError::Internal(_) => ApiError::generic(ErrorCode::Internal),
        }
    }

    /// Shorthand for [`CoreError::OAuth`].
    pub fn oauth(code: ErrorCode, description: impl Into<String>) -> CoreError {
        CoreError::OAuth {
            code,
            description: description.into(),
        }
    }

    /// Shorthand for [`CoreError::PermissionDenied`].
    pub fn denied(why: impl Into<String>) -> CoreError {
        CoreError::PermissionDenied(why.into())
    }

    /// Whether an operator must look at this error.
    pub fn is_fault(&self) -> bool {
        matches!(self, CoreError::Unavailable(_) | CoreError::Internal(_))
    }
}

impl From<StorageError> for CoreError {
    fn from(err: StorageError) -> CoreError {
        match err {
            StorageError::Unavailable(_) => CoreError::Unavailable(err),
            StorageError::Conflict(resource) => CoreError::AlreadyExists { resource },
            other => CoreError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_variant() -> Vec<(CoreError, ErrorCode)> {
        vec![
            (
                CoreError::invalid("name", "must not be empty"),
                ErrorCode::InvalidArgument,
            ),
            (CoreError::Unauthenticated, ErrorCode::Unauthenticated),
            (
                CoreError::denied("operators only"),
                ErrorCode::PermissionDenied,
            ),
            (
                CoreError::FailedPrecondition("service tokens are not allowed".into()),
                ErrorCode::FailedPrecondition,
            ),
            (
                CoreError::RateLimited {
                    retry_after_secs: 30,
                },
                ErrorCode::RateLimited,
            ),
            (
                CoreError::oauth(ErrorCode::InvalidClient, "client authentication failed"),
                ErrorCode::InvalidClient,
            ),
            (
                CoreError::oauth(ErrorCode::InvalidScope, "scope not approved"),
                ErrorCode::InvalidScope,
            ),
            (
                CoreError::NotFound { resource: "tenant" },
                ErrorCode::NotFound,
            ),
            (
                CoreError::AlreadyExists { resource: "tenant" },
                ErrorCode::AlreadyExists,
            ),
            (
                CoreError::Unavailable(StorageError::Unavailable("pool timed out".into())),
                ErrorCode::Unavailable,
            ),
            (
                CoreError::Internal("row 7 holds malformed JSON".into()),
                ErrorCode::Internal,
            ),
        ]
    }

    #[test]
    fn every_variant_maps_to_its_code_grpc_status_and_http_status() {
        for (err, code) in every_variant() {
            let public = err.public();
            assert_eq!(public.code, code, "{err:?}");
            assert_eq!(public.to_status().code(), code.grpc_code());
            assert_eq!(public.http_status(), code.http_status());
        }
    }

    #[test]
    fn faults_never_show_their_detail() {
        for (err, _) in every_variant()
            .into_iter()
            .filter(|(err, _)| err.is_fault())
        {
            let public = err.public();
            assert_eq!(public.message, public.code.generic_message());
            assert!(!public.message.contains("pool"), "{}", public.message);
            assert!(!public.message.contains("row 7"), "{}", public.message);
        }
    }

    #[test]
    fn validation_messages_name_the_field() {
        let public = CoreError::invalid("name", "must not be empty").public();
        assert_eq!(public.message, "name: must not be empty");
    }

    #[test]
    fn throttling_tells_when_to_retry() {
        let public = CoreError::RateLimited {
            retry_after_secs: 30,
        }
        .public();
        assert_eq!(public.retry_after, Some(30));
    }

    #[test]
    fn a_unique_violation_becomes_already_exists() {
        let err = CoreError::from(StorageError::Conflict("tenant"));
        assert_eq!(err.public().code, ErrorCode::AlreadyExists);
    }
}
