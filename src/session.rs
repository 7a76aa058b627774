//! Web sessions and CSRF tokens for the forms of the web UI.
//!
//! A login gives a random session id in an `HttpOnly`, `SameSite=Strict` cookie; the session
//! (in memory: a restart logs everyone out, nothing else is lost) holds the [`Principal`] and
//! its CSRF token. Every form carries a CSRF token that must match: the session's for people
//! logged in, else a random `samapne_csrf` cookie (double submit) for the public forms.
use crate::auth::Principal;
use crate::throttle::Throttle;
use axum::http::{HeaderMap, header};
use rand::RngCore;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "samapne_session";
pub const CSRF_COOKIE: &str = "samapne_csrf";
/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// At most this many live sessions; expired ones are dropped first.
const MAX_SESSIONS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf: String,
    last_seen: Instant,
}

/// Live sessions, and failed logins (a throttle against guessing): per account name, five
/// failures make the name wait 15 minutes; per client address, [`LOGINS_PER_ADDRESS`]
/// failures with any names make the address wait as long (each try costs an argon2 run,
/// known name or not, so unknown names must be counted too).
pub struct Sessions {
    live: Mutex<HashMap<String, Session>>,
    by_name: Throttle,
    by_address: Throttle,
}

/// Failed logins one client address may make in 15 minutes, whatever the names.
pub const LOGINS_PER_ADDRESS: u32 = 20;

impl Default for Sessions {
    fn default() -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            live: Mutex::default(),
            by_name: Throttle::new(5, window),
            by_address: Throttle::new(LOGINS_PER_ADDRESS, window),
        }
    }
}

/// Why a login may not be tried now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    /// Too many recent failures for this account name.
    Name,
    /// Too many recent failures from this client address.
    Address,
}

/// 32 random bytes, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Sessions {
    /// Starts a session for `principal`; returns its id.
    pub fn start(&self, principal: Principal) -> String {
        let id = random_token();
        let mut map = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, s| s.last_seen.elapsed() < IDLE);
            if map.len() >= MAX_SESSIONS
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, s)| s.last_seen)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(
            id.clone(),
            Session {
                principal,
                csrf: random_token(),
                last_seen: Instant::now(),
            },
        );
        id
    }

    /// The live session of the request's cookie, if any.
    pub fn of(&self, headers: &HeaderMap) -> Option<Session> {
        let id = cookie(headers, SESSION_COOKIE)?;
        let mut map = self.live.lock().unwrap_or_else(|e| e.into_inner());
        match map.get_mut(&id) {
            Some(s) if s.last_seen.elapsed() < IDLE => {
                s.last_seen = Instant::now();
                Some(s.clone())
            }
            Some(_) => {
                map.remove(&id);
                None
            }
            None => None,
        }
    }

    /// Whether `name` may try to log in now from `address` (`None`: a caller in the same
    /// process, counted by name only). The attempt is counted now, before the password is
    /// checked (a burst cannot pass before its first failure is counted); [`Sessions::attempted`]
    /// takes a success back.
    pub fn may_try(&self, name: &str, address: Option<IpAddr>) -> Result<(), Throttled> {
        let address = address.map(|a| crate::throttle::client_key(a).to_string());
        if address.as_ref().is_some_and(|a| !self.by_address.take(a)) {
            return Err(Throttled::Address);
        }
        if !self.by_name.take(name) {
            if let Some(a) = &address {
                self.by_address.give_back(a);
            }
            return Err(Throttled::Name);
        }
        Ok(())
    }

    /// Records a login attempt's outcome for `name` from `address` (counted by
    /// [`Sessions::may_try`]). A success forgets the name's failures and takes back the
    /// address's count of this attempt, but not its earlier failures: one good account must not
    /// reset a guesser.
    pub fn attempted(&self, name: &str, address: Option<IpAddr>, ok: bool) {
        if ok {
            self.by_name.clear(name);
            if let Some(a) = address {
                self.by_address
                    .give_back(&crate::throttle::client_key(a).to_string());
            }
        }
    }

    pub fn end(&self, headers: &HeaderMap) {
        if let Some(id) = cookie(headers, SESSION_COOKIE) {
            self.live
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
        }
    }
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Secure` on https.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<u64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The CSRF token a form on this response must carry, and the cookie to set for it (public
/// forms of visitors without a token cookie yet).
pub fn csrf_for(session: Option<&Session>, headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(s) = session {
        return (s.csrf.clone(), None);
    }
    match cookie(headers, CSRF_COOKIE) {
        Some(c) => (c, None),
        None => {
            let token = random_token();
            (token.clone(), Some(token))
        }
    }
}

/// Whether a submitted form's token is the one of its session (or of its CSRF cookie).
pub fn csrf_ok(session: Option<&Session>, headers: &HeaderMap, submitted: &str) -> bool {
    let expected = match session {
        Some(s) => Some(s.csrf.clone()),
        None => cookie(headers, CSRF_COOKIE),
    };
    expected.is_some_and(|e| constant_time_eq(e.as_bytes(), submitted.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
