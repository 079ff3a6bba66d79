//! Who is calling: established once per request by the gRPC edge, checked by each method.

use crate::domain::scope::PLATFORM_ADMIN;
use crate::error::CoreError;
use crate::ids::{ClientId, OperatorCredentialId, TenantId};

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A platform operator, through an operator credential.
    Operator {
        /// Which credential was presented.
        credential_id: OperatorCredentialId,
    },
    /// An app of a tenant, through an access or service token.
    Client(ClientPrincipal),
}

/// The caller behind a verified, unrevoked token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPrincipal {
    /// The tenant, from the token's `tid`: the only tenant this caller can see.
    pub tenant_id: TenantId,
    /// The app the token was issued to.
    pub client_id: ClientId,
    /// The token's scopes.
    pub scopes: Vec<String>,
    /// The token's `jti`.
    pub token_id: String,
}

impl ClientPrincipal {
    /// Whether the token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|held| held == scope)
    }
}

impl Principal {
    /// Allows platform operators only.
    pub fn require_operator(&self) -> Result<(), CoreError> {
        match self {
            Principal::Operator { .. } => Ok(()),
            Principal::Client(_) => Err(CoreError::denied("requires an operator credential")),
        }
    }

    /// Allows a tenant's token carrying `platform:admin` or one of `any_of`.
    pub fn require_scope(&self, any_of: &[&str]) -> Result<&ClientPrincipal, CoreError> {
        let Principal::Client(client) = self else {
            return Err(CoreError::denied("requires a tenant's access token"));
        };
        if client.has_scope(PLATFORM_ADMIN) || any_of.iter().any(|scope| client.has_scope(scope)) {
            return Ok(client);
        }
        let mut wanted = vec![PLATFORM_ADMIN];
        wanted.extend_from_slice(any_of);
        Err(CoreError::denied(format!(
            "requires scope {}",
            wanted.join(" or ")
        )))
    }

    /// Allows a tenant admin only: a token carrying `platform:admin`.
    pub fn require_admin(&self) -> Result<&ClientPrincipal, CoreError> {
        self.require_scope(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(scopes: &[&str]) -> Principal {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Principal::Client(ClientPrincipal {
            tenant_id: TenantId::generate(now),
            client_id: ClientId::generate(now),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            token_id: "tok_1".into(),
        })
    }

    #[test]
    fn admin_tokens_pass_every_scope_check_and_others_need_theirs() {
        assert!(
            client(&[PLATFORM_ADMIN])
                .require_scope(&["apps:read"])
                .is_ok()
        );
        assert!(client(&["apps:read"]).require_scope(&["apps:read"]).is_ok());
        assert!(client(&["apps:read"]).require_admin().is_err());
        let denied = client(&["webhooks:read"])
            .require_scope(&["apps:read"])
            .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "requires scope platform:admin or apps:read"
        );
    }

    #[test]
    fn operators_and_clients_stay_in_their_lanes() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let operator = Principal::Operator {
            credential_id: OperatorCredentialId::generate(now),
        };
        assert!(operator.require_operator().is_ok());
        assert!(operator.require_admin().is_err());
        assert!(client(&[PLATFORM_ADMIN]).require_operator().is_err());
    }
}
