//! `gatehouse.v1.AppService`: a translation of [`Apps`] into protobuf.

use gatehouse_proto::v1;
use gatehouse_proto::v1::app_service_server::AppService;
use tonic::{Request, Response, Status};

use super::{principal, status, timestamp};
use crate::domain::app::{App, NewApp};
use crate::domain::page::PageRequest;
use crate::domain::scope::Scope;
use crate::domain::service_token::ServiceTokenRecord;
use crate::service::apps::{Apps, GovernancePatch};

pub(super) struct AppsGrpc(pub(super) Apps);

#[tonic::async_trait]
impl AppService for AppsGrpc {
    async fn create_app(
        &self,
        request: Request<v1::CreateAppRequest>,
    ) -> Result<Response<v1::CreateAppResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.into_inner();
        let new = NewApp {
            name: message.name,
            grant_types: message.grant_types,
            redirect_uris: message.redirect_uris,
            requested_scopes: message.requested_scopes,
        };
        let (app, secret) = self.0.create(&caller, new).await.map_err(status)?;
        Ok(Response::new(v1::CreateAppResponse {
            app: Some(app_message(&app)),
            client_secret: secret.expose().to_owned(),
        }))
    }

    async fn list_apps(
        &self,
        request: Request<v1::ListAppsRequest>,
    ) -> Result<Response<v1::ListAppsResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let page = PageRequest::parse(message.page_size, &message.page_token).map_err(status)?;
        let page = self.0.list(&caller, &page).await.map_err(status)?;
        Ok(Response::new(v1::ListAppsResponse {
            apps: page.items.iter().map(app_message).collect(),
            next_page_token: page.next_token.unwrap_or_default(),
        }))
    }

    async fn get_app(
        &self,
        request: Request<v1::GetAppRequest>,
    ) -> Result<Response<v1::GetAppResponse>, Status> {
        let caller = principal(&request)?;
        let app = self
            .0
            .get(&caller, &request.get_ref().client_id)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::GetAppResponse {
            app: Some(app_message(&app)),
        }))
    }

    async fn update_governance(
        &self,
        request: Request<v1::UpdateGovernanceRequest>,
    ) -> Result<Response<v1::UpdateGovernanceResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let patch = GovernancePatch {
            allow_service_tokens: message.allow_service_tokens,
            enforce_pkce: message.enforce_pkce,
        };
        let app = self
            .0
            .update_governance(&caller, &message.client_id, patch)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::UpdateGovernanceResponse {
            app: Some(app_message(&app)),
        }))
    }

    async fn rotate_secret(
        &self,
        request: Request<v1::RotateSecretRequest>,
    ) -> Result<Response<v1::RotateSecretResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let rotated = self
            .0
            .rotate_secret(&caller, &message.client_id, message.grace_period_seconds)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::RotateSecretResponse {
            client_id: rotated.client_id.to_string(),
            client_secret: rotated.client_secret.expose().to_owned(),
            previous_secret_expire_time: Some(timestamp(rotated.previous_expires_at)),
        }))
    }

    async fn create_service_token(
        &self,
        request: Request<v1::CreateServiceTokenRequest>,
    ) -> Result<Response<v1::CreateServiceTokenResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let minted = self
            .0
            .create_service_token(
                &caller,
                &message.client_id,
                &message.scopes,
                message.ttl_seconds,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(v1::CreateServiceTokenResponse {
            token: minted.token.expose().to_owned(),
            service_token: Some(service_token_message(&minted.record)),
        }))
    }

    async fn list_service_tokens(
        &self,
        request: Request<v1::ListServiceTokensRequest>,
    ) -> Result<Response<v1::ListServiceTokensResponse>, Status> {
        let caller = principal(&request)?;
        let records = self
            .0
            .list_service_tokens(&caller, &request.get_ref().client_id)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::ListServiceTokensResponse {
            service_tokens: records.iter().map(service_token_message).collect(),
        }))
    }

    async fn revoke_service_token(
        &self,
        request: Request<v1::RevokeServiceTokenRequest>,
    ) -> Result<Response<v1::RevokeServiceTokenResponse>, Status> {
        let caller = principal(&request)?;
        let message = request.get_ref();
        let record = self
            .0
            .revoke_service_token(&caller, &message.client_id, &message.token_id)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::RevokeServiceTokenResponse {
            service_token: Some(service_token_message(&record)),
        }))
    }
}

fn names(scopes: &[Scope]) -> Vec<String> {
    scopes
        .iter()
        .map(|scope| scope.as_str().to_owned())
        .collect()
}

fn app_message(app: &App) -> v1::App {
    v1::App {
        client_id: app.client_id.to_string(),
        tenant_id: app.tenant_id.to_string(),
        name: app.name.clone(),
        kind: app.kind.as_str().to_owned(),
        grant_types: app
            .grant_types
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect(),
        redirect_uris: app.redirect_uris.clone(),
        requested_scopes: names(&app.requested_scopes),
        approved_scopes: names(&app.approved_scopes),
        governance: Some(v1::Governance {
            allow_service_tokens: app.governance.allow_service_tokens,
            enforce_pkce: app.governance.enforce_pkce,
        }),
        create_time: Some(timestamp(app.created_at)),
        update_time: Some(timestamp(app.updated_at)),
    }
}

fn service_token_message(record: &ServiceTokenRecord) -> v1::ServiceToken {
    v1::ServiceToken {
        token_id: record.token_id.clone(),
        client_id: record.client_id.to_string(),
        scopes: names(&record.scopes),
        create_time: Some(timestamp(record.created_at)),
        expire_time: Some(timestamp(record.expires_at)),
        revoke_time: record.revoked_at.map(timestamp),
    }
}
