//! The injectable pieces of the retry loop: sleep, wall clock and randomness.
//!
//! Tests replace them to assert exact attempt counts and delays without sleeping.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// A boxed, sendable future returning `()`.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits for a duration. The default uses `tokio::time::sleep`; tests use
/// [`RecordingSleep`], which records the delay and returns at once.
///
/// A custom one only has to return a future:
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

/// [`Sleep`] that records each requested delay and returns at once, so retry tests run
/// instantly and can assert the exact backoff.
///
/// Clones share one record: hand a clone (or [`arc`](Self::arc)) to a client's
/// `sleep_impl` and read the delays from the original.
///
/// ```
/// use std::time::Duration;
/// use llm_core::retry::{RecordingSleep, Sleep};
///
/// let sleep = RecordingSleep::new();
/// let handed_out = sleep.clone();
/// futures_executor::block_on(handed_out.sleep(Duration::from_millis(500)));
/// futures_executor::block_on(handed_out.sleep(Duration::from_secs(1)));
/// assert_eq!(sleep.delays(), [Duration::from_millis(500), Duration::from_secs(1)]);
/// assert_eq!(sleep.retries(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

impl RecordingSleep {
    /// A recorder with nothing recorded yet.
    ///
    /// ```
    /// use llm_core::retry::RecordingSleep;
    ///
    /// assert!(RecordingSleep::new().delays().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The delays requested so far, in order (one per retry of a retry loop).
    ///
    /// ```
    /// use std::time::Duration;
    /// use llm_core::retry::{RecordingSleep, Sleep};
    ///
    /// let sleep = RecordingSleep::new();
    /// // The delay is recorded when the sleep is requested; the future completes at once.
    /// let _ready = sleep.sleep(Duration::from_millis(250));
    /// assert_eq!(sleep.delays(), [Duration::from_millis(250)]);
    /// ```
    pub fn delays(&self) -> Vec<Duration> {
        self.record().clone()
    }

    /// How many sleeps were requested so far: the number of retries a retry loop made.
    ///
    /// ```
    /// use std::time::Duration;
    /// use llm_core::retry::{RecordingSleep, Sleep};
    ///
    /// let sleep = RecordingSleep::new();
    /// for delay in [1, 2, 4] {
    ///     futures_executor::block_on(sleep.sleep(Duration::from_secs(delay)));
    /// }
    /// assert_eq!(sleep.retries(), 3);
    /// ```
    pub fn retries(&self) -> usize {
        self.record().len()
    }

    /// A clone as the trait object that `sleep_impl` of the transport and client builders
    /// takes; it records into the same list.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use llm_core::retry::{RecordingSleep, Sleep};
    ///
    /// let sleep = RecordingSleep::new();
    /// let object: Arc<dyn Sleep> = sleep.arc();
    /// futures_executor::block_on(object.sleep(Duration::from_secs(2)));
    /// assert_eq!(sleep.delays(), [Duration::from_secs(2)]);
    /// ```
    pub fn arc(&self) -> Arc<dyn Sleep> {
        Arc::new(self.clone())
    }

    /// The record, also after a panic elsewhere poisoned the lock (a `Vec` push cannot
    /// leave it half-written).
    fn record(&self) -> MutexGuard<'_, Vec<Duration>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        self.record().push(delay);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_sleep_survives_a_poisoned_lock() {
        let sleep = RecordingSleep::new();
        drop(sleep.sleep(Duration::from_secs(1)));
        let shared = sleep.clone();
        let poisoner = std::thread::spawn(move || {
            let _guard = shared.0.lock();
            panic!("poison the record");
        });
        assert!(poisoner.join().is_err());
        assert!(sleep.0.is_poisoned());
        drop(sleep.sleep(Duration::from_secs(2)));
        assert_eq!(
            sleep.delays(),
            [Duration::from_secs(1), Duration::from_secs(2)]
        );
        assert_eq!(sleep.retries(), 2);
    }
}
