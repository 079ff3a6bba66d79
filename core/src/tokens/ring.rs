//! The key ring: the key that signs now and every key that may verify a live token.

use std::sync::{Arc, RwLock};

use super::keys::{PublicKey, SigningKey};

/// One consistent view of the keys.
#[derive(Debug)]
pub struct RingState {
    active: Arc<SigningKey>,
    published: Vec<PublicKey>,
}

impl RingState {
    /// A view in which `active` signs and `published` (which includes it) verifies.
    pub fn new(active: Arc<SigningKey>, published: Vec<PublicKey>) -> RingState {
        RingState { active, published }
    }

    /// The key that signs new tokens.
    pub fn active(&self) -> &Arc<SigningKey> {
        &self.active
    }

    /// The published key with id `kid`.
    pub fn key(&self, kid: &str) -> Option<&PublicKey> {
        self.published.iter().find(|key| key.kid == kid)
    }

    /// Every published key: next, active and retired ones whose tokens may still live.
    pub fn published(&self) -> &[PublicKey] {
        &self.published
    }
}

/// The current [`RingState`], swapped whole when keys change.
#[derive(Debug)]
pub struct KeyRing {
    state: RwLock<Arc<RingState>>,
}

impl KeyRing {
    /// A ring starting at `state`.
    pub fn new(state: RingState) -> KeyRing {
        KeyRing {
            state: RwLock::new(Arc::new(state)),
        }
    }

    /// The current view; cheap, and stable for as long as the caller holds it.
    pub fn current(&self) -> Arc<RingState> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Replaces the view.
    pub fn replace(&self, state: RingState) {
        *self
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(state);
    }
}
