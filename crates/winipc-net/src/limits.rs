//! Token buckets (one per source, and overall ceilings) and the duplicate-suppression window:
//! the daemon's bounds on work and memory.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash};
use std::time::{Duration, Instant};

use crate::config::RateLimit;

/// A token bucket: `burst` tokens at most, refilled at `per_second`.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(limit: RateLimit, now: Instant) -> Self {
        TokenBucket {
            per_second: f64::from(limit.per_second),
            burst: f64::from(limit.burst),
            tokens: f64::from(limit.burst),
            last: now,
        }
    }

    /// Whether the bucket has refilled completely by `now` (it then holds nothing that a new
    /// bucket would not).
    pub fn is_full(&self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens + elapsed * self.per_second >= self.burst
    }

    /// Takes one token if there is one.
    pub fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Most sources a [`FairLimiter`] tracks by default.
pub const MAX_SOURCES: usize = 1024;

/// One token bucket per source (an IPv4 address, a local uid), so that one source that floods
/// exhausts only its own bucket and every other source keeps its full rate.
///
/// The table is bounded by `max_sources`: when it is full, buckets that have refilled
/// completely are dropped (a new bucket for that source would be identical), and if none has,
/// the quarter idle longest. A source whose bucket is evicted starts again with a full burst,
/// so a sender spraying forged source addresses is bounded by the overall bucket the daemon
/// applies after this one, not by this table.
#[derive(Debug)]
pub struct FairLimiter<K> {
    limit: RateLimit,
    max_sources: usize,
    buckets: HashMap<K, TokenBucket>,
    evicted: u64,
}

impl<K: Hash + Eq + Copy> FairLimiter<K> {
    /// A limiter giving each source `limit`, tracking at most `max_sources` (at least 1).
    pub fn new(limit: RateLimit, max_sources: usize) -> Self {
        FairLimiter {
            limit,
            max_sources: max_sources.max(1),
            buckets: HashMap::new(),
            evicted: 0,
        }
    }

    /// Takes a token from `source`'s bucket if it has one.
    pub fn allow(&mut self, source: K, now: Instant) -> bool {
        if let Some(b) = self.buckets.get_mut(&source) {
            return b.allow(now);
        }
        if self.buckets.len() >= self.max_sources {
            self.evict(now);
        }
        let mut bucket = TokenBucket::new(self.limit, now);
        let allowed = bucket.allow(now);
        self.buckets.insert(source, bucket);
        allowed
    }

    fn evict(&mut self, now: Instant) {
        let before = self.buckets.len();
        self.buckets.retain(|_, b| !b.is_full(now));
        if self.buckets.len() >= self.max_sources {
            let mut idle: Vec<(Instant, K)> =
                self.buckets.iter().map(|(k, b)| (b.last, *k)).collect();
            let n = (self.max_sources / 4).max(1);
            idle.select_nth_unstable_by_key(n - 1, |(at, _)| *at);
            for (_, k) in idle.iter().take(n) {
                self.buckets.remove(k);
            }
        }
        self.evicted += (before - self.buckets.len()) as u64;
    }

    /// Sources currently tracked (at most `max_sources`).
    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    /// Whether no source is tracked.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Buckets evicted so far.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }
}

/// Most writes remembered by a [`DuplicateWindow`]; older entries are forgotten early.
pub const MAX_REMEMBERED: usize = 4096;

/// Remembers recent writes (by a keyed hash) to drop repeats within a time window, like
/// Netlogon's MailslotDuplicateTimeout. Memory is bounded by [`MAX_REMEMBERED`].
#[derive(Debug)]
pub struct DuplicateWindow {
    window: Duration,
    hasher: RandomState,
    seen: HashMap<u64, Instant>,
    order: VecDeque<(Instant, u64)>,
}

impl DuplicateWindow {
    /// A window of `window` (must be non-zero to be useful).
    pub fn new(window: Duration) -> Self {
        DuplicateWindow {
            window,
            hasher: RandomState::new(),
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Whether `parts` were seen within the window; records them if not.
    pub fn is_duplicate(&mut self, parts: &[&[u8]], now: Instant) -> bool {
        while let Some(&(at, key)) = self.order.front() {
            if now.saturating_duration_since(at) < self.window && self.order.len() < MAX_REMEMBERED
            {
                break;
            }
            self.order.pop_front();
            if self.seen.get(&key) == Some(&at) {
                self.seen.remove(&key);
            }
        }
        let key = self.hasher.hash_one(parts);
        if let Some(&at) = self.seen.get(&key) {
            if now.saturating_duration_since(at) < self.window {
                return true;
            }
        }
        self.seen.insert(key, now);
        self.order.push_back((now, key));
        false
    }

    /// Entries currently remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(
            RateLimit {
                per_second: 10,
                burst: 3,
            },
            t0,
        );
        assert!((0..3).all(|_| b.allow(t0)));
        assert!(!b.allow(t0));
        assert!(b.allow(t0 + Duration::from_millis(100)));
        assert!(!b.allow(t0 + Duration::from_millis(100)));
        let later = t0 + Duration::from_secs(60);
        assert_eq!((0..10).filter(|_| b.allow(later)).count(), 3);
    }

    #[test]
    fn fair_limiter_isolates_sources_and_stays_bounded() {
        let t0 = Instant::now();
        let limit = RateLimit {
            per_second: 10,
            burst: 5,
        };
        let mut f = FairLimiter::new(limit, 8);
        // One source floods: it gets its burst, then nothing.
        assert_eq!((0..1000).filter(|_| f.allow(1u32, t0)).count(), 5);
        // Another source is untouched by that.
        assert_eq!((0..5).filter(|_| f.allow(2u32, t0)).count(), 5);
        // Thousands of sources: the table stays bounded.
        for s in 0..5000u32 {
            f.allow(100 + s, t0 + Duration::from_millis(u64::from(s)));
        }
        assert!(f.len() <= 8, "{}", f.len());
        assert!(f.evicted() > 0);
        // After a while the flooder is back to its rate, no more.
        let later = t0 + Duration::from_secs(100);
        assert_eq!((0..1000).filter(|_| f.allow(1u32, later)).count(), 5);
    }

    #[test]
    fn window() {
        let t0 = Instant::now();
        let mut w = DuplicateWindow::new(Duration::from_secs(2));
        assert!(!w.is_duplicate(&[b"A", b"x"], t0));
        assert!(w.is_duplicate(&[b"A", b"x"], t0 + Duration::from_secs(1)));
        assert!(!w.is_duplicate(&[b"A", b"y"], t0 + Duration::from_secs(1)));
        assert!(!w.is_duplicate(&[b"A", b"x"], t0 + Duration::from_secs(3)));
        for i in 0..3 * MAX_REMEMBERED as u32 {
            w.is_duplicate(&[&i.to_le_bytes()], t0 + Duration::from_secs(4));
        }
        assert!(w.len() <= MAX_REMEMBERED + 1);
    }
}
