#![doc = include_str!("../README.md")]

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
