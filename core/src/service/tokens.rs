//! Minting and verifying access tokens. Minting reads no database row: the key is in memory.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::clock::SharedClock;
use crate::domain::app::App;
use crate::domain::scope::{Scope, join_scopes};
use crate::error::CoreError;
use crate::ids::random_suffix;
use crate::secret::Secret;
use crate::storage::Store;
use crate::tokens::{
    AccessClaims, Expectations, KeyRing, TokenRejection, TokenUse, encode, verify,
};

/// A token just minted.
#[derive(Debug)]
pub struct Minted {
    /// The JWT.
    pub token: Secret,
    /// What it says.
    pub claims: AccessClaims,
    /// The key that signed it.
    pub kid: String,
}

/// Who tokens are from and for.
#[derive(Debug, Clone)]
pub struct TokenProfile {
    /// The `iss` of every token.
    pub issuer: String,
    /// The `aud` of every token.
    pub audience: String,
    /// Lifetime of tokens from the token endpoint.
    pub access_ttl: Duration,
}

/// Mints and verifies tokens with the key ring.
#[derive(Debug, Clone)]
pub struct TokenService {
    ring: Arc<KeyRing>,
    clock: SharedClock,
    profile: Arc<TokenProfile>,
}

impl TokenService {
    /// Tokens signed by `ring`'s active key.
    pub fn new(ring: Arc<KeyRing>, clock: SharedClock, profile: TokenProfile) -> TokenService {
        TokenService {
            ring,
            clock,
            profile: Arc::new(profile),
        }
    }

    /// The profile tokens are minted with.
    pub fn profile(&self) -> &TokenProfile {
        &self.profile
    }

    /// Signs a token for `app` carrying `scopes`, valid for `ttl`.
    pub fn mint(
        &self,
        app: &App,
        scopes: &[Scope],
        token_use: TokenUse,
        ttl: Duration,
    ) -> Result<Minted, CoreError> {
        let now = self.clock.now();
        let prefix = match token_use {
            TokenUse::Access => "tok_",
            TokenUse::Service => "stk_",
        };
        let claims = AccessClaims {
            iss: self.profile.issuer.clone(),
            sub: app.client_id.to_string(),
            aud: self.profile.audience.clone(),
            client_id: app.client_id.to_string(),
            tid: app.tenant_id.to_string(),
            scope: join_scopes(scopes),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            jti: format!("{prefix}{}", random_suffix(24)),
            token_use,
        };
        let ring = self.ring.current();
        let key = ring.active();
        let token = encode(key, &claims)
            .map_err(|err| CoreError::Internal(format!("signing a token: {err}")))?;
        Ok(Minted {
            token: Secret::new(token),
            claims,
            kid: key.kid().to_owned(),
        })
    }

    /// Checks signature, type, issuer, audience and expiry. Revocation is [`Self::verify_live`].
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenRejection> {
        let expect = Expectations {
            issuer: &self.profile.issuer,
            audience: &self.profile.audience,
            now: self.clock.now().timestamp(),
        };
        verify(token, &self.ring.current(), &expect)
    }

    /// [`Self::verify`], and the token was not revoked.
    pub async fn verify_live(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Result<AccessClaims, TokenRejection>, CoreError> {
        let claims = match self.verify(token) {
            Ok(claims) => claims,
            Err(rejection) => return Ok(Err(rejection)),
        };
        if store.is_revoked(&claims.jti).await? {
            return Ok(Err(TokenRejection::Revoked));
        }
        Ok(Ok(claims))
    }

    /// The time a token's `exp` names.
    pub fn expiry(claims: &AccessClaims) -> DateTime<Utc> {
        DateTime::from_timestamp(claims.exp, 0).unwrap_or_default()
    }
}
