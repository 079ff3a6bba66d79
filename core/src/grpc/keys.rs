//! `gatehouse.v1.KeyService`.

use gatehouse_proto::v1;
use gatehouse_proto::v1::key_service_server::KeyService;
use tonic::{Request, Response, Status};

use super::{principal, status, timestamp};
use crate::domain::signing_key::{KeyState, SigningKeyRecord};
use crate::service::keys::SigningKeys;
use crate::tokens::ALGORITHM;

pub(super) struct KeysGrpc(pub(super) SigningKeys);

#[tonic::async_trait]
impl KeyService for KeysGrpc {
    async fn get_jwks(
        &self,
        _request: Request<v1::GetJwksRequest>,
    ) -> Result<Response<v1::GetJwksResponse>, Status> {
        let keys = self
            .0
            .published()
            .iter()
            .map(|key| {
                let jwk = key.jwk();
                v1::Jwk {
                    kty: jwk.kty.to_owned(),
                    kid: jwk.kid,
                    r#use: jwk.key_use.to_owned(),
                    alg: jwk.alg.to_owned(),
                    n: jwk.n,
                    e: jwk.e,
                }
            })
            .collect();
        Ok(Response::new(v1::GetJwksResponse {
            keys,
            max_age_seconds: self.0.policy().jwks_max_age.num_seconds(),
        }))
    }

    async fn rotate_signing_key(
        &self,
        request: Request<v1::RotateSigningKeyRequest>,
    ) -> Result<Response<v1::RotateSigningKeyResponse>, Status> {
        let caller = principal(&request)?;
        let rotation = self
            .0
            .rotate(&caller, request.get_ref().force)
            .await
            .map_err(status)?;
        Ok(Response::new(v1::RotateSigningKeyResponse {
            active: Some(key_message(&rotation.active)),
            next: Some(key_message(&rotation.next)),
            retired: Some(key_message(&rotation.retired)),
        }))
    }

    async fn list_signing_keys(
        &self,
        request: Request<v1::ListSigningKeysRequest>,
    ) -> Result<Response<v1::ListSigningKeysResponse>, Status> {
        let caller = principal(&request)?;
        let keys = self.0.list(&caller).await.map_err(status)?;
        Ok(Response::new(v1::ListSigningKeysResponse {
            keys: keys.iter().map(key_message).collect(),
        }))
    }
}

fn key_message(record: &SigningKeyRecord) -> v1::SigningKey {
    let state = match record.state {
        KeyState::Next => v1::SigningKeyState::Next,
        KeyState::Active => v1::SigningKeyState::Active,
        KeyState::Retired => v1::SigningKeyState::Retired,
    };
    v1::SigningKey {
        kid: record.kid.clone(),
        alg: ALGORITHM.to_owned(),
        state: state.into(),
        create_time: Some(timestamp(record.created_at)),
        activate_time: record.activated_at.map(timestamp),
        retire_time: record.retired_at.map(timestamp),
        unpublish_time: record.unpublish_at.map(timestamp),
    }
}
