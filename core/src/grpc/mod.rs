//! The core's gRPC surface: one router, wrapped in the same edge whether it is served on a
//! socket or called in-process.

mod apps;
mod edge;
mod health;
mod keys;
mod oauth;
mod scopes;
mod tenants;

use gatehouse_proto::error::ApiError;
use gatehouse_proto::v1::app_service_server::AppServiceServer;
use gatehouse_proto::v1::key_service_server::KeyServiceServer;
use gatehouse_proto::v1::oauth_service_server::OauthServiceServer;
use gatehouse_proto::v1::scope_service_server::ScopeServiceServer;
use gatehouse_proto::v1::tenant_service_server::TenantServiceServer;
use tonic::service::Routes;

pub use edge::{Edge, EdgeLayer};
pub use health::CoreHealth;

use crate::domain::principal::Principal;
use crate::error::CoreError;
use crate::service::apps::Apps;
use crate::service::keys::SigningKeys;
use crate::service::oauth::OAuth;
use crate::service::scopes::Scopes;
use crate::service::tenants::Tenants;

/// Everything the gRPC services need.
pub struct Services {
    /// Tenant use cases.
    pub tenants: Tenants,
    /// The scope catalog.
    pub scopes: Scopes,
    /// App use cases.
    pub apps: Apps,
    /// The OAuth endpoints.
    pub oauth: OAuth,
    /// Signing keys.
    pub keys: SigningKeys,
    /// Live health of the core.
    pub health: CoreHealth,
}

/// The router of every gRPC service, before the edge layer.
pub fn routes(services: Services) -> Result<Routes, tonic_reflection::server::Error> {
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(gatehouse_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let routes = Routes::new(health::server(services.health))
        .add_service(TenantServiceServer::new(tenants::TenantsGrpc::new(
            services.tenants,
        )))
        .add_service(ScopeServiceServer::new(scopes::ScopesGrpc(services.scopes)))
        .add_service(AppServiceServer::new(apps::AppsGrpc(services.apps)))
        .add_service(OauthServiceServer::new(oauth::OAuthGrpc(services.oauth)))
        .add_service(KeyServiceServer::new(keys::KeysGrpc(services.keys)))
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?);
    Ok(routes)
}

/// The principal the edge attached to a request.
fn principal<T>(request: &tonic::Request<T>) -> Result<Principal, tonic::Status> {
    request
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| status(CoreError::Unauthenticated))
}

/// Turns a core error into the status a client sees, logging it here, once.
fn status(err: CoreError) -> tonic::Status {
    let public: ApiError = err.public();
    if err.is_fault() {
        tracing::error!(error = %err, code = %public.code, "request failed");
    } else {
        tracing::debug!(error = %err, code = %public.code, "request refused");
    }
    public.to_status()
}

/// A protobuf timestamp.
fn timestamp(time: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: time.timestamp(),
        nanos: i32::try_from(time.timestamp_subsec_nanos()).unwrap_or(0),
    }
}
