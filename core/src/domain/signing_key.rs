//! The life of a signing key: published as next, then active, then retired, then unpublished.

use chrono::{DateTime, Utc};

/// Where a signing key is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Published in the JWKS, not yet signing.
    Next,
    /// Signing new tokens.
    Active,
    /// No longer signing; published until `unpublish_at`.
    Retired,
}

impl KeyState {
    /// The state as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Next => "next",
            KeyState::Active => "active",
            KeyState::Retired => "retired",
        }
    }

    /// Parses a stored state.
    pub fn parse(raw: &str) -> Option<KeyState> {
        match raw {
            "next" => Some(KeyState::Next),
            "active" => Some(KeyState::Active),
            "retired" => Some(KeyState::Retired),
            _ => None,
        }
    }
}

/// A signing key's public record: everything but the private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// Key id.
    pub kid: String,
    /// State.
    pub state: KeyState,
    /// Modulus, unpadded base64url.
    pub n: String,
    /// Exponent, unpadded base64url.
    pub e: String,
    /// Generated and published.
    pub created_at: DateTime<Utc>,
    /// Started signing.
    pub activated_at: Option<DateTime<Utc>>,
    /// Stopped signing.
    pub retired_at: Option<DateTime<Utc>>,
    /// Leaves the JWKS.
    pub unpublish_at: Option<DateTime<Utc>>,
}
