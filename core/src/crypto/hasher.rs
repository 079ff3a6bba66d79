//! Keyed hashes of secrets (HMAC-SHA256): a database dump alone cannot check a guess.

use aws_lc_rs::hmac;

use crate::secret::Secret;

/// The stored form of a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretHash(Vec<u8>);

impl SecretHash {
    /// Wraps bytes read from storage.
    pub fn from_bytes(bytes: Vec<u8>) -> SecretHash {
        SecretHash(bytes)
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(***)")
    }
}

/// Computes and checks keyed hashes of secrets.
#[derive(Clone)]
pub struct SecretHasher {
    key: hmac::Key,
}

impl std::fmt::Debug for SecretHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHasher(***)")
    }
}

impl SecretHasher {
    pub(super) fn new(key: hmac::Key) -> SecretHasher {
        SecretHasher { key }
    }

    /// The keyed hash of `secret`.
    pub fn hash(&self, secret: &Secret) -> SecretHash {
        SecretHash(
            hmac::sign(&self.key, secret.expose().as_bytes())
                .as_ref()
                .to_vec(),
        )
    }

    /// Whether `secret` matches `stored`, compared in constant time.
    pub fn verify(&self, secret: &Secret, stored: &SecretHash) -> bool {
        hmac::verify(&self.key, secret.expose().as_bytes(), stored.as_bytes()).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use crate::crypto::KeyEncryptionKey;
    use crate::secret::Secret;

    #[test]
    fn a_hash_verifies_its_secret_and_nothing_else() {
        let hasher = KeyEncryptionKey::generate().unwrap().secret_hasher();
        let secret = Secret::new("gcs_right");
        let stored = hasher.hash(&secret);
        assert!(hasher.verify(&secret, &stored));
        assert!(!hasher.verify(&Secret::new("gcs_wrong"), &stored));
        assert_ne!(stored.as_bytes(), secret.expose().as_bytes());
    }

    #[test]
    fn the_hash_depends_on_the_key() {
        let secret = Secret::new("gcs_same");
        let one = KeyEncryptionKey::generate().unwrap().secret_hasher();
        let other = KeyEncryptionKey::generate().unwrap().secret_hasher();
        assert!(!other.verify(&secret, &one.hash(&secret)));
    }
}
