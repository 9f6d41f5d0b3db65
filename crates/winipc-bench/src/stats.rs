//! Medians, percentiles and spread.

use serde::{Deserialize, Serialize};

/// Summary of one run's latency samples.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Latency {
    /// Number of timed operations.
    pub samples: u64,
    /// Median, µs.
    pub median_us: f64,
    /// 99th percentile, µs.
    pub p99_us: f64,
    /// Mean, µs.
    pub mean_us: f64,
    /// Smallest, µs.
    pub min_us: f64,
    /// Largest, µs.
    pub max_us: f64,
    /// Operations per second over the timed window.
    pub per_second: f64,
}

/// Nearest-rank percentile of sorted data; `q` in `0..=1`.
pub fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summarises nanosecond samples taken over `elapsed_ns`.
pub fn latency(samples_ns: &mut [u64], elapsed_ns: u64) -> Latency {
    samples_ns.sort_unstable();
    let us = |ns: u64| ns as f64 / 1000.0;
    let n = samples_ns.len();
    let sum: u128 = samples_ns.iter().map(|&s| u128::from(s)).sum();
    Latency {
        samples: n as u64,
        median_us: us(percentile(samples_ns, 0.5)),
        p99_us: us(percentile(samples_ns, 0.99)),
        mean_us: if n == 0 {
            0.0
        } else {
            sum as f64 / n as f64 / 1000.0
        },
        min_us: us(samples_ns.first().copied().unwrap_or(0)),
        max_us: us(samples_ns.last().copied().unwrap_or(0)),
        per_second: if elapsed_ns == 0 {
            0.0
        } else {
            n as f64 * 1e9 / elapsed_ns as f64
        },
    }
}

/// Median of a few figures (mean of the middle two for even counts).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Spread of repeated figures: (max − min) / median.
pub fn spread(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    let med = median(values);
    if values.len() < 2 || med == 0.0 {
        0.0
    } else {
        (max - min) / med
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_medians() {
        let mut s: Vec<u64> = (1..=100).map(|x| x * 1000).collect();
        let l = latency(&mut s, 1_000_000_000);
        assert_eq!((l.median_us, l.p99_us, l.per_second), (50.0, 99.0, 100.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!((spread(&[9.0, 10.0, 11.0]) - 0.2).abs() < 1e-12);
    }
}
