#![doc = include_str!("../README.md")]

pub mod blocking;
pub mod chat;
mod client_config;
pub mod de;
pub mod env;
mod error;
pub mod multipart;
mod options;
pub mod page;
pub mod retry;
mod secret;
pub mod sse;
pub mod telemetry;
mod transport;

pub use blocking::{BlockingRuntime, BlockingStream};
pub use client_config::{Async, Blocking, ClientConfig, ProviderDefaults};
pub use error::{ApiError, Error, ErrorKind, FieldErrors, Result, RAW_BODY_CAP};
pub use options::RequestOptions;
pub use secret::SecretString;
pub use transport::{
    decode_json, same_origin_redirects, ApiRequest, BodyKind, ByteStream, Events, IdleTimeout,
    RawResponse, Replay, ResponseMeta, StreamLimits, StreamResponse, Transport, TransportBuilder,
    WithResponse, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_STREAM_IDLE_TIMEOUT,
    DEFAULT_TIMEOUT,
};

/// Re-exported so provider crates and users name the same `reqwest` types.
pub use reqwest;
/// Re-exported so user middleware implements the same `reqwest_middleware::Middleware`
/// (see [`TransportBuilder::middleware`]).
#[cfg(feature = "middleware")]
pub use reqwest_middleware;

/// What every provider crate re-exports at its root, as one list (`pub use
/// llm_core::vocabulary::*;`), so the crates cannot drift apart and no user needs to name
/// `llm_core`: the chat vocabulary, the error type and its accessors, per-call options,
/// retry settings, secrets, the transport escape hatch and `reqwest`.
///
/// ```
/// use llm_core::vocabulary::{ErrorKind, Message, RequestOptions, Role};
/// assert_eq!(Message::user("Hi").role, Role::User);
/// let _ = (RequestOptions::new(), ErrorKind::Timeout);
/// ```
pub mod vocabulary {
    pub use crate::chat::{
        ChatCompletion, ChatCompletionChunk, ChatCompletionStream, Choice, ChunkChoice, Delta,
        FinishReason, Message, Model, Role, TextStream, Usage,
    };
    #[cfg(feature = "middleware")]
    pub use crate::reqwest_middleware;
    pub use crate::retry::{self, RetryPolicy};
    pub use crate::{
        reqwest, same_origin_redirects, ApiError, ApiRequest, Error, ErrorKind, FieldErrors,
        RequestOptions, ResponseMeta, Result, SecretString, Transport, WithResponse,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_STREAM_IDLE_TIMEOUT,
        DEFAULT_TIMEOUT,
    };
}
