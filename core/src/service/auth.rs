//! Turns the bearer credential of a request into a [`Principal`], or refuses it.

use crate::crypto::SecretHasher;
use crate::domain::principal::{ClientPrincipal, Principal};
use crate::error::CoreError;
use crate::ids::{ClientId, TenantId};
use crate::secret::Secret;
use crate::service::operators::OPERATOR_TOKEN_PREFIX;
use crate::service::tokens::TokenService;
use crate::storage::Store;

/// Authenticates callers of the core: operators by credential, apps by access token.
#[derive(Debug, Clone)]
pub struct Authenticator {
    store: Store,
    hasher: SecretHasher,
    tokens: TokenService,
}

impl Authenticator {
    /// An authenticator over the credentials in `store` and tokens of `tokens`.
    pub fn new(store: Store, hasher: SecretHasher, tokens: TokenService) -> Authenticator {
        Authenticator {
            store,
            hasher,
            tokens,
        }
    }

    /// The caller behind an `Authorization` header value, which must be `Bearer <credential>`.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, CoreError> {
        let Some(credential) = authorization.and_then(bearer) else {
            return Err(CoreError::Unauthenticated);
        };
        if credential.expose().starts_with(OPERATOR_TOKEN_PREFIX) {
            return self.operator(&credential).await;
        }
        self.client(&credential).await
    }

    /// A verified, unrevoked access or service token.
    async fn client(&self, credential: &Secret) -> Result<Principal, CoreError> {
        let claims = match self
            .tokens
            .verify_live(&self.store, credential.expose())
            .await?
        {
            Ok(claims) => claims,
            Err(rejection) => {
                tracing::debug!(reason = %rejection, "bearer token refused");
                return Err(CoreError::Unauthenticated);
            }
        };
        let (Some(tenant_id), Some(client_id)) = (
            TenantId::parse(&claims.tid),
            ClientId::parse(&claims.client_id),
        ) else {
            return Err(CoreError::Unauthenticated);
        };
        Ok(Principal::Client(ClientPrincipal {
            scopes: claims.scopes().map(str::to_owned).collect(),
            tenant_id,
            client_id,
            token_id: claims.jti,
        }))
    }

    async fn operator(&self, credential: &Secret) -> Result<Principal, CoreError> {
        let hash = self.hasher.hash(credential);
        match self.store.operator_credential(&hash).await? {
            Some(credential_id) => Ok(Principal::Operator { credential_id }),
            None => Err(CoreError::Unauthenticated),
        }
    }
}

/// The credential of a `Bearer` authorization (RFC 6750 §2.1); the scheme is case-insensitive.
fn bearer(authorization: &str) -> Option<Secret> {
    let (scheme, credential) = authorization.split_once(' ')?;
    let credential = credential.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !credential.is_empty())
        .then(|| Secret::new(credential))
}

#[cfg(test)]
mod tests {
    use super::bearer;

    #[test]
    fn only_bearer_authorizations_carry_a_credential() {
        assert_eq!(bearer("Bearer gop_abc").unwrap().expose(), "gop_abc");
        assert_eq!(bearer("bearer  gop_abc ").unwrap().expose(), "gop_abc");
        assert!(bearer("Basic Zm9vOmJhcg==").is_none());
        assert!(bearer("Bearer ").is_none());
        assert!(bearer("gop_abc").is_none());
    }
}
