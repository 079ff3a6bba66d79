//! The key ring: the key that signs now and every key that may verify a live token.

use std::sync::{Arc, RwLock};

use super::keys::{PublicKey, SigningKey};

/// A public key and, for a retired key, when it leaves the JWKS (seconds since the epoch).
#[derive(Debug, Clone)]
pub struct Published {
    /// The key.
    pub key: PublicKey,
    /// When it stops being published; `None` while it is next or active.
    pub until: Option<i64>,
}

/// One consistent view of the keys.
#[derive(Debug)]
pub struct RingState {
    active: Arc<SigningKey>,
    published: Vec<Published>,
}

impl RingState {
    /// A view in which `active` signs and `published` (which includes it) verifies.
    pub fn new(active: Arc<SigningKey>, published: Vec<Published>) -> RingState {
        RingState { active, published }
    }

    /// The key that signs new tokens.
    pub fn active(&self) -> &Arc<SigningKey> {
        &self.active
    }

    /// The key with id `kid`, if it is published at `now`.
    pub fn key(&self, kid: &str, now: i64) -> Option<&PublicKey> {
        self.published_at(now).find(|key| key.kid == kid)
    }

    /// Every key published at `now`: next, active, and retired ones whose tokens may live.
    pub fn published_at(&self, now: i64) -> impl Iterator<Item = &PublicKey> {
        self.published
            .iter()
            .filter(move |entry| entry.until.is_none_or(|until| until > now))
            .map(|entry| &entry.key)
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
