//! One channel type for reaching the core: over gRPC on a socket, or in-process.

use std::time::Duration;

use tonic::body::Body;
use tower::util::BoxCloneSyncService;
use tower::{BoxError, ServiceExt};

use crate::v1::app_service_client::AppServiceClient;
use crate::v1::key_service_client::KeyServiceClient;
use crate::v1::oauth_service_client::OauthServiceClient;
use crate::v1::scope_service_client::ScopeServiceClient;
use crate::v1::tenant_service_client::TenantServiceClient;

/// A channel to the core. Facades hold this and never know whether the core is remote.
pub type CoreChannel = BoxCloneSyncService<http::Request<Body>, http::Response<Body>, ChannelError>;

/// A failure to reach the core at all (no gRPC status came back).
///
/// A concrete type rather than a bare `BoxError`, which keeps handler futures provably `Send`.
#[derive(Debug, thiserror::Error)]
#[error("core channel: {0}")]
pub struct ChannelError(BoxError);

/// Why a core URL cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid core URL {url:?}: {reason}")]
pub struct InvalidCoreUrl {
    url: String,
    reason: String,
}

/// A channel to a core at `url` (`http://host:port`). It connects on first use and reconnects
/// after failures, so a facade can start before its core does.
pub fn connect_lazy(url: &str) -> Result<CoreChannel, InvalidCoreUrl> {
    let invalid = |reason: String| InvalidCoreUrl {
        url: url.to_owned(),
        reason,
    };
    let parsed: http::Uri = url
        .parse()
        .map_err(|err: http::uri::InvalidUri| invalid(err.to_string()))?;
    if parsed.scheme_str() != Some("http") || parsed.host().is_none() {
        return Err(invalid("expected http://host:port".to_owned()));
    }
    let endpoint = tonic::transport::Endpoint::from(parsed)
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30));
    let channel = endpoint.connect_lazy();
    Ok(BoxCloneSyncService::new(
        channel.map_err(|err| ChannelError(BoxError::from(err))),
    ))
}

/// A channel over any in-process service, such as the core's layered gRPC router.
pub fn in_process<S>(service: S) -> CoreChannel
where
    S: tower::Service<http::Request<Body>, Response = http::Response<Body>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    BoxCloneSyncService::new(service.map_err(|err| ChannelError(err.into())))
}

/// Generated clients over one [`CoreChannel`].
#[derive(Clone)]
pub struct CoreClient {
    channel: CoreChannel,
}

impl CoreClient {
    /// Clients over `channel`.
    pub fn new(channel: CoreChannel) -> CoreClient {
        CoreClient { channel }
    }

    /// The tenant service.
    pub fn tenants(&self) -> TenantServiceClient<CoreChannel> {
        TenantServiceClient::new(self.channel.clone())
    }

    /// The scope catalog.
    pub fn scopes(&self) -> ScopeServiceClient<CoreChannel> {
        ScopeServiceClient::new(self.channel.clone())
    }

    /// Apps.
    pub fn apps(&self) -> AppServiceClient<CoreChannel> {
        AppServiceClient::new(self.channel.clone())
    }

    /// The OAuth endpoints.
    pub fn oauth(&self) -> OauthServiceClient<CoreChannel> {
        OauthServiceClient::new(self.channel.clone())
    }

    /// Signing keys and the JWKS.
    pub fn keys(&self) -> KeyServiceClient<CoreChannel> {
        KeyServiceClient::new(self.channel.clone())
    }

    /// The standard `grpc.health.v1` service.
    pub fn health(&self) -> tonic_health::pb::health_client::HealthClient<CoreChannel> {
        tonic_health::pb::health_client::HealthClient::new(self.channel.clone())
    }
}
