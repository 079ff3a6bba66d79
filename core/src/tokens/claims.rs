//! The claims of an access token (RFC 9068 §2.2).

use serde::{Deserialize, Serialize};

/// What a token was minted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenUse {
    /// Issued at the token endpoint.
    Access,
    /// Minted by a tenant admin for automation; has a record and can be listed.
    Service,
}

/// Claims of a Gatehouse access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer identifier.
    pub iss: String,
    /// Subject: the client id for client credentials and service tokens.
    pub sub: String,
    /// Audience: the platform's resource identifier.
    pub aud: String,
    /// The client the token was issued to.
    pub client_id: String,
    /// The tenant.
    pub tid: String,
    /// Space-delimited scopes.
    pub scope: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Access or service token.
    #[serde(default = "default_use")]
    pub token_use: TokenUse,
}

fn default_use() -> TokenUse {
    TokenUse::Access
}

impl AccessClaims {
    /// The scopes as a list.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split(' ').filter(|s| !s.is_empty())
    }
}
