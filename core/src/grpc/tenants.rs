//! `gatehouse.v1.TenantService`: a translation of [`Tenants`] into protobuf.

use gatehouse_proto::v1;
use gatehouse_proto::v1::tenant_service_server::TenantService;
use tonic::{Request, Response, Status};

use super::{principal, status};
use crate::domain::page::PageRequest;
use crate::domain::tenant::Tenant;
use crate::service::tenants::Tenants;

pub(super) struct TenantsGrpc {
    tenants: Tenants,
}

impl TenantsGrpc {
    pub(super) fn new(tenants: Tenants) -> TenantsGrpc {
        TenantsGrpc { tenants }
    }
}

#[tonic::async_trait]
impl TenantService for TenantsGrpc {
    async fn create_tenant(
        &self,
        request: Request<v1::CreateTenantRequest>,
    ) -> Result<Response<v1::CreateTenantResponse>, Status> {
        let caller = principal(&request)?;
        let created = self
            .tenants
            .create(&caller, &request.get_ref().name)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::CreateTenantResponse {
            tenant: Some(tenant_message(&created.tenant)),
            admin_client_id: created.admin_client_id.to_string(),
            admin_client_secret: created.admin_client_secret.expose().to_owned(),
        }))
    }

    async fn get_tenant(
        &self,
        request: Request<v1::GetTenantRequest>,
    ) -> Result<Response<v1::GetTenantResponse>, Status> {
        let caller = principal(&request)?;
        let tenant = self
            .tenants
            .get(&caller, &request.get_ref().tenant_id)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::GetTenantResponse {
            tenant: Some(tenant_message(&tenant)),
        }))
    }

    async fn list_tenants(
        &self,
        request: Request<v1::ListTenantsRequest>,
    ) -> Result<Response<v1::ListTenantsResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let page = PageRequest::parse(message.page_size, &message.page_token).map_err(status)?;
        let page = self.tenants.list(&caller, &page).await.map_err(status)?;
        Ok(Response::new(v1::ListTenantsResponse {
            tenants: page.items.iter().map(tenant_message).collect(),
            next_page_token: page.next_token.unwrap_or_default(),
        }))
    }
}

fn tenant_message(tenant: &Tenant) -> v1::Tenant {
    v1::Tenant {
        id: tenant.id.to_string(),
        name: tenant.name.as_str().to_owned(),
        create_time: Some(super::timestamp(tenant.created_at)),
    }
}
