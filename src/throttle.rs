//! Counting attempts per key in a time window: failed logins per account name, anonymous
//! writes (needs, interest) per client address. In memory, bounded.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `max` hits per key within `window` (from the key's first hit).
pub struct Throttle {
    hits: Mutex<HashMap<String, (u32, Instant)>>,
    max: u32,
    window: Duration,
}

/// Keys kept at most; past this, keys whose window has passed are dropped.
const MAX_KEYS: usize = 100_000;

impl Throttle {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            hits: Mutex::default(),
            max,
            window,
        }
    }

    /// Whether `key` has used up its hits for now.
    pub fn blocked(&self, key: &str) -> bool {
        let hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.get(key)
            .is_some_and(|(n, since)| *n >= self.max && since.elapsed() < self.window)
    }

    /// Counts one hit of `key`.
    pub fn hit(&self, key: &str) {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() >= MAX_KEYS {
            hits.retain(|_, (_, since)| since.elapsed() < self.window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    /// Forgets `key` (a successful login).
    pub fn clear(&self, key: &str) {
        self.hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_hits_until_cleared() {
        let t = Throttle::new(2, Duration::from_secs(60));
        t.hit("a");
        assert!(!t.blocked("a"));
        t.hit("a");
        assert!(t.blocked("a") && !t.blocked("b"));
        t.clear("a");
        assert!(!t.blocked("a"));
        let short = Throttle::new(1, Duration::from_millis(1));
        short.hit("a");
        std::thread::sleep(Duration::from_millis(5));
        assert!(!short.blocked("a"), "the window has passed");
    }
}
