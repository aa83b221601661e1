//! Retries: the policy (which errors, how many times), the backoff (how long to wait),
//! server hints (`Retry-After`, `retry-after-ms`, `x-should-retry`) and the injectable
//! sleep, clock and jitter that make retry tests instant and exact.

mod backoff;
pub mod hints;
mod policy;
mod runtime;

pub use backoff::Backoff;
pub use policy::{OnRetry, RetryDecision, RetryEvent, RetryPolicy};
pub use runtime::{
    Clock, FixedJitter, Jitter, RandomJitter, RecordingSleep, Sleep, SleepFuture, SystemClock,
    TokioSleep,
};
