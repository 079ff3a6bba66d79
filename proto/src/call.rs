//! Who is calling, carried from a facade or the CLI to the core in gRPC metadata.

use tonic::metadata::{AsciiMetadataValue, MetadataMap};

use crate::request_id;

/// The caller's bearer credential and request id, attached to every call to the core.
#[derive(Clone, Default)]
pub struct CallContext {
    bearer: Option<String>,
    request_id: Option<String>,
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("bearer", &self.bearer.as_ref().map(|_| "***"))
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl CallContext {
    /// A context that presents `bearer` (an operator credential or an access token).
    pub fn with_bearer(bearer: impl Into<String>) -> CallContext {
        CallContext {
            bearer: Some(bearer.into()),
            request_id: None,
        }
    }

    /// The same context, tagged with a request id.
    pub fn request_id(mut self, request_id: impl Into<String>) -> CallContext {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the context on an outgoing call. A credential that cannot travel in a header is
    /// left out, so the core answers `unauthenticated` rather than the client panicking.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        self.apply(request.metadata_mut());
        request
    }

    fn apply(&self, metadata: &mut MetadataMap) {
        if let Some(bearer) = &self.bearer
            && let Ok(value) = AsciiMetadataValue::try_from(format!("Bearer {bearer}"))
        {
            metadata.insert("authorization", value);
        }
        if let Some(id) = &self.request_id
            && let Ok(value) = AsciiMetadataValue::try_from(id.as_str())
        {
            metadata.insert(request_id::HEADER, value);
        }
    }
}
