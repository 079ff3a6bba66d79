//! Client records for authentication, kept for a second so that issuing a token reads no
//! database row. Secret expiry is checked at use against the clock, so a rotation's grace ends
//! on time; a rotation made through this core drops the record at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::domain::app::App;
use crate::ids::ClientId;
use crate::storage::{StorageError, Store, StoredSecret};

/// How long a record is reused before it is read again.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Records kept at most; past this, stale ones are swept.
const CAPACITY: usize = 10_000;

/// An app and its secrets, as client authentication needs them.
#[derive(Debug)]
pub struct ClientRecord {
    /// The app.
    pub app: App,
    /// Its secrets that were live when read.
    pub secrets: Vec<StoredSecret>,
}

/// A short-lived cache of [`ClientRecord`]s.
#[derive(Debug)]
pub struct ClientCache {
    store: Store,
    entries: RwLock<HashMap<ClientId, (Instant, Arc<ClientRecord>)>>,
}

impl ClientCache {
    /// An empty cache over `store`.
    pub fn new(store: Store) -> ClientCache {
        ClientCache {
            store,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The record of `client_id`; an unknown client is read every time, never remembered.
    pub async fn get(
        &self,
        client_id: &ClientId,
        now: DateTime<Utc>,
    ) -> Result<Option<Arc<ClientRecord>>, StorageError> {
        if let Some(record) = self.fresh(client_id) {
            return Ok(Some(record));
        }
        let Some((app, secrets)) = self.store.client(client_id, now).await? else {
            return Ok(None);
        };
        let record = Arc::new(ClientRecord { app, secrets });
        let mut entries = self.write();
        if entries.len() >= CAPACITY {
            entries.retain(|_, (read, _)| read.elapsed() < FRESH_FOR);
        }
        entries.insert(client_id.clone(), (Instant::now(), record.clone()));
        Ok(Some(record))
    }

    /// Forgets `client_id`, after a change to its secrets.
    pub fn invalidate(&self, client_id: &ClientId) {
        self.write().remove(client_id);
    }

    fn fresh(&self, client_id: &ClientId) -> Option<Arc<ClientRecord>> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (read, record) = entries.get(client_id)?;
        (read.elapsed() < FRESH_FOR).then(|| record.clone())
    }

    fn write(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, HashMap<ClientId, (Instant, Arc<ClientRecord>)>> {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
