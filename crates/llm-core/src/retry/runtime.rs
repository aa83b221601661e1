//! The injectable pieces of the retry loop: sleep, wall clock and randomness.
//!
//! Tests replace them to assert exact attempt counts and delays without sleeping.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// A boxed, sendable future returning `()`.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits for a duration. The default uses `tokio::time::sleep`.
///
/// ```
/// use llm_core::retry::{Sleep, SleepFuture};
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// /// Records the requested delays and returns at once.
/// #[derive(Debug, Default)]
/// struct Recorder(Arc<Mutex<Vec<Duration>>>);
///
/// impl Sleep for Recorder {
///     fn sleep(&self, delay: Duration) -> SleepFuture {
///         self.0.lock().unwrap().push(delay);
///         Box::pin(async {})
///     }
/// }
/// ```
pub trait Sleep: Send + Sync + Debug {
    /// A future that completes after `delay`.
    fn sleep(&self, delay: Duration) -> SleepFuture;
}

/// The wall clock, used to turn a `Retry-After` HTTP date into a delay.
pub trait Clock: Send + Sync + Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// A source of random samples in `0.0..=1.0` for backoff jitter.
pub trait Jitter: Send + Sync + Debug {
    /// One sample.
    fn sample(&self) -> f64;
}

/// [`Sleep`] on the tokio timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(delay))
    }
}

/// [`Clock`] reading `SystemTime::now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// [`Jitter`] from a fast thread-local PRNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn sample(&self) -> f64 {
        fastrand::f64()
    }
}

/// [`Jitter`] that always returns the same sample (for tests and reproducible runs).
///
/// ```
/// use llm_core::retry::{FixedJitter, Jitter};
/// assert_eq!(FixedJitter(0.0).sample(), 0.0);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn sample(&self) -> f64 {
        self.0
    }
}
