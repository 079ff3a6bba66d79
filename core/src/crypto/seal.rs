//! Encryption at rest (AES-256-GCM, random nonce) with a key derived from the KEK per purpose.

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use zeroize::Zeroizing;

/// Why a sealed value cannot be opened.
#[derive(Debug, thiserror::Error)]
#[error("sealed data cannot be opened: wrong key encryption key, or the data was altered")]
pub struct OpenError;

/// Seals and opens values for one purpose. The associated data binds a sealed value to its
/// record (a key id, say), so a value copied to another record does not open.
pub struct Sealer {
    key: RandomizedNonceKey,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    pub(super) fn new(key_bytes: &[u8; 32]) -> Result<Sealer, aws_lc_rs::error::Unspecified> {
        Ok(Sealer {
            key: RandomizedNonceKey::new(&AES_256_GCM, key_bytes)?,
        })
    }

    /// `nonce || ciphertext || tag`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, OpenError> {
        let mut in_out = plaintext.to_vec();
        let nonce = self
            .key
            .seal_in_place_append_tag(Aad::from(aad), &mut in_out)
            .map_err(|_| OpenError)?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + in_out.len());
        sealed.extend_from_slice(nonce.as_ref());
        sealed.extend_from_slice(&in_out);
        Ok(sealed)
    }

    /// The plaintext of a value sealed with the same key and associated data.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        if sealed.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| OpenError)?;
        let mut in_out = Zeroizing::new(ciphertext.to_vec());
        let plaintext_len = self
            .key
            .open_in_place(nonce, Aad::from(aad), in_out.as_mut_slice())
            .map_err(|_| OpenError)?
            .len();
        in_out.truncate(plaintext_len);
        Ok(in_out)
    }
}

#[cfg(test)]
mod tests {
    use crate::crypto::KeyEncryptionKey;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_associated_data() {
        let kek = KeyEncryptionKey::generate().unwrap();
        let sealer = kek.sealer("signing-key").unwrap();
        let sealed = sealer.seal(b"kid-1", b"private key bytes").unwrap();

        assert!(!sealed.windows(17).any(|w| w == b"private key bytes"));
        assert_eq!(
            sealer.open(b"kid-1", &sealed).unwrap().as_slice(),
            b"private key bytes"
        );
        assert!(
            sealer.open(b"kid-2", &sealed).is_err(),
            "bound to its record"
        );
        let other_purpose = kek.sealer("webhook-secret").unwrap();
        assert!(
            other_purpose.open(b"kid-1", &sealed).is_err(),
            "bound to its purpose"
        );
        let other_kek = KeyEncryptionKey::generate()
            .unwrap()
            .sealer("signing-key")
            .unwrap();
        assert!(
            other_kek.open(b"kid-1", &sealed).is_err(),
            "bound to its KEK"
        );
        let mut altered = sealed.clone();
        altered[20] ^= 1;
        assert!(sealer.open(b"kid-1", &altered).is_err());
    }
}
