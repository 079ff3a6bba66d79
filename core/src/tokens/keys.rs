//! RSA signing keys: generated here, kept sealed at rest, published as JWKs.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

/// The one signing algorithm (RFC 7518 §3.3).
pub const ALGORITHM: &str = "RS256";

/// A key id: the month it was made and 8 random base32 characters, e.g. `2026-12-k3f9a2x7`.
pub fn new_kid(now: DateTime<Utc>) -> String {
    format!("{}-{}", now.format("%Y-%m"), crate::ids::random_suffix(8))
}

/// A private signing key, parsed once and kept for every signature.
pub struct SigningKey {
    kid: String,
    pair: KeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Why a key cannot be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyMaterialError {
    /// Key generation or signing failed inside the crypto library.
    #[error("RSA operation failed")]
    Crypto,
    /// Stored key bytes are not a valid RSA private key.
    #[error("stored private key is not a valid RSA key")]
    Rejected,
}

impl SigningKey {
    /// A fresh RSA-2048 key.
    pub fn generate(kid: String) -> Result<SigningKey, KeyMaterialError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyMaterialError::Crypto)?;
        Ok(SigningKey::new(kid, pair))
    }

    /// A key read back from its PKCS#8 form.
    pub fn from_pkcs8(kid: String, der: &[u8]) -> Result<SigningKey, KeyMaterialError> {
        let pair = KeyPair::from_pkcs8(der).map_err(|_| KeyMaterialError::Rejected)?;
        Ok(SigningKey::new(kid, pair))
    }

    fn new(kid: String, pair: KeyPair) -> SigningKey {
        SigningKey {
            kid,
            pair,
            rng: SystemRandom::new(),
        }
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// PKCS#8 bytes, to be sealed before they are stored.
    pub fn pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, KeyMaterialError> {
        let der = self.pair.as_der().map_err(|_| KeyMaterialError::Crypto)?;
        Ok(Zeroizing::new(der.as_ref().to_vec()))
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        let public = self.pair.public_key();
        PublicKey {
            kid: self.kid.clone(),
            n: public.modulus().big_endian_without_leading_zero().to_vec(),
            e: public.exponent().big_endian_without_leading_zero().to_vec(),
        }
    }

    /// An RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyMaterialError> {
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                message,
                &mut signature,
            )
            .map_err(|_| KeyMaterialError::Crypto)?;
        Ok(signature)
    }
}

/// A public key that may verify tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// Key id.
    pub kid: String,
    /// Modulus, big-endian.
    pub n: Vec<u8>,
    /// Exponent, big-endian.
    pub e: Vec<u8>,
}

impl PublicKey {
    /// Reads a key from its JWK members (unpadded base64url).
    pub fn from_jwk_parts(kid: String, n: &str, e: &str) -> Option<PublicKey> {
        Some(PublicKey {
            kid,
            n: URL_SAFE_NO_PAD.decode(n).ok()?,
            e: URL_SAFE_NO_PAD.decode(e).ok()?,
        })
    }

    /// Whether `signature` is this key's RS256 signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let components = RsaPublicKeyComponents {
            n: self.n.as_slice(),
            e: self.e.as_slice(),
        };
        components
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature)
            .is_ok()
    }

    /// The key as a JWK (RFC 7517 §4, RFC 7518 §6.3.1).
    pub fn jwk(&self) -> Jwk {
        Jwk {
            kty: "RSA",
            kid: self.kid.clone(),
            key_use: "sig",
            alg: ALGORITHM,
            n: URL_SAFE_NO_PAD.encode(&self.n),
            e: URL_SAFE_NO_PAD.encode(&self.e),
        }
    }
}

/// One member of a JWK set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    /// Key type.
    pub kty: &'static str,
    /// Key id.
    pub kid: String,
    /// Public key use.
    pub key_use: &'static str,
    /// Algorithm.
    pub alg: &'static str,
    /// Modulus.
    pub n: String,
    /// Exponent.
    pub e: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_signs_and_its_public_half_verifies_after_a_round_trip_through_pkcs8() {
        let key = SigningKey::generate("2026-12-test".into()).unwrap();
        let again = SigningKey::from_pkcs8("2026-12-test".into(), &key.pkcs8().unwrap()).unwrap();
        let signature = again.sign(b"header.payload").unwrap();

        let jwk = key.public().jwk();
        let public = PublicKey::from_jwk_parts(jwk.kid, &jwk.n, &jwk.e).unwrap();
        assert!(public.verify(b"header.payload", &signature));
        assert!(!public.verify(b"header.payloaD", &signature));
        assert_eq!(jwk.e, "AQAB");
        assert_eq!(key.public().n.len(), 256, "RSA-2048");
    }

    #[test]
    fn kids_name_the_month_and_differ() {
        let now = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let a = new_kid(now);
        assert!(a.starts_with("2026-11-"), "{a}");
        assert_ne!(a, new_kid(now));
    }

    #[test]
    fn debug_never_shows_key_material() {
        let key = SigningKey::generate("k1".into()).unwrap();
        assert_eq!(format!("{key:?}"), "SigningKey { kid: \"k1\", .. }");
    }
}
