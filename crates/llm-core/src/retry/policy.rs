//! Whether and when to retry a failed attempt.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::Backoff;
use crate::Error;

/// The retry rules: how many retries, the backoff between them, and the longest server
/// `Retry-After` hint to honour.
///
/// Defaults: 2 retries (3 attempts), [`Backoff::default`], hints up to 60 s. A retryable
/// error ([`Error::is_retryable`]) is retried after the server's hint when it sent one,
/// otherwise after the backoff delay. A hint longer than the cap stops retrying and returns
/// the error at once (its [`Error::retry_after`] tells the caller how long to wait), so a
/// call never blocks for an hour on a server's say-so.
///
/// ```
/// use llm_core::retry::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_max_retry_after(Duration::from_secs(10));
/// assert_eq!(policy.max_retries(), 5);
/// assert_eq!(RetryPolicy::none().max_retries(), 0);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    max_retries: u32,
    backoff: Backoff,
    max_retry_after: Duration,
    on_retry: Option<Arc<OnRetry>>,
}

/// The callback type of [`RetryPolicy::on_retry`].
pub type OnRetry = dyn Fn(&RetryEvent<'_>) + Send + Sync;

/// What the retry loop tells an [`RetryPolicy::on_retry`] hook before it sleeps.
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryEvent<'a> {
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// How long the loop waits before the next attempt.
    pub delay: Duration,
    /// Why: the error of the failed attempt.
    pub error: &'a Error,
}

/// The decision for one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Try again after this delay.
    Retry(Duration),
    /// Give up and return the error.
    Stop,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            backoff: Backoff::default(),
            max_retry_after: Duration::from_secs(60),
            on_retry: None,
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("on_retry", &self.on_retry.as_ref().map(|_| "Fn"))
            .finish()
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Sets the number of retries after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the backoff between retries.
    #[must_use]
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Sets the longest server hint honoured; longer hints stop retrying.
    #[must_use]
    pub fn with_max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Calls `hook` before every retry (after the `tracing` event), e.g. for metrics.
    ///
    /// ```
    /// use llm_core::retry::RetryPolicy;
    /// let policy = RetryPolicy::default().on_retry(|event| {
    ///     // The kind and status, not the error's text: that quotes the server's message.
    ///     let (kind, status) = (event.error.kind(), event.error.status());
    ///     eprintln!("retry after attempt {} in {:?}: {kind} {status:?}", event.attempt, event.delay);
    /// });
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn on_retry(mut self, hook: impl Fn(&RetryEvent<'_>) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(hook));
        self
    }

    /// The number of retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The backoff between retries.
    pub fn backoff(&self) -> Backoff {
        self.backoff
    }

    /// The longest honoured server hint.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Decides what to do after attempt number `attempt` (1-based) failed with `error`,
    /// given a jitter `sample` in `0..=1`.
    ///
    /// ```
    /// use llm_core::retry::{RetryDecision, RetryPolicy};
    /// use llm_core::Error;
    /// use reqwest::header::HeaderMap;
    /// use std::time::Duration;
    ///
    /// let policy = RetryPolicy::default();
    /// let err = Error::from_response(503, HeaderMap::new(), b"");
    /// assert_eq!(policy.decide(1, &err, 0.0), RetryDecision::Retry(Duration::from_millis(500)));
    /// assert_eq!(policy.decide(3, &err, 0.0), RetryDecision::Stop);
    /// ```
    pub fn decide(&self, attempt: u32, error: &Error, sample: f64) -> RetryDecision {
        if attempt > self.max_retries || !error.is_retryable() {
            return RetryDecision::Stop;
        }
        match error.retry_after() {
            Some(hint) if hint > self.max_retry_after => RetryDecision::Stop,
            Some(hint) => RetryDecision::Retry(hint),
            None => RetryDecision::Retry(self.backoff.delay(attempt.saturating_sub(1), sample)),
        }
    }

    pub(crate) fn notify(&self, event: &RetryEvent<'_>) {
        if let Some(hook) = &self.on_retry {
            hook(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn status(code: u16, headers: &[(&'static str, &'static str)]) -> Error {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_static(v));
        }
        Error::from_response(code, h, b"")
    }

    #[test]
    fn retries_then_stops() {
        let p = RetryPolicy::default();
        let e = status(500, &[]);
        assert_eq!(
            p.decide(1, &e, 0.0),
            RetryDecision::Retry(Duration::from_millis(500))
        );
        assert_eq!(
            p.decide(2, &e, 0.0),
            RetryDecision::Retry(Duration::from_secs(1))
        );
        assert_eq!(p.decide(3, &e, 0.0), RetryDecision::Stop);
    }

    #[test]
    fn non_retryable_stops() {
        let p = RetryPolicy::default();
        assert_eq!(p.decide(1, &status(400, &[]), 0.0), RetryDecision::Stop);
        assert_eq!(
            p.decide(1, &status(503, &[("x-should-retry", "false")]), 0.0),
            RetryDecision::Stop
        );
    }

    #[test]
    fn attempt_zero_and_huge_counts_do_not_panic() {
        let p = RetryPolicy::default().with_max_retries(u32::MAX);
        let e = status(500, &[]);
        assert_eq!(
            p.decide(0, &e, 0.0),
            RetryDecision::Retry(Duration::from_millis(500))
        );
        assert_eq!(
            p.decide(u32::MAX, &e, 0.0),
            RetryDecision::Retry(Duration::from_secs(8))
        );
    }

    #[test]
    fn server_hint_wins_and_is_capped() {
        let p = RetryPolicy::default();
        let e = status(429, &[("retry-after", "3")]);
        assert_eq!(
            p.decide(1, &e, 0.7),
            RetryDecision::Retry(Duration::from_secs(3))
        );
        let e = status(429, &[("retry-after-ms", "120")]);
        assert_eq!(
            p.decide(1, &e, 0.7),
            RetryDecision::Retry(Duration::from_millis(120))
        );
        let e = status(429, &[("retry-after", "3600")]);
        assert_eq!(p.decide(1, &e, 0.0), RetryDecision::Stop);
    }
}
