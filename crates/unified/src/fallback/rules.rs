//! What a fallback model does after each error: give up, retry the same model, or move on.

use std::collections::HashMap;
use std::time::Duration;

use llm_core::retry::Backoff;

use crate::{Error, ErrorKind};

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnError {
    /// Return the error: another model would fail the same way (the caller's bug).
    Fail,
    /// Wait (the server's `Retry-After` hint, else the backoff) and retry the same model,
    /// while retries and the retry budget last and the hint is short; then the next model.
    Retry,
    /// Move on to the next model at once.
    Next,
}

/// The rules of a [`FallbackChat`](crate::FallbackChat) /
/// [`FallbackEmbeddings`](crate::FallbackEmbeddings), per error class, with these
/// defaults:
///
/// | error | default | why |
/// |---|---|---|
/// | `Authentication`, `PermissionDenied`, `BadRequest`, `InvalidRequest`, `UnprocessableEntity`, `NotFound`, `PayloadTooLarge`, `ResponseTooLarge`, `MissingCredential`, `Config` | [`Fail`](OnError::Fail) | the caller's bug or configuration: no other model fixes it |
/// | `RateLimit` with no hint or a hint up to [`max_hint_wait`](Self::max_hint_wait) (default **2 s**) | [`Retry`](OnError::Retry) the same model after the hint | the server said when |
/// | `RateLimit` with a longer hint | next model | waiting would take longer than switching |
/// | `InternalServer` (5xx), `RequestTimeout` (408), `Conflict` (409) | [`Retry`](OnError::Retry) with backoff, then next model | often transient |
/// | `QuotaExceeded`, `Connection`, `Timeout`, `Unsupported`, `ErrorPayload`, `Decode`, `Stream`, `UnexpectedStatus`, other kinds | [`Next`](OnError::Next) | this model cannot answer now |
///
/// Retries on one model: at most [`max_retries_per_model`](Self::max_retries_per_model)
/// (default **2**, so 3 attempts; a call's `RequestOptions::max_retries` overrides it),
/// each paid from the [`RetryBudget`](crate::RetryBudget), never when the server says
/// `x-should-retry: false`; the backoff is the providers' (0.5 s doubling to 8 s, up to
/// 25 % jitter).
///
/// ```
/// use std::time::Duration;
/// use unified::{ErrorKind, FallbackRules, MockFailure, OnError};
///
/// let rules = FallbackRules::default()
///     .on(ErrorKind::Timeout, OnError::Retry)
///     .max_hint_wait(Duration::from_secs(5));
/// assert_eq!(rules.action(&MockFailure::new(ErrorKind::Timeout).to_error()), OnError::Retry);
/// assert_eq!(rules.action(&MockFailure::status(401).to_error()), OnError::Fail);
/// let long = MockFailure::status(429).retry_after(Duration::from_secs(30)).to_error();
/// assert_eq!(rules.action(&long), OnError::Next);
/// ```
#[derive(Debug, Clone)]
pub struct FallbackRules {
    overrides: HashMap<ErrorKind, OnError>,
    max_retries_per_model: u32,
    max_hint_wait: Duration,
    backoff: Backoff,
}

impl Default for FallbackRules {
    fn default() -> Self {
        Self {
            overrides: HashMap::new(),
            max_retries_per_model: 2,
            max_hint_wait: Duration::from_secs(2),
            backoff: Backoff::default(),
        }
    }
}

impl FallbackRules {
    /// The default rules (see the table above).
    ///
    /// ```
    /// assert_eq!(unified::FallbackRules::new().get_max_retries_per_model(), 2);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides what errors of `kind` do.
    ///
    /// ```
    /// use unified::{ErrorKind, FallbackRules, MockFailure, OnError};
    /// let rules = FallbackRules::new().on(ErrorKind::NotFound, OnError::Next);
    /// assert_eq!(rules.action(&MockFailure::status(404).to_error()), OnError::Next);
    /// ```
    #[must_use]
    pub fn on(mut self, kind: ErrorKind, action: OnError) -> Self {
        self.overrides.insert(kind, action);
        self
    }

    /// Sets the retries on one model before the next (0: move on after one attempt).
    ///
    /// ```
    /// assert_eq!(unified::FallbackRules::new().max_retries_per_model(0).get_max_retries_per_model(), 0);
    /// ```
    #[must_use]
    pub fn max_retries_per_model(mut self, retries: u32) -> Self {
        self.max_retries_per_model = retries;
        self
    }

    /// Sets the longest server hint waited for on the same model; a longer one moves on.
    ///
    /// ```
    /// let rules = unified::FallbackRules::new().max_hint_wait(std::time::Duration::from_secs(10));
    /// assert_eq!(rules.get_max_hint_wait().as_secs(), 10);
    /// ```
    #[must_use]
    pub fn max_hint_wait(mut self, wait: Duration) -> Self {
        self.max_hint_wait = wait;
        self
    }

    /// Sets the backoff between retries when the server sent no hint.
    ///
    /// ```
    /// use std::time::Duration;
    /// let backoff = llm_core::retry::Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
    /// let rules = unified::FallbackRules::new().backoff(backoff);
    /// assert_eq!(rules.get_backoff().initial(), Duration::from_millis(100));
    /// ```
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The retries on one model.
    ///
    /// ```
    /// assert_eq!(unified::FallbackRules::default().get_max_retries_per_model(), 2);
    /// ```
    pub fn get_max_retries_per_model(&self) -> u32 {
        self.max_retries_per_model
    }

    /// The longest hint waited for.
    ///
    /// ```
    /// assert_eq!(unified::FallbackRules::default().get_max_hint_wait().as_secs(), 2);
    /// ```
    pub fn get_max_hint_wait(&self) -> Duration {
        self.max_hint_wait
    }

    /// The backoff.
    ///
    /// ```
    /// assert_eq!(unified::FallbackRules::default().get_backoff(), llm_core::retry::Backoff::default());
    /// ```
    pub fn get_backoff(&self) -> Backoff {
        self.backoff
    }

    /// What to do after `error`: the override for its kind, else the default table; a
    /// [`Retry`](OnError::Retry) becomes [`Next`](OnError::Next) when the server's hint is
    /// longer than [`max_hint_wait`](Self::max_hint_wait) or it said `x-should-retry:
    /// false`. (Whether retries and budget are left is decided by the caller.)
    ///
    /// ```
    /// use unified::{ErrorKind, FallbackRules, MockFailure, OnError};
    /// let rules = FallbackRules::default();
    /// assert_eq!(rules.action(&MockFailure::status(503).to_error()), OnError::Retry);
    /// assert_eq!(rules.action(&MockFailure::new(ErrorKind::QuotaExceeded).to_error()), OnError::Next);
    /// assert_eq!(rules.action(&MockFailure::new(ErrorKind::Connection).to_error()), OnError::Next);
    /// ```
    pub fn action(&self, error: &Error) -> OnError {
        let action = self
            .overrides
            .get(&error.kind())
            .copied()
            .unwrap_or_else(|| default_action(error.kind()));
        if action != OnError::Retry {
            return action;
        }
        let hint_too_long = error.retry_after().is_some_and(|h| h > self.max_hint_wait);
        if hint_too_long || error.should_retry_header() == Some(false) {
            OnError::Next
        } else {
            OnError::Retry
        }
    }
}

fn default_action(kind: ErrorKind) -> OnError {
    match kind {
        ErrorKind::Authentication
        | ErrorKind::PermissionDenied
        | ErrorKind::BadRequest
        | ErrorKind::InvalidRequest
        | ErrorKind::UnprocessableEntity
        | ErrorKind::NotFound
        | ErrorKind::PayloadTooLarge
        | ErrorKind::ResponseTooLarge
        | ErrorKind::MissingCredential
        | ErrorKind::Config
        // After chunks reached the caller nothing is retried or replaced.
        | ErrorKind::StreamInterrupted => OnError::Fail,
        ErrorKind::RateLimit
        | ErrorKind::InternalServer
        | ErrorKind::RequestTimeout
        | ErrorKind::Conflict => OnError::Retry,
        _ => OnError::Next,
    }
}
