//! API keys and what each may do. A key file (`--keys FILE`) lists one key a line:
//!
//! ```text
//! # id   sha256 of the key (hex)                                          limits
//! station-3 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 rps=20 burst=40 jobs=2
//! ```
//!
//! The key itself is never at rest: a request's key is hashed and compared, in
//! constant time, with every hash in the file (`carematch key` makes a key and its
//! line). Each key has its own rate (`rps`, `burst`: beyond them 429 with
//! `Retry-After` and `RateLimit-*` headers) and its own limit on running solve jobs
//! (`jobs`: beyond it, its jobs wait in the queue); without a limit on the line the
//! service's defaults hold. Sessions and jobs belong to the key that made them.
//! Without keys the service is open and everything belongs to the id `""`.

use std::collections::HashMap;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// A caller, as the handlers see it: its key id and its limit on running jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key id (`""` without keys).
    pub id: String,
    /// Solve jobs it may run at once.
    pub jobs: usize,
}

/// The limits of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests a second, on average (0: no limit).
    pub rps: u32,
    /// Requests at once above the rate.
    pub burst: u32,
    /// Solve jobs running at once.
    pub jobs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            rps: 50,
            burst: 100,
            jobs: 2,
        }
    }
}

/// One key: its id, its hash, its limits.
struct Key {
    id: String,
    hash: [u8; 32],
    limits: Limits,
    rate: Option<DefaultDirectRateLimiter>,
}

/// The keys the service accepts (none: open).
pub struct Keys {
    keys: Vec<Key>,
    open: Limits,
    open_rate: Option<DefaultDirectRateLimiter>,
}

/// SHA-256 of `key`, in hex: what a key file holds.
///
/// ```
/// assert_eq!(carematch_server::keys::hash_hex("test").len(), 64);
/// ```
pub fn hash_hex(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The limiter of `l`; none when its `rps` is 0.
fn rate(l: &Limits) -> Option<DefaultDirectRateLimiter> {
    let rps = NonZeroU32::new(l.rps)?;
    let burst = NonZeroU32::new(l.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Some(DefaultDirectRateLimiter::direct(
        Quota::per_second(rps).allow_burst(burst),
    ))
}

impl Keys {
    /// No keys: every request is the open caller's, with `defaults`.
    pub fn open(defaults: Limits) -> Self {
        Self {
            keys: Vec::new(),
            open_rate: rate(&defaults),
            open: defaults,
        }
    }

    /// One key given as it is (`--api-key-file`), id `default`.
    pub fn single(key: &str, defaults: Limits) -> Self {
        let mut k = Self::open(defaults);
        k.push(
            "default".into(),
            Sha256::digest(key.as_bytes()).into(),
            defaults,
        );
        k
    }

    fn push(&mut self, id: String, hash: [u8; 32], limits: Limits) {
        self.keys.push(Key {
            id,
            hash,
            rate: rate(&limits),
            limits,
        });
    }

    /// The keys of a key file's text (see the module docs); `defaults` where a line
    /// gives no limit. Errors name the line.
    ///
    /// ```
    /// use carematch_server::keys::{hash_hex, Keys, Limits};
    /// let text = format!("# a comment\nst-1 {} jobs=1\n", hash_hex("secret"));
    /// let keys = Keys::parse(&text, Limits::default()).unwrap();
    /// assert_eq!(keys.caller(Some("secret")).unwrap().id, "st-1");
    /// assert!(keys.caller(Some("wrong")).is_err());
    /// assert!(Keys::parse("st-1 nothex", Limits::default()).is_err());
    /// ```
    pub fn parse(text: &str, defaults: Limits) -> Result<Self, String> {
        let mut keys = Self::open(defaults);
        for (k, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let at = |msg: &str| format!("line {}: {msg}", k + 1);
            let mut words = line.split_whitespace();
            let (Some(id), Some(hex)) = (words.next(), words.next()) else {
                return Err(at("give an id and the key's sha256"));
            };
            let hash = unhex(hex).ok_or_else(|| at("the hash is not 64 hex digits"))?;
            if keys.keys.iter().any(|x| x.id == id) {
                return Err(at("an id given twice"));
            }
            let mut limits = defaults;
            for w in words {
                let (name, value) = w
                    .split_once('=')
                    .ok_or_else(|| at("a limit is name=value"))?;
                let v: u32 = value.parse().map_err(|_| at("a limit is a whole number"))?;
                match name {
                    "rps" => limits.rps = v,
                    "burst" => limits.burst = v,
                    "jobs" => limits.jobs = v as usize,
                    _ => return Err(at("limits are rps, burst and jobs")),
                }
            }
            keys.push(id.to_owned(), hash, limits);
        }
        Ok(keys)
    }

    /// Whether keys are required.
    pub fn required(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The caller a request's key (`None`: none given) identifies: every hash
    /// compared in constant time, so the answer takes as long whichever key matches.
    pub fn caller(&self, given: Option<&str>) -> Result<Caller, ApiError> {
        if self.keys.is_empty() {
            return Ok(Caller {
                id: String::new(),
                jobs: self.open.jobs,
            });
        }
        let hash: [u8; 32] = Sha256::digest(given.unwrap_or("").as_bytes()).into();
        let mut found: Option<&Key> = None;
        for k in &self.keys {
            if bool::from(k.hash.ct_eq(&hash)) {
                found = Some(k);
            }
        }
        let k = found
            .filter(|_| given.is_some())
            .ok_or(ApiError::Unauthorized)?;
        Ok(Caller {
            id: k.id.clone(),
            jobs: k.limits.jobs,
        })
    }

    /// Counts a request of `caller` against its rate: 429 when it is over.
    pub fn admit(&self, caller: &Caller) -> Result<(), ApiError> {
        let (rate, limits) = match self.keys.iter().find(|k| k.id == caller.id) {
            Some(k) => (&k.rate, k.limits),
            None => (&self.open_rate, self.open),
        };
        let Some(rate) = rate else { return Ok(()) };
        rate.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            ApiError::TooManyRequests {
                retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
                limit: limits.rps,
            }
        })
    }

    /// The limit on running jobs of each key id (the open limit for unknown ids).
    pub fn job_limits(&self) -> HashMap<String, usize> {
        let mut m: HashMap<String, usize> = self
            .keys
            .iter()
            .map(|k| (k.id.clone(), k.limits.jobs))
            .collect();
        m.insert(String::new(), self.open.jobs);
        m
    }
}

/// 32 bytes from 64 hex digits.
fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (k, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * k..2 * k + 2)?, 16).ok()?;
    }
    Some(out)
}
