//! # llm-core
//!
//! The provider-neutral foundation of the PeakPrivacy and AligneAI SDKs: one pooled HTTP
//! transport ([`Transport`]), per-call [`RequestOptions`], one [`Error`] type with
//! accessors, retries with backoff and server hints ([`retry`]), an incremental
//! Server-Sent Events decoder ([`sse`]) and a redacting [`SecretString`].
//!
//! Provider crates (`peakprivacy`, `aligneai`) build on it and re-export [`Error`].
//!
//! ```
//! use llm_core::{ErrorKind, RequestOptions, Transport, SecretString};
//! use std::time::Duration;
//!
//! let transport = Transport::builder("https://api.example.com/v1")
//!     .auth("API-Key", SecretString::from("secret"))
//!     .max_retries(3)
//!     .build()?;
//! let options = RequestOptions::new().timeout(Duration::from_secs(10));
//! # let _ = (transport, options);
//! # Ok::<(), llm_core::Error>(())
//! ```

mod blocking;
mod error;
mod options;
pub mod retry;
mod secret;
pub mod sse;
mod transport;

pub use blocking::BlockingRuntime;
pub use error::{ApiError, Error, ErrorKind, FieldErrors, Result, RAW_BODY_CAP};
pub use options::RequestOptions;
pub use secret::SecretString;
pub use transport::{
    decode_json, same_origin_redirects, ApiRequest, ByteStream, Events, IdleTimeout, RawResponse,
    Replay, StreamResponse, Transport, TransportBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
};

/// Re-exported so provider crates and users name the same `reqwest` types.
pub use reqwest;
