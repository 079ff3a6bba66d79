//! Tenants: the unit of isolation.

use chrono::{DateTime, Utc};

use crate::error::CoreError;
use crate::ids::TenantId;

const MAX_NAME_CHARS: usize = 100;

/// A tenant of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// Its display name.
    pub name: TenantName,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A tenant's display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantName(String);

impl TenantName {
    /// Validates a name as given by an operator.
    pub fn parse(raw: &str) -> Result<TenantName, CoreError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(CoreError::invalid("name", "must not be empty"));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(CoreError::invalid("name", "must be at most 100 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(TenantName(name.to_owned()))
    }

    /// Reads back a stored name without validating it again.
    pub(crate) fn from_stored(name: String) -> TenantName {
        TenantName(name)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form that must be unique: names that differ only in case collide.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_keyed_without_case() {
        let name = TenantName::parse("  Acme Corp ").unwrap();
        assert_eq!(name.as_str(), "Acme Corp");
        assert_eq!(name.key(), TenantName::parse("ACME corp").unwrap().key());
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert!(TenantName::parse("   ").is_err());
        assert!(TenantName::parse(&"x".repeat(101)).is_err());
        assert!(
            TenantName::parse(&"ż".repeat(100)).is_ok(),
            "the limit counts characters"
        );
        assert!(TenantName::parse("line\nbreak").is_err());
    }

    proptest! {
        #[test]
        fn an_accepted_name_is_trimmed_short_and_printable(raw in "\\PC{0,120}|[ \\t\\n\\x00a-z]{0,20}") {
            if let Ok(name) = TenantName::parse(&raw) {
                let text = name.as_str();
                prop_assert_eq!(text, text.trim());
                prop_assert!(!text.is_empty() && text.chars().count() <= 100);
                prop_assert!(!text.chars().any(char::is_control));
            }
        }
    }
}
