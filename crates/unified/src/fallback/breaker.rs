//! A circuit breaker per model: stop calling a model that mostly fails, let one probe
//! through after a cool-down, and close again when the probe succeeds.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use llm_core::retry::{Clock, SystemClock};

/// The most call outcomes a breaker remembers (older ones are dropped first), so its memory
/// is bounded whatever the call rate.
const MAX_OUTCOMES: usize = 4096;

/// When a [`CircuitBreaker`] opens and for how long.
///
/// Defaults: it opens when, among the calls of the last **30 s**, at least **5** were made
/// and at least **50 %** failed; it stays open for **30 s**, then lets **one** probe call
/// through (half-open): success closes it, failure opens it for another 30 s.
///
/// ```
/// use std::time::Duration;
/// let config = unified::BreakerConfig::default();
/// assert_eq!((config.window, config.min_calls, config.failure_rate, config.cooldown),
///            (Duration::from_secs(30), 5, 0.5, Duration::from_secs(30)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct BreakerConfig {
    /// How far back call outcomes count.
    pub window: Duration,
    /// The fewest calls in the window before the breaker may open (one failure never opens
    /// it, unless this is 1).
    pub min_calls: u32,
    /// The failed share of the window's calls (`0.0..=1.0`) at which it opens.
    pub failure_rate: f64,
    /// How long it stays open before a probe is let through.
    pub cooldown: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(30),
            min_calls: 5,
            failure_rate: 0.5,
            cooldown: Duration::from_secs(30),
        }
    }
}

impl BreakerConfig {
    /// The default figures.
    ///
    /// ```
    /// assert_eq!(unified::BreakerConfig::new(), unified::BreakerConfig::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the window.
    ///
    /// ```
    /// let c = unified::BreakerConfig::new().window(std::time::Duration::from_secs(60));
    /// assert_eq!(c.window.as_secs(), 60);
    /// ```
    #[must_use]
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Sets the minimum number of calls (at least 1).
    ///
    /// ```
    /// assert_eq!(unified::BreakerConfig::new().min_calls(0).min_calls, 1);
    /// ```
    #[must_use]
    pub fn min_calls(mut self, calls: u32) -> Self {
        self.min_calls = calls.max(1);
        self
    }

    /// Sets the failure rate, clamped to `0.0..=1.0` (a non-finite value keeps the default).
    ///
    /// ```
    /// assert_eq!(unified::BreakerConfig::new().failure_rate(2.0).failure_rate, 1.0);
    /// ```
    #[must_use]
    pub fn failure_rate(mut self, rate: f64) -> Self {
        if rate.is_finite() {
            self.failure_rate = rate.clamp(0.0, 1.0);
        }
        self
    }

    /// Sets the cool-down.
    ///
    /// ```
    /// let c = unified::BreakerConfig::new().cooldown(std::time::Duration::from_secs(5));
    /// assert_eq!(c.cooldown.as_secs(), 5);
    /// ```
    #[must_use]
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }
}

/// The state of a [`CircuitBreaker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BreakerState {
    /// Calls go through; outcomes are counted.
    Closed,
    /// Calls are refused until the cool-down has passed.
    Open,
    /// The cool-down has passed: one probe call may go through (or is under way).
    HalfOpen,
}

#[derive(Debug)]
enum Phase {
    Closed,
    Open { since: SystemTime },
    HalfOpen { probing: bool },
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// (when, failed) of recent calls, oldest first.
    outcomes: VecDeque<(SystemTime, bool)>,
    last_failure: Option<SystemTime>,
}

/// A circuit breaker for one model, shared by its clones. Time comes from an injectable
/// [`Clock`] (the system clock by default), so tests can move it.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use unified::{BreakerConfig, BreakerState, CircuitBreaker, ManualClock};
///
/// let clock = Arc::new(ManualClock::new());
/// let breaker = CircuitBreaker::with_clock(BreakerConfig::new().min_calls(2), clock.clone());
/// breaker.record_failure();
/// assert_eq!(breaker.state(), BreakerState::Closed); // one failure never opens it
/// breaker.record_failure();
/// assert_eq!(breaker.state(), BreakerState::Open);
/// assert!(breaker.try_acquire().is_none());
/// clock.advance(Duration::from_secs(30));
/// let probe = breaker.try_acquire().expect("one probe");
/// assert!(breaker.try_acquire().is_none()); // only one
/// probe.success();
/// assert_eq!(breaker.state(), BreakerState::Closed);
/// ```
#[derive(Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    clock: Arc<dyn Clock>,
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("config", &self.config)
            .field("state", &self.state())
            .finish()
    }
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        Self::new(BreakerConfig::default())
    }
}

impl CircuitBreaker {
    /// A closed breaker on the system clock.
    ///
    /// ```
    /// let breaker = unified::CircuitBreaker::new(unified::BreakerConfig::default());
    /// assert_eq!(breaker.state(), unified::BreakerState::Closed);
    /// ```
    pub fn new(config: BreakerConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A closed breaker reading time from `clock`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let breaker = unified::CircuitBreaker::with_clock(unified::BreakerConfig::default(), Arc::new(unified::ManualClock::new()));
    /// assert_eq!(breaker.state(), unified::BreakerState::Closed);
    /// ```
    pub fn with_clock(config: BreakerConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            config,
            clock,
            state: Arc::new(Mutex::new(State {
                phase: Phase::Closed,
                outcomes: VecDeque::new(),
                last_failure: None,
            })),
        }
    }

    /// The figures.
    ///
    /// ```
    /// assert_eq!(unified::CircuitBreaker::default().config().min_calls, 5);
    /// ```
    pub fn config(&self) -> BreakerConfig {
        self.config
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Plain data: a panic elsewhere cannot leave it inconsistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn elapsed_since(&self, then: SystemTime) -> Duration {
        // A clock that went backwards counts as no time passed.
        self.clock
            .now()
            .duration_since(then)
            .unwrap_or(Duration::ZERO)
    }

    /// The state now (an open breaker whose cool-down has passed reads as half-open).
    ///
    /// ```
    /// assert_eq!(unified::CircuitBreaker::default().state(), unified::BreakerState::Closed);
    /// ```
    pub fn state(&self) -> BreakerState {
        let state = self.lock();
        match state.phase {
            Phase::Closed => BreakerState::Closed,
            Phase::HalfOpen { .. } => BreakerState::HalfOpen,
            Phase::Open { since } if self.elapsed_since(since) >= self.config.cooldown => {
                BreakerState::HalfOpen
            }
            Phase::Open { .. } => BreakerState::Open,
        }
    }

    /// When the last failure was recorded.
    ///
    /// ```
    /// let breaker = unified::CircuitBreaker::default();
    /// assert!(breaker.last_failure().is_none());
    /// breaker.record_failure();
    /// assert!(breaker.last_failure().is_some());
    /// ```
    pub fn last_failure(&self) -> Option<SystemTime> {
        self.lock().last_failure
    }

    /// Asks to make a call: a permit when the breaker is closed, or the one probe of a
    /// half-open breaker; `None` while it is open (or its probe is under way). Record the
    /// call's outcome on the permit; a permit dropped without an outcome frees the probe
    /// slot again.
    ///
    /// ```
    /// let breaker = unified::CircuitBreaker::default();
    /// let permit = breaker.try_acquire().expect("closed");
    /// permit.success();
    /// ```
    pub fn try_acquire(&self) -> Option<CallPermit> {
        let mut state = self.lock();
        let probe = match state.phase {
            Phase::Closed => false,
            Phase::HalfOpen { probing: true } => return None,
            Phase::HalfOpen { probing: false } => true,
            Phase::Open { since } if self.elapsed_since(since) >= self.config.cooldown => true,
            Phase::Open { .. } => return None,
        };
        if probe {
            state.phase = Phase::HalfOpen { probing: true };
        }
        Some(CallPermit {
            breaker: self.clone(),
            probe,
            recorded: false,
        })
    }

    /// A permit whatever the state: a probe call (its outcome closes or re-opens the
    /// breaker). For when every model's breaker is open and one must be tried anyway.
    ///
    /// ```
    /// let breaker = unified::CircuitBreaker::new(unified::BreakerConfig::new().min_calls(1));
    /// breaker.record_failure();
    /// assert!(breaker.try_acquire().is_none());
    /// breaker.force_acquire().success();
    /// assert_eq!(breaker.state(), unified::BreakerState::Closed);
    /// ```
    pub fn force_acquire(&self) -> CallPermit {
        let mut state = self.lock();
        let probe = !matches!(state.phase, Phase::Closed);
        if probe {
            state.phase = Phase::HalfOpen { probing: true };
        }
        CallPermit {
            breaker: self.clone(),
            probe,
            recorded: false,
        }
    }

    /// Records a successful call: closes a half-open breaker.
    ///
    /// ```
    /// let breaker = unified::CircuitBreaker::default();
    /// breaker.record_success();
    /// assert_eq!(breaker.state(), unified::BreakerState::Closed);
    /// ```
    pub fn record_success(&self) {
        let now = self.clock.now();
        let mut state = self.lock();
        match state.phase {
            Phase::HalfOpen { .. } => {
                state.phase = Phase::Closed;
                state.outcomes.clear();
            }
            Phase::Closed => self.push(&mut state, now, false),
            Phase::Open { .. } => {}
        }
    }

    /// Records a failed call: may open a closed breaker (see [`BreakerConfig`]); re-opens a
    /// half-open one.
    ///
    /// ```
    /// let breaker = unified::CircuitBreaker::new(unified::BreakerConfig::new().min_calls(3));
    /// breaker.record_failure();
    /// breaker.record_failure();
    /// assert_eq!(breaker.state(), unified::BreakerState::Closed);
    /// breaker.record_failure();
    /// assert_eq!(breaker.state(), unified::BreakerState::Open);
    /// ```
    pub fn record_failure(&self) {
        let now = self.clock.now();
        let mut state = self.lock();
        state.last_failure = Some(now);
        match state.phase {
            Phase::HalfOpen { .. } => state.phase = Phase::Open { since: now },
            Phase::Closed => {
                self.push(&mut state, now, true);
                let total = state.outcomes.len();
                let failed = state.outcomes.iter().filter(|(_, f)| *f).count();
                let enough = u32::try_from(total).unwrap_or(u32::MAX) >= self.config.min_calls;
                // Both counts are at most MAX_OUTCOMES: exact as f64.
                if enough && failed as f64 >= self.config.failure_rate * total as f64 {
                    state.phase = Phase::Open { since: now };
                    state.outcomes.clear();
                }
            }
            Phase::Open { .. } => {}
        }
    }

    /// Adds an outcome, dropping those outside the window (and the oldest past the cap).
    fn push(&self, state: &mut State, now: SystemTime, failed: bool) {
        while let Some((when, _)) = state.outcomes.front() {
            let age = now.duration_since(*when).unwrap_or(Duration::ZERO);
            if age > self.config.window || state.outcomes.len() >= MAX_OUTCOMES {
                state.outcomes.pop_front();
            } else {
                break;
            }
        }
        state.outcomes.push_back((now, failed));
    }

    fn release_probe(&self) {
        let mut state = self.lock();
        if let Phase::HalfOpen { probing: true } = state.phase {
            state.phase = Phase::HalfOpen { probing: false };
        }
    }
}

/// Leave to make one call through a [`CircuitBreaker`]; record its outcome with
/// [`success`](Self::success) or [`failure`](Self::failure).
#[derive(Debug)]
#[must_use = "record the call's outcome on the permit"]
pub struct CallPermit {
    breaker: CircuitBreaker,
    probe: bool,
    recorded: bool,
}

impl CallPermit {
    /// Whether this is the probe call of a half-open breaker.
    ///
    /// ```
    /// let permit = unified::CircuitBreaker::default().try_acquire().unwrap();
    /// assert!(!permit.is_probe());
    /// # permit.success();
    /// ```
    pub fn is_probe(&self) -> bool {
        self.probe
    }

    /// The call succeeded.
    ///
    /// ```
    /// unified::CircuitBreaker::default().try_acquire().unwrap().success();
    /// ```
    pub fn success(mut self) {
        self.recorded = true;
        self.breaker.record_success();
    }

    /// The call failed in a way that says the model is unwell (server errors, timeouts,
    /// connection errors, rate limits).
    ///
    /// ```
    /// unified::CircuitBreaker::default().try_acquire().unwrap().failure();
    /// ```
    pub fn failure(mut self) {
        self.recorded = true;
        self.breaker.record_failure();
    }

    /// The call ended in a way that says nothing about the model (the caller's own error):
    /// nothing is counted, and a probe slot is freed.
    ///
    /// ```
    /// unified::CircuitBreaker::default().try_acquire().unwrap().neutral();
    /// ```
    pub fn neutral(self) {}
}

impl Drop for CallPermit {
    fn drop(&mut self) {
        if self.probe && !self.recorded {
            self.breaker.release_probe();
        }
    }
}

/// A [`Clock`] that only moves when told to: for deterministic tests of breakers and
/// `Retry-After` dates. Clones share the time.
///
/// ```
/// use llm_core::retry::Clock;
/// use std::time::Duration;
/// let clock = unified::ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(5));
/// assert_eq!(clock.now().duration_since(start).unwrap(), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock standing at a fixed date (2024-01-01T00:00:00Z).
    ///
    /// ```
    /// use llm_core::retry::Clock;
    /// assert!(unified::ManualClock::new().now() > std::time::SystemTime::UNIX_EPOCH);
    /// ```
    pub fn new() -> Self {
        let start = SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_secs(1_704_067_200))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock forward (saturating at the largest representable time).
    ///
    /// ```
    /// unified::ManualClock::new().advance(std::time::Duration::from_secs(1));
    /// ```
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(later) = now.checked_add(by) {
            *now = later;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn breaker(clock: &Arc<ManualClock>) -> CircuitBreaker {
        CircuitBreaker::with_clock(
            BreakerConfig::new().min_calls(4).failure_rate(0.5),
            clock.clone(),
        )
    }

    #[test]
    fn rate_over_a_minimum_of_calls_in_the_window() {
        let clock = Arc::new(ManualClock::new());
        let b = breaker(&clock);
        b.record_success();
        b.record_success();
        b.record_failure();
        assert_eq!(b.state(), BreakerState::Closed, "3 calls < min_calls");
        b.record_failure();
        assert_eq!(b.state(), BreakerState::Open, "2 of 4 failed");

        // Outcomes older than the window do not count.
        let b = breaker(&clock);
        b.record_failure();
        b.record_failure();
        b.record_failure();
        clock.advance(Duration::from_secs(31));
        b.record_failure();
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn a_dropped_probe_frees_the_slot_and_a_failed_probe_reopens() {
        let clock = Arc::new(ManualClock::new());
        let b = CircuitBreaker::with_clock(BreakerConfig::new().min_calls(1), clock.clone());
        b.record_failure();
        clock.advance(Duration::from_secs(30));
        let probe = b.try_acquire().unwrap();
        assert!(probe.is_probe());
        drop(probe);
        let probe = b.try_acquire().unwrap();
        probe.failure();
        assert_eq!(b.state(), BreakerState::Open);
        clock.advance(Duration::from_secs(29));
        assert!(b.try_acquire().is_none());
    }

    #[test]
    fn memory_is_bounded() {
        let b = CircuitBreaker::new(BreakerConfig::new().min_calls(u32::MAX));
        for _ in 0..(MAX_OUTCOMES + 100) {
            b.record_success();
        }
        assert!(b.lock().outcomes.len() <= MAX_OUTCOMES);
    }
}
