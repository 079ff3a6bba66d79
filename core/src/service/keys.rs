//! Signing keys through their life: generated and published as next, promoted to active by a
//! rotation, retired and kept published until the last token they signed has expired.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::clock::SharedClock;
use crate::crypto::Sealer;
use crate::domain::principal::Principal;
use crate::domain::signing_key::{KeyState, SigningKeyRecord};
use crate::error::CoreError;
use crate::storage::{KeyChange, Store, StoredSigningKey};
use crate::tokens::{KeyRing, PublicKey, Published, RingState, SigningKey, new_kid};

/// Timing rules for keys.
#[derive(Debug, Clone, Copy)]
pub struct KeyPolicy {
    /// Longest lifetime of a token from the token endpoint.
    pub access_ttl: Duration,
    /// How long verifiers may cache the JWKS; a next key is published at least this long
    /// before it signs.
    pub jwks_max_age: Duration,
    /// How often each core re-reads the keys, so replicas follow another's rotation.
    pub refresh_interval: Duration,
}

/// The outcome of a rotation.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// The key now signing.
    pub active: SigningKeyRecord,
    /// The key published to sign next.
    pub next: SigningKeyRecord,
    /// The key just retired.
    pub retired: SigningKeyRecord,
}

/// The signing keys of this core.
#[derive(Debug, Clone)]
pub struct SigningKeys {
    store: Store,
    sealer: Arc<Sealer>,
    ring: Arc<KeyRing>,
    clock: SharedClock,
    policy: KeyPolicy,
}

impl SigningKeys {
    /// Makes sure an active and a next key exist, then loads them.
    pub async fn start(
        store: Store,
        sealer: Sealer,
        clock: SharedClock,
        policy: KeyPolicy,
    ) -> Result<SigningKeys, CoreError> {
        let sealer = Arc::new(sealer);
        ensure_keys(&store, &sealer, clock.now()).await?;
        let state = load(&store, &sealer, clock.now(), None).await?;
        Ok(SigningKeys {
            ring: Arc::new(KeyRing::new(state)),
            store,
            sealer,
            clock,
            policy,
        })
    }

    /// The ring tokens are signed and verified with.
    pub fn ring(&self) -> Arc<KeyRing> {
        self.ring.clone()
    }

    /// The timing rules.
    pub fn policy(&self) -> KeyPolicy {
        self.policy
    }

    /// Re-reads the keys, picking up a rotation made by another core.
    pub async fn reload(&self) -> Result<(), CoreError> {
        let current = self.ring.current().active().clone();
        let state = load(&self.store, &self.sealer, self.clock.now(), Some(current)).await?;
        self.ring.replace(state);
        Ok(())
    }

    /// The published public keys.
    pub fn published(&self) -> Vec<PublicKey> {
        let now = self.clock.now().timestamp();
        self.ring.current().published_at(now).cloned().collect()
    }

    /// Every published key's record, newest first. Operators only.
    pub async fn list(&self, caller: &Principal) -> Result<Vec<SigningKeyRecord>, CoreError> {
        caller.require_operator()?;
        let keys = self.store.published_signing_keys(self.clock.now()).await?;
        Ok(keys.into_iter().map(|key| key.record).collect())
    }

    /// Promotes next to active, retires active, publishes a new next. Refused while the next
    /// key is younger than a JWKS cache lifetime, unless `force`. Operators only.
    pub async fn rotate(&self, caller: &Principal, force: bool) -> Result<Rotation, CoreError> {
        caller.require_operator()?;
        let now = self.clock.now();
        let change = self.store.begin_key_change().await?;
        let current = change.current().await?;
        let (Some(active), Some(next)) = (
            find(&current, KeyState::Active),
            find(&current, KeyState::Next),
        ) else {
            return Err(CoreError::Internal("no active or next signing key".into()));
        };

        let published_for = now - next.created_at;
        if published_for < self.policy.jwks_max_age && !force {
            let wait = (self.policy.jwks_max_age - published_for)
                .num_seconds()
                .max(1);
            return Err(CoreError::FailedPrecondition(format!(
                "the next key was published {} s ago and verifiers may cache the JWKS for {} s; \
                 rotate again in {wait} s, or force it",
                published_for.num_seconds(),
                self.policy.jwks_max_age.num_seconds()
            )));
        }

        let retired = self.retire(&change, active, now).await?;
        let mut promoted = next.clone();
        promoted.state = KeyState::Active;
        promoted.activated_at = Some(now);
        change.update(&promoted).await?;
        let fresh = generate_off_runtime(Arc::clone(&self.sealer), KeyState::Next, now).await?;
        change.insert(&fresh).await?;
        change.commit().await?;

        self.reload().await?;
        tracing::info!(active = %promoted.kid, next = %fresh.record.kid, retired = %retired.kid, "signing keys rotated");
        Ok(Rotation {
            active: promoted,
            next: fresh.record,
            retired,
        })
    }

    /// Retires `active`: it stays published until every token it signed has expired, allowing
    /// for cores that sign with it until their next refresh.
    async fn retire(
        &self,
        change: &KeyChange,
        active: &SigningKeyRecord,
        now: DateTime<Utc>,
    ) -> Result<SigningKeyRecord, CoreError> {
        let access_tokens_end = now + self.policy.access_ttl + self.policy.refresh_interval * 2;
        let service_tokens_end = change.last_service_token_expiry(&active.kid).await?;
        let mut retired = active.clone();
        retired.state = KeyState::Retired;
        retired.retired_at = Some(now);
        retired.unpublish_at =
            Some(service_tokens_end.map_or(access_tokens_end, |end| end.max(access_tokens_end)));
        change.update(&retired).await?;
        Ok(retired)
    }
}

fn find(keys: &[StoredSigningKey], state: KeyState) -> Option<&SigningKeyRecord> {
    keys.iter()
        .map(|key| &key.record)
        .find(|record| record.state == state)
}

/// Creates whatever is missing of the active and next keys, side by side on the blocking pool.
async fn ensure_keys(
    store: &Store,
    sealer: &Arc<Sealer>,
    now: DateTime<Utc>,
) -> Result<(), CoreError> {
    let change = store.begin_key_change().await?;
    let current = change.current().await?;
    let mut generating = tokio::task::JoinSet::new();
    for state in [KeyState::Active, KeyState::Next] {
        if find(&current, state).is_none() {
            let sealer = Arc::clone(sealer);
            generating.spawn_blocking(move || generate(&sealer, state, now));
        }
    }
    let mut created = Vec::new();
    while let Some(generated) = generating.join_next().await {
        created.push(generated.map_err(generation_failed)??);
    }
    for key in &created {
        change.insert(key).await?;
    }
    change.commit().await?;
    for key in &created {
        tracing::info!(kid = %key.record.kid, state = key.record.state.as_str(), "signing key generated");
    }
    Ok(())
}

/// [`generate`] on the blocking pool: RSA key generation takes a tenth of a second or more,
/// long enough to stall the requests a runtime thread serves.
async fn generate_off_runtime(
    sealer: Arc<Sealer>,
    state: KeyState,
    now: DateTime<Utc>,
) -> Result<StoredSigningKey, CoreError> {
    tokio::task::spawn_blocking(move || generate(&sealer, state, now))
        .await
        .map_err(generation_failed)?
}

fn generation_failed(err: tokio::task::JoinError) -> CoreError {
    CoreError::Internal(format!("generating a signing key: {err}"))
}

/// A fresh RSA key, sealed for storage.
fn generate(
    sealer: &Sealer,
    state: KeyState,
    now: DateTime<Utc>,
) -> Result<StoredSigningKey, CoreError> {
    let key = SigningKey::generate(new_kid(now))
        .map_err(|err| CoreError::Internal(format!("generating a signing key: {err}")))?;
    let pkcs8 = key
        .pkcs8()
        .map_err(|err| CoreError::Internal(format!("exporting a signing key: {err}")))?;
    let sealed = sealer
        .seal(key.kid().as_bytes(), &pkcs8)
        .map_err(|err| CoreError::Internal(format!("sealing a signing key: {err}")))?;
    let jwk = key.public().jwk();
    Ok(StoredSigningKey {
        record: SigningKeyRecord {
            kid: jwk.kid,
            state,
            n: jwk.n,
            e: jwk.e,
            created_at: now,
            activated_at: (state == KeyState::Active).then_some(now),
            retired_at: None,
            unpublish_at: None,
        },
        sealed_private_key: sealed,
    })
}

/// Reads the published keys and opens the active one, unless it is `loaded` already.
async fn load(
    store: &Store,
    sealer: &Sealer,
    now: DateTime<Utc>,
    loaded: Option<Arc<SigningKey>>,
) -> Result<RingState, CoreError> {
    let keys = store.published_signing_keys(now).await?;
    let active = keys
        .iter()
        .find(|key| key.record.state == KeyState::Active)
        .ok_or_else(|| CoreError::Internal("no active signing key".into()))?;
    let signing = match loaded {
        Some(key) if key.kid() == active.record.kid => key,
        _ => Arc::new(open(sealer, active)?),
    };
    let published = keys
        .iter()
        .filter_map(|key| {
            let record = &key.record;
            Some(Published {
                key: PublicKey::from_jwk_parts(record.kid.clone(), &record.n, &record.e)?,
                until: record.unpublish_at.map(|until| until.timestamp()),
            })
        })
        .collect();
    Ok(RingState::new(signing, published))
}

fn open(sealer: &Sealer, key: &StoredSigningKey) -> Result<SigningKey, CoreError> {
    let kid = key.record.kid.clone();
    let pkcs8 = sealer
        .open(kid.as_bytes(), &key.sealed_private_key)
        .map_err(|err| CoreError::Internal(format!("signing key {kid}: {err}")))?;
    SigningKey::from_pkcs8(kid.clone(), &pkcs8)
        .map_err(|err| CoreError::Internal(format!("signing key {kid}: {err}")))
}
