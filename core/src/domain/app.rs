//! Apps: OAuth clients registered by a tenant.

use chrono::{DateTime, Utc};

use crate::domain::scope::{PLATFORM_ADMIN, Scope};
use crate::error::CoreError;
use crate::ids::{ClientId, TenantId};

/// The OAuth grants an app may hold (RFC 6749 §4, §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantType {
    /// RFC 6749 §4.4.
    ClientCredentials,
    /// RFC 6749 §4.1, with PKCE (RFC 7636).
    AuthorizationCode,
    /// RFC 6749 §6.
    RefreshToken,
}

impl GrantType {
    /// Every grant Gatehouse knows.
    pub const ALL: [GrantType; 3] = [
        GrantType::ClientCredentials,
        GrantType::AuthorizationCode,
        GrantType::RefreshToken,
    ];

    /// The grant's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "client_credentials",
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
        }
    }

    /// Parses a grant name.
    pub fn parse(raw: &str) -> Result<GrantType, CoreError> {
        GrantType::ALL
            .into_iter()
            .find(|grant| grant.as_str() == raw)
            .ok_or_else(|| CoreError::invalid("grant_types", format!("unknown grant type {raw:?}")))
    }
}

/// Whether an app is a tenant's admin app or an ordinary integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    /// Created with its tenant; may hold `platform:admin`.
    Admin,
    /// Registered by a tenant admin.
    Standard,
}

impl AppKind {
    /// The kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AppKind::Admin => "admin",
            AppKind::Standard => "standard",
        }
    }

    /// Parses a stored kind.
    pub fn parse(raw: &str) -> Option<AppKind> {
        match raw {
            "admin" => Some(AppKind::Admin),
            "standard" => Some(AppKind::Standard),
            _ => None,
        }
    }
}

/// Tenant-approved behaviour of one app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Governance {
    /// A tenant admin may mint service tokens for the app.
    pub allow_service_tokens: bool,
    /// Authorization code requests must carry a PKCE challenge (RFC 7636).
    pub enforce_pkce: bool,
}

/// A registered app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// The OAuth `client_id`.
    pub client_id: ClientId,
    /// The owning tenant.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// Admin or standard.
    pub kind: AppKind,
    /// Grants the app may use.
    pub grant_types: Vec<GrantType>,
    /// Registered redirect URIs, compared exactly.
    pub redirect_uris: Vec<String>,
    /// Scopes asked for at registration.
    pub requested_scopes: Vec<Scope>,
    /// Scopes the app's tokens may carry.
    pub approved_scopes: Vec<Scope>,
    /// Governance flags.
    pub governance: Governance,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl App {
    /// The admin app every tenant starts with: `client_credentials` and `platform:admin`.
    pub fn admin_for(tenant_id: &TenantId, now: DateTime<Utc>) -> Result<App, CoreError> {
        let admin = Scope::parse(PLATFORM_ADMIN)?;
        Ok(App {
            client_id: ClientId::generate(now),
            tenant_id: tenant_id.clone(),
            name: "Tenant admin".to_owned(),
            kind: AppKind::Admin,
            grant_types: vec![GrantType::ClientCredentials],
            redirect_uris: Vec::new(),
            requested_scopes: vec![admin.clone()],
            approved_scopes: vec![admin],
            governance: Governance::default(),
            created_at: now,
            updated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_names_round_trip_and_unknown_ones_are_refused() {
        for grant in GrantType::ALL {
            assert_eq!(GrantType::parse(grant.as_str()).unwrap(), grant);
        }
        assert!(GrantType::parse("password").is_err());
    }

    #[test]
    fn the_admin_app_holds_client_credentials_and_platform_admin() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let tenant = TenantId::generate(now);
        let app = App::admin_for(&tenant, now).unwrap();
        assert_eq!(app.tenant_id, tenant);
        assert_eq!(app.grant_types, vec![GrantType::ClientCredentials]);
        assert_eq!(app.approved_scopes[0].as_str(), PLATFORM_ADMIN);
        assert_eq!(app.kind, AppKind::Admin);
    }
}
