#![doc = include_str!("../README.md")]

mod builder;
mod chat;
mod client;
mod env;
mod models;
mod stream;
mod types;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use builder::PeakPrivacyBuilder;
pub use chat::{Chat, Completions};
pub use client::PeakPrivacy;
pub use env::{API_TOKEN_ENV, API_URL_ENV, DEFAULT_BASE_URL};
pub use models::Models;
pub use stream::{ChatCompletionStream, TextStream};
pub use types::{
    model_ids, ApiTokenValid, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Choice,
    ChunkChoice, Delta, FinishReason, Message, Model, Role, Usage,
};

pub use llm_core::{
    reqwest, same_origin_redirects, ApiError, Error, ErrorKind, FieldErrors, RequestOptions,
    Result, SecretString, DEFAULT_CONNECT_TIMEOUT, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
};

/// Retry settings and the test hooks of the retry loop, re-exported from `llm-core`.
///
/// ```
/// use peakprivacy::retry::{FixedJitter, RetryPolicy};
/// let policy = RetryPolicy::default().with_max_retries(3);
/// assert_eq!(policy.max_retries(), 3);
/// # let _ = FixedJitter(0.0);
/// ```
pub mod retry {
    pub use llm_core::retry::{
        Backoff, Clock, FixedJitter, Jitter, OnRetry, RandomJitter, RetryDecision, RetryEvent,
        RetryPolicy, Sleep, SleepFuture, SystemClock, TokioSleep,
    };
}

pub use retry::RetryPolicy;
