//! The key encryption key (KEK): the root of every key Gatehouse keeps at rest.

use std::path::Path;

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::{hkdf, hmac};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use super::files::{WriteOutcome, is_exposed, write_private_file};
use super::hasher::SecretHasher;
use super::seal::Sealer;

/// HKDF output length marker: 32 bytes.
struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        KEK_BYTES
    }
}

const KEK_BYTES: usize = 32;
const HKDF_SALT: &[u8] = b"gatehouse kek v1";

/// Why a key encryption key cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The value is not 32 bytes of unpadded base64url.
    #[error("the key encryption key must be 32 bytes in unpadded base64url")]
    Malformed,
    /// The system random source failed.
    #[error("the system random source failed")]
    Random,
    /// The key file could not be read or written.
    #[error("key file {path}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// 256 bits from which every at-rest key is derived (HKDF-SHA256, RFC 5869).
pub struct KeyEncryptionKey(Zeroizing<[u8; KEK_BYTES]>);

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEncryptionKey(***)")
    }
}

impl KeyEncryptionKey {
    /// Parses the text form: 32 bytes in unpadded base64url, surrounding whitespace ignored.
    pub fn parse(text: &str) -> Result<KeyEncryptionKey, KeyError> {
        let bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(text.trim())
                .map_err(|_| KeyError::Malformed)?,
        );
        let mut key = Zeroizing::new([0u8; KEK_BYTES]);
        if bytes.len() != KEK_BYTES {
            return Err(KeyError::Malformed);
        }
        key.copy_from_slice(&bytes);
        Ok(KeyEncryptionKey(key))
    }

    /// A fresh random key.
    pub fn generate() -> Result<KeyEncryptionKey, KeyError> {
        let mut key = Zeroizing::new([0u8; KEK_BYTES]);
        SystemRandom::new()
            .fill(key.as_mut())
            .map_err(|_| KeyError::Random)?;
        Ok(KeyEncryptionKey(key))
    }

    /// Reads the key at `path`, creating it (mode 0600) on first start. Returns whether it was
    /// created.
    pub fn load_or_create(path: &Path) -> Result<(KeyEncryptionKey, bool), KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut created = false;
        if !path.exists() {
            let fresh = KeyEncryptionKey::generate()?;
            let text = Zeroizing::new(format!("{}\n", fresh.encode().as_str()));
            created =
                write_private_file(path, text.as_bytes()).map_err(io)? == WriteOutcome::Created;
        }
        if is_exposed(path) {
            tracing::warn!(path = %path.display(), "key file is readable by other users; chmod 600 it");
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io)?);
        Ok((KeyEncryptionKey::parse(&text)?, created))
    }

    /// The text form accepted by [`KeyEncryptionKey::parse`].
    pub fn encode(&self) -> Zeroizing<String> {
        Zeroizing::new(URL_SAFE_NO_PAD.encode(self.0.as_ref()))
    }

    /// The keyed hash for client secrets and operator credentials.
    pub fn secret_hasher(&self) -> SecretHasher {
        let key = self.derive(b"secret-hash v1");
        SecretHasher::new(hmac::Key::new(hmac::HMAC_SHA256, key.as_ref()))
    }

    /// Encryption at rest for one `purpose` (`signing-key`, `webhook-secret`, ...).
    pub fn sealer(&self, purpose: &str) -> Result<Sealer, KeyError> {
        let info = format!("seal {purpose} v1");
        Sealer::new(&self.derive(info.as_bytes())).map_err(|_| KeyError::Random)
    }

    /// 32 bytes for one use, independent of every other use (RFC 5869).
    fn derive(&self, info: &[u8]) -> Zeroizing<[u8; KEK_BYTES]> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(self.0.as_ref());
        let mut out = Zeroizing::new([0u8; KEK_BYTES]);
        let info = [info];
        // 32 bytes from SHA-256 is one HKDF block, far below the 255-block limit.
        if let Ok(okm) = prk.expand(&info, Len32) {
            let _ = okm.fill(out.as_mut());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_round_trips_and_rejects_the_wrong_length() {
        let kek = KeyEncryptionKey::generate().unwrap();
        let again = KeyEncryptionKey::parse(&format!("  {}\n", kek.encode().as_str())).unwrap();
        assert_eq!(kek.0.as_ref(), again.0.as_ref());
        assert!(KeyEncryptionKey::parse("c2hvcnQ").is_err());
        assert!(KeyEncryptionKey::parse("not base64 !").is_err());
    }

    #[test]
    fn a_key_file_is_created_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kek");
        let (first, created) = KeyEncryptionKey::load_or_create(&path).unwrap();
        assert!(created);
        let (second, created) = KeyEncryptionKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(first.0.as_ref(), second.0.as_ref());
    }

    #[test]
    fn its_debug_form_hides_the_key() {
        let kek = KeyEncryptionKey::generate().unwrap();
        assert_eq!(format!("{kek:?}"), "KeyEncryptionKey(***)");
    }
}
