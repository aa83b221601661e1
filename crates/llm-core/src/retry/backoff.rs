//! Exponential backoff with jitter.

use std::time::Duration;

/// Exponential backoff: `initial * 2^n`, capped at `max`, then shortened by up to
/// `jitter` (a fraction) times a random sample, so clients that failed together do not
/// retry together.
///
/// ```
/// use llm_core::retry::Backoff;
/// use std::time::Duration;
///
/// let b = Backoff::default();
/// // With a jitter sample of 0 the delays are exact: 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s.
/// assert_eq!(b.delay(0, 0.0), Duration::from_millis(500));
/// assert_eq!(b.delay(1, 0.0), Duration::from_secs(1));
/// assert_eq!(b.delay(10, 0.0), Duration::from_secs(8));
/// // A sample of 1 takes the full jitter (25 % by default) off.
/// assert_eq!(b.delay(0, 1.0), Duration::from_millis(375));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    jitter: f64,
}

impl Default for Backoff {
    /// 0.5 s doubling up to 8 s, with 25 % jitter.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(8),
            jitter: 0.25,
        }
    }
}

impl Backoff {
    /// A backoff starting at `initial` and capped at `max`, with the default 25 % jitter.
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            max,
            ..Self::default()
        }
    }

    /// Sets the jitter fraction, clamped to `0.0..=1.0` (0 disables jitter).
    #[must_use]
    pub fn with_jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// The first delay.
    pub fn initial(&self) -> Duration {
        self.initial
    }

    /// The largest delay.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// The delay before retry number `retry` (0-based) given a random `sample` in `0..=1`.
    pub fn delay(&self, retry: u32, sample: f64) -> Duration {
        let factor = 2f64.powi(retry.min(62) as i32);
        let base = self.initial.as_secs_f64() * factor;
        let capped = base.min(self.max.as_secs_f64());
        let sample = if sample.is_finite() {
            sample.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // `try_`: a `max` near `Duration::MAX` does not survive the trip through `f64`.
        Duration::try_from_secs_f64(capped * (1.0 - self.jitter * sample)).unwrap_or(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_and_caps() {
        let b = Backoff::default().with_jitter(0.0);
        let delays: Vec<_> = (0..7).map(|n| b.delay(n, 0.9).as_millis()).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    }

    #[test]
    fn jitter_bounds() {
        let b = Backoff::default();
        assert_eq!(b.delay(2, 0.0), Duration::from_secs(2));
        assert_eq!(b.delay(2, 1.0), Duration::from_millis(1500));
        assert_eq!(b.delay(2, 0.5), Duration::from_millis(1750));
        assert_eq!(b.delay(u32::MAX, 0.0), Duration::from_secs(8));
        assert_eq!(b.delay(0, f64::NAN), Duration::from_millis(500));
    }

    #[test]
    fn huge_settings_do_not_panic() {
        let b = Backoff::new(Duration::MAX, Duration::MAX).with_jitter(0.0);
        assert_eq!(b.delay(u32::MAX, 0.0), Duration::MAX);
        assert_eq!(b.delay(0, 0.0), Duration::MAX);
    }
}
