//! What a successful call's response said besides its body: status, headers, request id,
//! how many attempts it took and how long.

use std::ops::Deref;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// The metadata of a successful response: what the server sent besides the body, and what
/// the retry loop did to get it. Headers have this client's credential redacted.
///
/// Returned by the `*_with_response` calls (e.g.
/// [`Completions::create_with_response`](crate::chat::Completions::create_with_response))
/// inside a [`WithResponse`].
///
/// ```
/// use llm_core::ResponseMeta;
/// use llm_core::reqwest::header::{HeaderMap, HeaderValue};
/// use std::time::Duration;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-request-id", HeaderValue::from_static("req-42"));
/// let meta = ResponseMeta::new(200, headers, 3, Duration::from_millis(120));
/// assert_eq!(meta.request_id(), Some("req-42"));
/// assert_eq!(meta.attempts(), 3);
/// assert_eq!(meta.retries(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseMeta {
    status: u16,
    headers: HeaderMap,
    attempts: u32,
    elapsed: Duration,
}

impl ResponseMeta {
    /// Metadata from its parts (the transport builds it; useful for test doubles).
    pub fn new(status: u16, headers: HeaderMap, attempts: u32, elapsed: Duration) -> Self {
        Self {
            status,
            headers,
            attempts,
            elapsed,
        }
    }

    /// The HTTP status of the successful attempt (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers, with this client's credential redacted.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's request id (`x-request-id`, `request-id`, `x-amzn-requestid`,
    /// `cf-ray`), the same lookup as [`Error::request_id`](crate::Error::request_id).
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id_in(&self.headers)
    }

    /// How many attempts the call made, the successful one included (1 when the first
    /// attempt succeeded).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How many times the call was retried (`attempts - 1`).
    pub fn retries(&self) -> u32 {
        self.attempts.saturating_sub(1)
    }

    /// Time from the first attempt's start until the successful response was read (for a
    /// plain call, the whole body; for a stream, the response headers), waits between
    /// attempts included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// A call's result with the [`ResponseMeta`] of the response that produced it. Derefs to
/// the value, so it reads like the plain call's result.
///
/// ```
/// use llm_core::{ResponseMeta, WithResponse};
/// use llm_core::reqwest::header::HeaderMap;
/// use std::time::Duration;
///
/// let meta = ResponseMeta::new(200, HeaderMap::new(), 1, Duration::from_millis(5));
/// let answer = WithResponse::new(String::from("hello"), meta);
/// assert_eq!(answer.len(), 5); // `Deref` to the value
/// assert_eq!(answer.meta().attempts(), 1);
/// let (value, meta) = answer.into_parts();
/// assert_eq!((value.as_str(), meta.status()), ("hello", 200));
/// ```
#[derive(Debug, Clone)]
pub struct WithResponse<T> {
    value: T,
    meta: ResponseMeta,
}

impl<T> WithResponse<T> {
    /// Pairs a value with the metadata of the response it came from.
    pub fn new(value: T, meta: ResponseMeta) -> Self {
        Self { value, meta }
    }

    /// The response's metadata.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The value, dropping the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The value and the metadata.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.value, self.meta)
    }

    /// Maps the value, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> WithResponse<U> {
        WithResponse {
            value: f(self.value),
            meta: self.meta,
        }
    }
}

impl<T> Deref for WithResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
