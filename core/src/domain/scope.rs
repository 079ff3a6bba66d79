//! OAuth scopes (RFC 6749 §3.3).

use chrono::{DateTime, Utc};

use crate::error::CoreError;

/// The scope that makes a token a tenant admin's. Apps can never request it.
pub const PLATFORM_ADMIN: &str = "platform:admin";
/// Read the tenant's app registrations.
pub const APPS_READ: &str = "apps:read";
/// Register apps.
pub const APPS_WRITE: &str = "apps:write";

/// The catalog every platform starts with: name, description, requestable by apps.
pub const BUILTIN: &[(&str, &str, bool)] = &[
    (
        PLATFORM_ADMIN,
        "Administer the tenant: apps, secrets and service tokens",
        false,
    ),
    (APPS_READ, "Read the tenant's app registrations", true),
    (
        APPS_WRITE,
        "Register apps within the scopes the caller holds",
        true,
    ),
    (
        "webhooks:read",
        "Read outbound webhook subscriptions and their deliveries",
        true,
    ),
    (
        "webhooks:write",
        "Create and update outbound webhook subscriptions",
        true,
    ),
    ("events:read", "Read events published to the tenant", true),
];

/// One entry of the scope catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogScope {
    /// The scope.
    pub name: Scope,
    /// What it allows.
    pub description: String,
    /// Whether apps may request it.
    pub requestable: bool,
    /// When it entered the catalog.
    pub created_at: DateTime<Utc>,
}

/// Validates a catalog description: 1 to 200 characters, no control characters.
pub fn parse_description(raw: &str) -> Result<String, CoreError> {
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > 200 || text.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            "description",
            "must be 1 to 200 characters without control characters",
        ));
    }
    Ok(text.to_owned())
}

/// Parses a space-delimited scope parameter (RFC 6749 §3.3) into distinct scopes, in order.
pub fn parse_scope_list(raw: &str) -> Result<Vec<Scope>, CoreError> {
    let mut scopes: Vec<Scope> = Vec::new();
    for token in raw.split(' ').filter(|token| !token.is_empty()) {
        let scope = Scope::parse(token)?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(scopes)
}

/// Joins scopes into the space-delimited form.
pub fn join_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One scope token: `1*( %x21 / %x23-5B / %x5D-7E )` per RFC 6749 §3.3.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope(String);

impl Scope {
    /// Validates one scope token.
    pub fn parse(raw: &str) -> Result<Scope, CoreError> {
        let valid = !raw.is_empty()
            && raw.len() <= 128
            && raw
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
        if !valid {
            return Err(CoreError::invalid(
                "scope",
                format!("{raw:?} is not a valid scope"),
            ));
        }
        Ok(Scope(raw.to_owned()))
    }

    /// The scope as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_rfc_character_set_is_enforced() {
        assert!(Scope::parse("webhooks:write").is_ok());
        assert!(Scope::parse(PLATFORM_ADMIN).is_ok());
        for bad in ["", "two words", "quote\"", "back\\slash", "naïve"] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_scope_list_is_split_on_spaces_and_deduplicated() {
        let scopes = parse_scope_list(" apps:read  webhooks:write apps:read ").unwrap();
        assert_eq!(join_scopes(&scopes), "apps:read webhooks:write");
        assert!(parse_scope_list("").unwrap().is_empty());
        assert!(parse_scope_list("ok bad\\").is_err());
    }

    proptest! {
        #[test]
        fn accepted_scopes_are_visible_ascii_without_quote_or_backslash(raw in "\\PC{0,20}") {
            if let Ok(scope) = Scope::parse(&raw) {
                prop_assert!(scope.as_str().bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'));
            }
        }
    }
}
