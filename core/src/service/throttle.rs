//! Throttling of failed client authentication, per client id and per source address, so a
//! secret cannot be guessed by brute force. State is per core: each replica throttles alone.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::clock::SharedClock;
use crate::error::CoreError;

/// Failures allowed per client id within the window.
const CLIENT_LIMIT: u32 = 10;
/// Failures allowed per source address within the window.
const ADDRESS_LIMIT: u32 = 30;
/// Entries kept before stale ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Client(String),
    Address(String),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: DateTime<Utc>,
    failures: u32,
}

/// Counts failures in fixed windows and refuses further attempts once a limit is reached.
#[derive(Debug)]
pub struct Throttle {
    windows: Mutex<HashMap<Key, Window>>,
    clock: SharedClock,
    window: Duration,
}

impl Throttle {
    /// A throttle with windows of `window`.
    pub fn new(clock: SharedClock, window: Duration) -> Throttle {
        Throttle {
            windows: Mutex::new(HashMap::new()),
            clock,
            window,
        }
    }

    /// Refuses an attempt from a client id or address that failed too often lately.
    pub fn check(&self, client_id: &str, address: Option<&str>) -> Result<(), CoreError> {
        let now = self.clock.now();
        let windows = self.lock();
        let mut wait = None;
        for (key, limit) in keys(client_id, address) {
            if let Some(window) = windows.get(&key)
                && window.failures >= limit
                && now < window.started + self.window
            {
                let left = (window.started + self.window - now).num_seconds().max(1);
                wait = wait.max(Some(left));
            }
        }
        match wait {
            Some(seconds) => Err(CoreError::RateLimited {
                retry_after_secs: u64::try_from(seconds).unwrap_or(1),
            }),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt.
    pub fn failed(&self, client_id: &str, address: Option<&str>) {
        let now = self.clock.now();
        let mut windows = self.lock();
        if windows.len() >= SWEEP_AT {
            let window = self.window;
            windows.retain(|_, entry| now < entry.started + window);
        }
        for (key, _) in keys(client_id, address) {
            let entry = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now >= entry.started + self.window {
                *entry = Window {
                    started: now,
                    failures: 0,
                };
            }
            entry.failures += 1;
        }
    }

    /// Forgets a client's failures after it authenticated.
    pub fn succeeded(&self, client_id: &str) {
        self.lock().remove(&Key::Client(client_id.to_owned()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Window>> {
        self.windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn keys(client_id: &str, address: Option<&str>) -> Vec<(Key, u32)> {
    let mut keys = vec![(Key::Client(client_id.to_owned()), CLIENT_LIMIT)];
    if let Some(address) = address.filter(|a| !a.is_empty()) {
        keys.push((Key::Address(address.to_owned()), ADDRESS_LIMIT));
    }
    keys
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;

    fn throttle() -> (Throttle, ManualClock) {
        let clock = ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        (
            Throttle::new(Arc::new(clock.clone()), Duration::seconds(60)),
            clock,
        )
    }

    #[test]
    fn a_client_is_refused_after_ten_failures_until_the_window_passes() {
        let (throttle, clock) = throttle();
        for _ in 0..CLIENT_LIMIT {
            assert!(throttle.check("app_1", None).is_ok());
            throttle.failed("app_1", None);
        }
        let Err(CoreError::RateLimited { retry_after_secs }) = throttle.check("app_1", None) else {
            panic!("expected throttling");
        };
        assert_eq!(retry_after_secs, 60);
        assert!(
            throttle.check("app_2", None).is_ok(),
            "other clients are unaffected"
        );
        clock.advance(Duration::seconds(60));
        assert!(throttle.check("app_1", None).is_ok());
    }

    #[test]
    fn an_address_guessing_many_client_ids_is_refused_too() {
        let (throttle, _) = throttle();
        for i in 0..ADDRESS_LIMIT {
            throttle.failed(&format!("app_{i}"), Some("203.0.113.9"));
        }
        assert!(throttle.check("app_fresh", Some("203.0.113.9")).is_err());
        assert!(throttle.check("app_fresh", Some("198.51.100.1")).is_ok());
    }

    #[test]
    fn success_clears_the_clients_count() {
        let (throttle, _) = throttle();
        for _ in 0..CLIENT_LIMIT - 1 {
            throttle.failed("app_1", None);
        }
        throttle.succeeded("app_1");
        throttle.failed("app_1", None);
        assert!(throttle.check("app_1", None).is_ok());
    }
}
