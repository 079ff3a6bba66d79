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

/// A registration request, unvalidated.
#[derive(Debug, Clone, Default)]
pub struct NewApp {
    /// Display name.
    pub name: String,
    /// Grant type names.
    pub grant_types: Vec<String>,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Scope names.
    pub requested_scopes: Vec<String>,
}

const MAX_REDIRECT_URIS: usize = 10;
const MAX_URI_LEN: usize = 2000;

impl NewApp {
    /// Validates the request against the requestable `catalog` into an app of `tenant_id`,
    /// approved for every scope it asks.
    pub fn validate(
        self,
        tenant_id: &TenantId,
        catalog: &[Scope],
        now: DateTime<Utc>,
    ) -> Result<App, CoreError> {
        let grant_types = parse_grants(&self.grant_types)?;
        let redirect_uris = parse_redirect_uris(&self.redirect_uris, &grant_types)?;
        let requested_scopes = parse_requested_scopes(&self.requested_scopes, catalog)?;
        Ok(App {
            client_id: ClientId::generate(now),
            tenant_id: tenant_id.clone(),
            name: parse_name(&self.name)?,
            kind: AppKind::Standard,
            grant_types,
            redirect_uris,
            approved_scopes: requested_scopes.clone(),
            requested_scopes,
            governance: Governance {
                allow_service_tokens: false,
                enforce_pkce: true,
            },
            created_at: now,
            updated_at: now,
        })
    }
}

fn parse_name(raw: &str) -> Result<String, CoreError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            "name",
            "must be 1 to 100 characters without control characters",
        ));
    }
    Ok(name.to_owned())
}

fn parse_grants(raw: &[String]) -> Result<Vec<GrantType>, CoreError> {
    if raw.is_empty() {
        return Err(CoreError::invalid(
            "grant_types",
            "must name at least one grant type",
        ));
    }
    let mut grants = Vec::new();
    for name in raw {
        let grant = GrantType::parse(name)?;
        if grants.contains(&grant) {
            return Err(CoreError::invalid(
                "grant_types",
                format!("{name} is listed twice"),
            ));
        }
        grants.push(grant);
    }
    if grants.contains(&GrantType::RefreshToken) && !grants.contains(&GrantType::AuthorizationCode)
    {
        return Err(CoreError::invalid(
            "grant_types",
            "refresh_token is only issued with authorization_code",
        ));
    }
    Ok(grants)
}

fn parse_redirect_uris(raw: &[String], grants: &[GrantType]) -> Result<Vec<String>, CoreError> {
    let uses_redirects = grants.contains(&GrantType::AuthorizationCode);
    if uses_redirects && raw.is_empty() {
        return Err(CoreError::invalid(
            "redirect_uris",
            "authorization_code needs at least one redirect URI",
        ));
    }
    if !uses_redirects && !raw.is_empty() {
        return Err(CoreError::invalid(
            "redirect_uris",
            "only apps with the authorization_code grant use redirect URIs",
        ));
    }
    if raw.len() > MAX_REDIRECT_URIS {
        return Err(CoreError::invalid(
            "redirect_uris",
            "at most 10 redirect URIs",
        ));
    }
    let mut uris: Vec<String> = Vec::new();
    for uri in raw {
        check_redirect_uri(uri)
            .map_err(|why| CoreError::invalid("redirect_uris", format!("{uri:?}: {why}")))?;
        if uris.contains(uri) {
            return Err(CoreError::invalid(
                "redirect_uris",
                format!("{uri:?} is listed twice"),
            ));
        }
        uris.push(uri.clone());
    }
    Ok(uris)
}

/// A redirect URI must be absolute `https`, or `http` on a loopback host, without a fragment
/// (RFC 6749 §3.1.2) or credentials, and is later compared exactly.
pub fn check_redirect_uri(uri: &str) -> Result<(), &'static str> {
    if uri.len() > MAX_URI_LEN {
        return Err("is longer than 2000 characters");
    }
    let parsed = url::Url::parse(uri).map_err(|_| "is not an absolute URI")?;
    if parsed.fragment().is_some() || uri.contains('#') {
        return Err("must not have a fragment");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials");
    }
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err("http is only allowed on loopback (127.0.0.1, [::1], localhost)"),
        _ => Err("must use https"),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn parse_requested_scopes(raw: &[String], catalog: &[Scope]) -> Result<Vec<Scope>, CoreError> {
    let mut scopes: Vec<Scope> = Vec::new();
    for name in raw {
        if name == PLATFORM_ADMIN {
            return Err(CoreError::invalid(
                "requested_scopes",
                "platform:admin cannot be requested by apps",
            ));
        }
        let scope = Scope::parse(name).map_err(|_| {
            CoreError::invalid("requested_scopes", format!("{name:?} is not a valid scope"))
        })?;
        if !catalog.contains(&scope) {
            return Err(CoreError::invalid(
                "requested_scopes",
                format!("{name} is not in the scope catalog"),
            ));
        }
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(scopes)
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
    use proptest::prelude::*;

    fn catalog() -> Vec<Scope> {
        ["apps:read", "webhooks:write"]
            .iter()
            .map(|s| Scope::parse(s).unwrap())
            .collect()
    }

    fn request(grants: &[&str], uris: &[&str], scopes: &[&str]) -> NewApp {
        let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        NewApp {
            name: "Case sync connector".into(),
            grant_types: owned(grants),
            redirect_uris: owned(uris),
            requested_scopes: owned(scopes),
        }
    }

    fn validate(new: NewApp) -> Result<App, CoreError> {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        new.validate(&TenantId::generate(now), &catalog(), now)
    }

    #[test]
    fn a_valid_registration_is_approved_for_what_it_asks() {
        let app = validate(request(&["client_credentials"], &[], &["webhooks:write"])).unwrap();
        assert_eq!(app.approved_scopes, app.requested_scopes);
        assert_eq!(app.kind, AppKind::Standard);
        assert!(app.governance.enforce_pkce && !app.governance.allow_service_tokens);
    }

    #[test]
    fn registrations_are_refused_with_the_field_named() {
        let cases = [
            (request(&[], &[], &[]), "grant_types"),
            (request(&["password"], &[], &[]), "grant_types"),
            (
                request(&["client_credentials", "client_credentials"], &[], &[]),
                "grant_types",
            ),
            (request(&["refresh_token"], &[], &[]), "grant_types"),
            (request(&["authorization_code"], &[], &[]), "redirect_uris"),
            (
                request(&["client_credentials"], &["https://x.example/cb"], &[]),
                "redirect_uris",
            ),
            (
                request(&["authorization_code"], &["http://x.example/cb"], &[]),
                "redirect_uris",
            ),
            (
                request(&["authorization_code"], &["https://x.example/cb#frag"], &[]),
                "redirect_uris",
            ),
            (
                request(&["authorization_code"], &["/relative"], &[]),
                "redirect_uris",
            ),
            (
                request(&["client_credentials"], &[], &["platform:admin"]),
                "requested_scopes",
            ),
            (
                request(&["client_credentials"], &[], &["unknown:scope"]),
                "requested_scopes",
            ),
        ];
        for (new, field) in cases {
            let err = validate(new.clone()).unwrap_err();
            assert!(err.to_string().starts_with(field), "{new:?}: {err}");
        }
    }

    #[test]
    fn loopback_http_redirects_are_allowed_for_native_apps() {
        for uri in [
            "http://127.0.0.1:8123/cb",
            "http://[::1]/cb",
            "http://localhost:3000/cb",
        ] {
            assert!(check_redirect_uri(uri).is_ok(), "{uri}");
        }
        assert!(check_redirect_uri("https://user:pw@x.example/cb").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
    }

    proptest! {
        #[test]
        fn an_accepted_redirect_uri_is_https_or_loopback_and_has_no_fragment(uri in "(https?|ftp)://[a-z0-9.:@\\[\\]]{0,20}(/[a-z#?=]{0,10})?") {
            if check_redirect_uri(&uri).is_ok() {
                let parsed = url::Url::parse(&uri).unwrap();
                prop_assert!(parsed.fragment().is_none());
                prop_assert!(parsed.scheme() == "https" || is_loopback(&parsed));
            }
        }
    }

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
