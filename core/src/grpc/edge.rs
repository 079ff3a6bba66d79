//! The edge of the core: request ids, a span per call, and authentication of every call but
//! the health check.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use gatehouse_proto::request_id;
use http::HeaderValue;
use tonic::body::Body;
use tower::{Layer, Service};
use tracing::Instrument;

use crate::service::auth::Authenticator;

/// Paths served without a bearer credential: the standard health service, for probes; the
/// OAuth endpoints, whose callers authenticate with client credentials in the message; and the
/// public key set. An entry ending in `/` names a whole service.
const PUBLIC: &[&str] = &[
    "/grpc.health.v1.Health/",
    "/gatehouse.v1.OauthService/",
    "/gatehouse.v1.KeyService/GetJwks",
];

/// Wraps a gRPC router in the [`Edge`].
#[derive(Debug, Clone)]
pub struct EdgeLayer {
    auth: Arc<Authenticator>,
}

impl EdgeLayer {
    /// An edge that authenticates with `auth`.
    pub fn new(auth: Authenticator) -> EdgeLayer {
        EdgeLayer {
            auth: Arc::new(auth),
        }
    }
}

impl<S> Layer<S> for EdgeLayer {
    type Service = Edge<S>;

    fn layer(&self, inner: S) -> Edge<S> {
        Edge {
            inner,
            auth: self.auth.clone(),
        }
    }
}

/// See [`EdgeLayer`].
#[derive(Debug, Clone)]
pub struct Edge<S> {
    inner: S,
    auth: Arc<Authenticator>,
}

fn is_public(path: &str) -> bool {
    PUBLIC.iter().any(|entry| {
        if entry.ends_with('/') {
            path.starts_with(entry)
        } else {
            path == *entry
        }
    })
}

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for Edge<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let ready = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, ready);
        let auth = self.auth.clone();
        let request_id = request_id::accept_or_generate(request.headers());
        let span = tracing::info_span!(
            "grpc",
            method = %request.uri().path(),
            request_id = %request_id,
        );
        Box::pin(handle(inner, auth, request, request_id).instrument(span))
    }
}

async fn handle<S, B>(
    mut inner: S,
    auth: Arc<Authenticator>,
    mut request: http::Request<B>,
    request_id: String,
) -> Result<http::Response<Body>, Infallible>
where
    S: Service<http::Request<B>, Response = http::Response<Body>, Error = Infallible>,
{
    let started = Instant::now();
    let path = request.uri().path();
    let public = is_public(path);

    let mut response = if public {
        inner.call(request).await?
    } else {
        let authorization = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        match auth.authenticate(authorization).await {
            Ok(principal) => {
                request.extensions_mut().insert(principal);
                inner.call(request).await?
            }
            Err(err) => super::status(err).into_http(),
        }
    };

    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(request_id::HEADER, value);
    }
    tracing::debug!(
        elapsed_us = started.elapsed().as_micros(),
        "grpc call finished"
    );
    Ok(response)
}
