//! `gatehouse.v1.ScopeService`.

use gatehouse_proto::v1;
use gatehouse_proto::v1::scope_service_server::ScopeService;
use tonic::{Request, Response, Status};

use super::{principal, status, timestamp};
use crate::domain::scope::CatalogScope;
use crate::service::scopes::Scopes;

pub(super) struct ScopesGrpc(pub(super) Scopes);

#[tonic::async_trait]
impl ScopeService for ScopesGrpc {
    async fn list_scopes(
        &self,
        request: Request<v1::ListScopesRequest>,
    ) -> Result<Response<v1::ListScopesResponse>, Status> {
        let caller = principal(&request)?;
        let scopes = self.0.list(&caller).await.map_err(status)?;
        Ok(Response::new(v1::ListScopesResponse {
            scopes: scopes.iter().map(scope_message).collect(),
        }))
    }

    async fn create_scope(
        &self,
        request: Request<v1::CreateScopeRequest>,
    ) -> Result<Response<v1::CreateScopeResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let scope = self
            .0
            .create(&caller, &message.name, &message.description)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::CreateScopeResponse {
            scope: Some(scope_message(&scope)),
        }))
    }
}

fn scope_message(scope: &CatalogScope) -> v1::Scope {
    v1::Scope {
        name: scope.name.as_str().to_owned(),
        description: scope.description.clone(),
        requestable: scope.requestable,
        create_time: Some(timestamp(scope.created_at)),
    }
}
