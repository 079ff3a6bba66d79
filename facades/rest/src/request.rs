//! Per-request plumbing: request id, a span, and the caller's credential for the core.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use gatehouse_proto::call::CallContext;
use gatehouse_proto::request_id;
use http::HeaderValue;
use tracing::Instrument;

/// The request id of the current request, set by [`edge`].
#[derive(Debug, Clone)]
struct RequestId(String);

/// Assigns the request id, opens the request's span, and echoes the id in the response.
pub(crate) async fn edge(mut request: Request, next: Next) -> Response {
    let id = request_id::accept_or_generate(request.headers());
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "http",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    );
    async move {
        let started = Instant::now();
        let mut response = next.run(request).await;
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(request_id::HEADER, value);
        }
        tracing::debug!(
            status = response.status().as_u16(),
            elapsed_us = started.elapsed().as_micros(),
            "http request finished"
        );
        response
    }
    .instrument(span)
    .await
}

/// The caller as the core will see it: their bearer credential, if any, the request id, and
/// the network address the request came from.
#[derive(Debug, Clone)]
pub struct Caller {
    context: CallContext,
    address: Option<String>,
}

impl Caller {
    /// A core request carrying the caller's context.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        self.context.request(message)
    }

    /// The peer address, for throttling.
    pub fn address(&self) -> String {
        self.address.clone().unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Caller, Infallible> {
        let bearer = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned());
        let mut context = match bearer {
            Some(token) => CallContext::with_bearer(token),
            None => CallContext::default(),
        };
        if let Some(RequestId(id)) = parts.extensions.get::<RequestId>() {
            context = context.request_id(id.clone());
        }
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip().to_string());
        Ok(Caller { context, address })
    }
}
