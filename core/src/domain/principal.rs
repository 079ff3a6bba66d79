//! Who is calling: established once per request by the gRPC edge, checked by each method.

use crate::error::CoreError;
use crate::ids::OperatorCredentialId;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A platform operator, through an operator credential.
    Operator {
        /// Which credential was presented.
        credential_id: OperatorCredentialId,
    },
}

impl Principal {
    /// Allows platform operators only.
    pub fn require_operator(&self) -> Result<(), CoreError> {
        match self {
            Principal::Operator { .. } => Ok(()),
        }
    }
}
