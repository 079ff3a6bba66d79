//! Service tokens: long-lived tokens a tenant admin mints for automation.

use chrono::{DateTime, Utc};

use crate::domain::scope::Scope;
use crate::ids::{ClientId, TenantId};

/// The record of a minted service token; the token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTokenRecord {
    /// The token's `jti`.
    pub token_id: String,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The app it was minted for.
    pub client_id: ClientId,
    /// Its scopes.
    pub scopes: Vec<Scope>,
    /// The key that signed it.
    pub kid: String,
    /// When it was minted.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}
