//! Secrets as types: their `Debug` and `Display` print `***`, and their memory is wiped on drop.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

/// Bytes of randomness in every generated secret: 256 bits.
pub const SECRET_BYTES: usize = 32;

/// A secret string: a client secret, an operator credential, a bearer token.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret received from outside.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// A fresh secret: `prefix` followed by 256 random bits in unpadded base64url.
    ///
    /// The prefix lets secret scanners recognise a leaked value.
    pub fn generate(prefix: &str) -> Result<Secret, aws_lc_rs::error::Unspecified> {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        SystemRandom::new().fill(bytes.as_mut())?;
        let mut value = String::with_capacity(prefix.len() + 43);
        value.push_str(prefix);
        URL_SAFE_NO_PAD.encode_string(bytes.as_ref(), &mut value);
        Ok(Secret(Zeroizing::new(value)))
    }

    /// The value itself. Every call site is a place where the secret leaves its type.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_value() {
        let secret = Secret::new("gcs_very-secret");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(***)");
    }

    #[test]
    fn generated_secrets_carry_256_bits_and_differ() {
        let a = Secret::generate("gcs_").unwrap();
        let b = Secret::generate("gcs_").unwrap();
        assert_ne!(a, b);
        let body = a.expose().strip_prefix("gcs_").unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(body).unwrap().len(), SECRET_BYTES);
    }
}
