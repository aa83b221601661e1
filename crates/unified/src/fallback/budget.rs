//! A retry budget: a token bucket in the shape of the AWS SDKs' "standard" retry mode, so
//! retries stop when most calls fail instead of multiplying the load on a struggling server.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use crate::Error;

/// The figures of a [`RetryBudget`].
///
/// Defaults (the AWS "standard" retry mode's): a bucket of **500** tokens, starting full; a
/// retry costs **5** tokens, or **10** after a timeout or connection error; a call that
/// succeeds puts back what its last retry cost, or **1** token when it needed no retry,
/// up to the capacity. So from full, 100 retries in a row with no success between them
/// (50 after timeouts) empty the bucket, and then calls fail after one attempt per model
/// until successes refill it.
///
/// ```
/// let config = unified::BudgetConfig::default();
/// assert_eq!((config.capacity, config.retry_cost, config.timeout_retry_cost, config.success_refund), (500, 5, 10, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BudgetConfig {
    /// Tokens in a full bucket (also the starting amount).
    pub capacity: u32,
    /// The cost of one retry.
    pub retry_cost: u32,
    /// The cost of a retry after a timeout or connection error.
    pub timeout_retry_cost: u32,
    /// Tokens a call that succeeded without a retry puts back.
    pub success_refund: u32,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 1,
        }
    }
}

impl BudgetConfig {
    /// The default figures.
    ///
    /// ```
    /// assert_eq!(unified::BudgetConfig::new(), unified::BudgetConfig::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the capacity (and starting amount).
    ///
    /// ```
    /// assert_eq!(unified::BudgetConfig::new().capacity(10).capacity, 10);
    /// ```
    #[must_use]
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Sets the cost of a retry.
    ///
    /// ```
    /// assert_eq!(unified::BudgetConfig::new().retry_cost(2).retry_cost, 2);
    /// ```
    #[must_use]
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// Sets the cost of a retry after a timeout or connection error.
    ///
    /// ```
    /// assert_eq!(unified::BudgetConfig::new().timeout_retry_cost(3).timeout_retry_cost, 3);
    /// ```
    #[must_use]
    pub fn timeout_retry_cost(mut self, tokens: u32) -> Self {
        self.timeout_retry_cost = tokens;
        self
    }

    /// Sets what a success without a retry puts back.
    ///
    /// ```
    /// assert_eq!(unified::BudgetConfig::new().success_refund(0).success_refund, 0);
    /// ```
    #[must_use]
    pub fn success_refund(mut self, tokens: u32) -> Self {
        self.success_refund = tokens;
        self
    }
}

/// A retry budget shared by every clone (and by every model it is given to): each retry
/// takes tokens, each success puts some back (see [`BudgetConfig`] for the figures). When
/// the bucket cannot pay for a retry, the retry is not made: a
/// [`FallbackChat`](crate::FallbackChat) moves on to its next model instead. On by default
/// in every fallback model; [`RetryBudget::unlimited`] turns it off.
///
/// ```
/// use unified::{BudgetConfig, RetryBudget};
/// use unified::{ErrorKind, MockFailure};
///
/// let budget = RetryBudget::new(BudgetConfig::new().capacity(10));
/// let shared = budget.clone();
/// let server_error = MockFailure::status(503).to_error();
/// assert_eq!(budget.try_acquire(&server_error), Some(5));
/// assert_eq!(shared.try_acquire(&server_error), Some(5));
/// assert_eq!(budget.try_acquire(&server_error), None); // empty
/// shared.on_success(Some(5));
/// assert_eq!(budget.available(), 5);
/// ```
#[derive(Clone)]
pub struct RetryBudget {
    config: BudgetConfig,
    tokens: Option<Arc<Mutex<u32>>>,
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("config", &self.config)
            .field("available", &self.tokens.as_ref().map(|_| self.available()))
            .finish()
    }
}

impl Default for RetryBudget {
    /// A budget with the default figures.
    fn default() -> Self {
        Self::new(BudgetConfig::default())
    }
}

impl RetryBudget {
    /// A full budget with these figures.
    ///
    /// ```
    /// let budget = unified::RetryBudget::new(unified::BudgetConfig::default());
    /// assert_eq!(budget.available(), 500);
    /// ```
    pub fn new(config: BudgetConfig) -> Self {
        Self {
            config,
            tokens: Some(Arc::new(Mutex::new(config.capacity))),
        }
    }

    /// No budget: every retry the rules allow is made.
    ///
    /// ```
    /// let budget = unified::RetryBudget::unlimited();
    /// let err = unified::MockFailure::status(503).to_error();
    /// assert!((0..10_000).all(|_| budget.try_acquire(&err).is_some()));
    /// ```
    pub fn unlimited() -> Self {
        Self {
            config: BudgetConfig::default(),
            tokens: None,
        }
    }

    /// The figures.
    ///
    /// ```
    /// assert_eq!(unified::RetryBudget::default().config().capacity, 500);
    /// ```
    pub fn config(&self) -> BudgetConfig {
        self.config
    }

    /// Tokens left (`u32::MAX` when unlimited).
    ///
    /// ```
    /// assert_eq!(unified::RetryBudget::unlimited().available(), u32::MAX);
    /// ```
    pub fn available(&self) -> u32 {
        match &self.tokens {
            Some(tokens) => *tokens.lock().unwrap_or_else(PoisonError::into_inner),
            None => u32::MAX,
        }
    }

    /// Takes the cost of retrying after `error` and returns it, or `None` (taking nothing)
    /// when the bucket holds too little.
    ///
    /// ```
    /// let budget = unified::RetryBudget::default();
    /// let timeout = unified::MockFailure::new(unified::ErrorKind::Timeout).to_error();
    /// assert_eq!(budget.try_acquire(&timeout), Some(10));
    /// assert_eq!(budget.available(), 490);
    /// ```
    pub fn try_acquire(&self, error: &Error) -> Option<u32> {
        let cost = if error.is_timeout() || error.is_connect() {
            self.config.timeout_retry_cost
        } else {
            self.config.retry_cost
        };
        let Some(tokens) = &self.tokens else {
            return Some(cost);
        };
        let mut tokens = tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let left = tokens.checked_sub(cost)?;
        *tokens = left;
        Some(cost)
    }

    /// Records a successful call: puts back `last_retry_cost` (what its last retry took),
    /// or the success refund when it needed no retry, up to the capacity.
    ///
    /// ```
    /// let budget = unified::RetryBudget::new(unified::BudgetConfig::new().capacity(20));
    /// let err = unified::MockFailure::status(500).to_error();
    /// budget.try_acquire(&err);
    /// budget.on_success(None);
    /// assert_eq!(budget.available(), 16);
    /// budget.on_success(Some(5));
    /// assert_eq!(budget.available(), 20); // never above the capacity
    /// ```
    pub fn on_success(&self, last_retry_cost: Option<u32>) {
        let Some(tokens) = &self.tokens else {
            return;
        };
        let refund = last_retry_cost.unwrap_or(self.config.success_refund);
        let mut tokens = tokens.lock().unwrap_or_else(PoisonError::into_inner);
        *tokens = tokens.saturating_add(refund).min(self.config.capacity);
    }
}
