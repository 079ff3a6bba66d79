//! The operator credential: created on first start, kept in the data directory, hashed in the
//! database.

use std::path::Path;

use crate::clock::Clock;
use crate::crypto::{SecretHasher, WriteOutcome, write_private_file};
use crate::ids::OperatorCredentialId;
use crate::secret::Secret;
use crate::storage::{StorageError, Store};

/// Every operator credential starts with this, so secret scanners can spot one.
pub const OPERATOR_TOKEN_PREFIX: &str = "gop_";

/// Why the operator credential could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum OperatorCredentialError {
    /// The file could not be read or written.
    #[error("operator credential file {path}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file does not hold an operator credential.
    #[error("operator credential file {0} does not hold a gop_ credential")]
    Malformed(String),
    /// The system random source failed.
    #[error("the system random source failed")]
    Random,
    /// The database refused.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What [`ensure_operator_credential`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorCredentialOutcome {
    /// A new credential was written to the file.
    Created,
    /// The file's credential was already known to the database.
    Existing,
    /// The file's credential was new to this database and is now registered.
    Registered,
}

/// Makes sure the credential at `path` exists and is accepted by the database.
pub async fn ensure_operator_credential(
    store: &Store,
    hasher: &SecretHasher,
    clock: &dyn Clock,
    path: &Path,
) -> Result<OperatorCredentialOutcome, OperatorCredentialError> {
    let io = |source| OperatorCredentialError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut outcome = OperatorCredentialOutcome::Existing;
    if !path.exists() {
        let fresh =
            Secret::generate(OPERATOR_TOKEN_PREFIX).map_err(|_| OperatorCredentialError::Random)?;
        let text = Secret::new(format!("{}\n", fresh.expose()));
        if write_private_file(path, text.expose().as_bytes()).map_err(io)? == WriteOutcome::Created
        {
            outcome = OperatorCredentialOutcome::Created;
        }
    }

    let token = Secret::new(std::fs::read_to_string(path).map_err(io)?.trim());
    if !token.expose().starts_with(OPERATOR_TOKEN_PREFIX) {
        return Err(OperatorCredentialError::Malformed(
            path.display().to_string(),
        ));
    }
    let hash = hasher.hash(&token);
    if store.operator_credential(&hash).await?.is_some() {
        return Ok(outcome);
    }

    let now = clock.now();
    match store
        .insert_operator_credential(&OperatorCredentialId::generate(now), &hash, now)
        .await
    {
        Ok(()) | Err(StorageError::Conflict(_)) => {}
        Err(err) => return Err(err.into()),
    }
    Ok(match outcome {
        OperatorCredentialOutcome::Created => OperatorCredentialOutcome::Created,
        _ => OperatorCredentialOutcome::Registered,
    })
}
