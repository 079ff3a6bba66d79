//! `gatehouse.v1.OauthService`: the OAuth endpoints' calls. They carry client credentials in
//! the message, so the edge lets them through unauthenticated.

use std::net::SocketAddr;

use gatehouse_proto::v1;
use gatehouse_proto::v1::oauth_service_server::OauthService;
use tonic::{Request, Response, Status};

use super::status;
use crate::secret::Secret;
use crate::service::oauth::{ClientCredentials, OAuth, TokenRequest};

pub(super) struct OAuthGrpc(pub(super) OAuth);

fn credentials(client: Option<v1::ClientCredentials>) -> Option<ClientCredentials> {
    client.map(|client| ClientCredentials {
        client_id: client.client_id,
        client_secret: Secret::new(client.client_secret),
    })
}

/// The address failed authentications are counted against: the one a facade relays, or else
/// the gRPC peer's own, so a caller that names none is still throttled by where it stands.
fn address(relayed: &str, peer: Option<SocketAddr>) -> Option<String> {
    if !relayed.is_empty() {
        return Some(relayed.to_owned());
    }
    peer.map(|peer| peer.ip().to_string())
}

#[tonic::async_trait]
impl OauthService for OAuthGrpc {
    async fn issue_token(
        &self,
        request: Request<v1::IssueTokenRequest>,
    ) -> Result<Response<v1::IssueTokenResponse>, Status> {
        let peer = request.remote_addr();
        let message = request.into_inner();
        let client_address = address(&message.client_address, peer);
        let request = TokenRequest {
            client_address,
            client: credentials(message.client),
            grant_type: message.grant_type,
            scope: message.scope,
        };
        let issued = self.0.issue_token(request).await.map_err(status)?;
        Ok(Response::new(v1::IssueTokenResponse {
            access_token: issued.access_token.expose().to_owned(),
            token_type: "Bearer".to_owned(),
            expires_in: issued.expires_in,
            scope: issued.scope,
        }))
    }

    async fn introspect_token(
        &self,
        request: Request<v1::IntrospectTokenRequest>,
    ) -> Result<Response<v1::IntrospectTokenResponse>, Status> {
        let peer = request.remote_addr();
        let message = request.into_inner();
        let client_address = address(&message.client_address, peer);
        let client = credentials(message.client);
        let claims = self
            .0
            .introspect(client.as_ref(), &message.token, client_address.as_deref())
            .await
            .map_err(status)?;
        let Some(claims) = claims else {
            return Ok(Response::new(v1::IntrospectTokenResponse::default()));
        };
        Ok(Response::new(v1::IntrospectTokenResponse {
            active: true,
            scope: claims.scope,
            client_id: claims.client_id,
            sub: claims.sub,
            aud: claims.aud,
            iss: claims.iss,
            exp: claims.exp,
            iat: claims.iat,
            jti: claims.jti,
            tenant_id: claims.tid,
            token_type: "Bearer".to_owned(),
        }))
    }

    async fn revoke_token(
        &self,
        request: Request<v1::RevokeTokenRequest>,
    ) -> Result<Response<v1::RevokeTokenResponse>, Status> {
        let peer = request.remote_addr();
        let message = request.into_inner();
        let client_address = address(&message.client_address, peer);
        let client = credentials(message.client);
        self.0
            .revoke(client.as_ref(), &message.token, client_address.as_deref())
            .await
            .map_err(status)?;
        Ok(Response::new(v1::RevokeTokenResponse {}))
    }

    async fn get_server_metadata(
        &self,
        _request: Request<v1::GetServerMetadataRequest>,
    ) -> Result<Response<v1::GetServerMetadataResponse>, Status> {
        let metadata = self.0.metadata().await.map_err(status)?;
        Ok(Response::new(v1::GetServerMetadataResponse {
            issuer: metadata.issuer,
            scopes_supported: metadata.scopes_supported,
            grant_types_supported: metadata.grant_types_supported,
            token_endpoint_auth_methods_supported: metadata.auth_methods_supported,
        }))
    }
}
