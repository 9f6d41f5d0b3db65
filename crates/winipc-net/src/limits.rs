//! Token buckets and the duplicate-suppression window: the daemon's bounds on work and memory.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
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
