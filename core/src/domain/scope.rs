//! OAuth scopes (RFC 6749 §3.3).

use crate::error::CoreError;

/// The scope that makes a token a tenant admin's. Apps can never request it.
pub const PLATFORM_ADMIN: &str = "platform:admin";

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

    proptest! {
        #[test]
        fn accepted_scopes_are_visible_ascii_without_quote_or_backslash(raw in "\\PC{0,20}") {
            if let Ok(scope) = Scope::parse(&raw) {
                prop_assert!(scope.as_str().bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'));
            }
        }
    }
}
