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

    /// Counts one hit of `key` unless it has used up its hits: check and count at once, so
    /// that a burst of concurrent attempts cannot all pass before the first is counted.
    pub fn take(&self, key: &str) -> bool {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() >= MAX_KEYS {
            hits.retain(|_, (_, since)| since.elapsed() < self.window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        if entry.0 >= self.max {
            return false;
        }
        entry.0 += 1;
        true
    }

    /// Takes back one hit of `key` (an attempt counted by [`Throttle::take`] that succeeded).
    pub fn give_back(&self, key: &str) {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = hits.get_mut(key) {
            entry.0 = entry.0.saturating_sub(1);
        }
    }

    /// Forgets `key` (a successful login).
    pub fn clear(&self, key: &str) {
        self.hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// The key a client address is counted under: an IPv6 client by its /64 (one host commonly
/// has a whole /64), an IPv4-mapped address as IPv4.
pub fn client_key(ip: std::net::IpAddr) -> std::net::IpAddr {
    use std::net::{IpAddr, Ipv6Addr};
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
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

    #[test]
    fn take_counts_at_once_and_gives_back() {
        let t = Throttle::new(2, Duration::from_secs(60));
        assert!(t.take("a") && t.take("a"));
        assert!(!t.take("a"), "the third attempt is refused before it runs");
        t.give_back("a");
        assert!(t.take("a"));
        let a: std::net::IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        let mapped: std::net::IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(
            client_key(mapped),
            "10.0.0.1".parse::<std::net::IpAddr>().unwrap()
        );
    }
}
