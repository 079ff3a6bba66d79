//! Latency percentiles and request rates from raw samples.

use std::time::Duration;

/// Latency percentiles, in microseconds, by the nearest-rank method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentiles {
    /// Median.
    pub p50: u32,
    /// 90th percentile.
    pub p90: u32,
    /// 99th percentile.
    pub p99: u32,
    /// Slowest sample.
    pub max: u32,
}

impl Percentiles {
    /// Percentiles of `samples`, or `None` when there are none.
    pub fn of(mut samples: Vec<u32>) -> Option<Percentiles> {
        samples.sort_unstable();
        Some(Percentiles {
            p50: nearest_rank(&samples, 50)?,
            p90: nearest_rank(&samples, 90)?,
            p99: nearest_rank(&samples, 99)?,
            max: *samples.last()?,
        })
    }
}

/// The smallest sample with at least `percent`% of the samples at or below it.
fn nearest_rank(sorted: &[u32], percent: u64) -> Option<u32> {
    let count = u64::try_from(sorted.len()).ok()?;
    let rank = (percent * count).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// Events per second over `elapsed`; zero when no time passed.
pub fn per_second(count: usize, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// Microseconds as milliseconds.
pub fn millis(micros: u32) -> f64 {
    f64::from(micros) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_a_hundred_are_their_ranks() {
        let samples: Vec<u32> = (1..=100).rev().collect();

        let percentiles = Percentiles::of(samples).unwrap();

        assert_eq!(
            percentiles,
            Percentiles {
                p50: 50,
                p90: 90,
                p99: 99,
                max: 100
            }
        );
    }

    #[test]
    fn percentiles_of_few_samples_round_the_rank_up() {
        let percentiles = Percentiles::of(vec![30, 10, 20]).unwrap();

        assert_eq!(
            percentiles,
            Percentiles {
                p50: 20,
                p90: 30,
                p99: 30,
                max: 30
            }
        );
    }

    #[test]
    fn a_slow_outlier_shows_in_p99_and_max_only() {
        let mut samples = vec![1_000; 999];
        samples.push(250_000);

        let percentiles = Percentiles::of(samples).unwrap();

        assert_eq!((percentiles.p50, percentiles.p99), (1_000, 1_000));
        assert_eq!(percentiles.max, 250_000);
    }

    #[test]
    fn no_samples_have_no_percentiles() {
        assert_eq!(Percentiles::of(Vec::new()), None);
    }

    #[test]
    fn a_rate_divides_by_the_elapsed_seconds() {
        assert_eq!(per_second(500, Duration::from_millis(2_000)), 250.0);
        assert_eq!(per_second(500, Duration::ZERO), 0.0);
        assert_eq!(millis(1_500), 1.5);
    }
}
