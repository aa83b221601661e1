//! Per-call overrides.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{Error, Result};

/// Per-request overrides of the client's settings: timeout, retries, extra headers and an
/// idempotency key. Setters never fail; an invalid header is reported by the call that
/// uses the options.
///
/// ```
/// use llm_core::RequestOptions;
/// use std::time::Duration;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .header("x-trace-id", "abc123")
///     .idempotency_key("order-42");
/// assert_eq!(options.get_max_retries(), Some(0));
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_retries: Option<u32>,
    headers: HeaderMap,
    invalid_header: Option<String>,
    idempotency_key: Option<String>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time one attempt may take: for a plain call until the whole body is read; for a
    /// stream until the response headers arrive, and, when the answer is not an event
    /// stream (one JSON body, plain text), until that body is read.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest wait between two delivered stream chunks (keep-alive comments and events
    /// that carry no chunk do not count).
    #[must_use]
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// A deadline for the whole call: every attempt, every backoff sleep, and for a stream
    /// every chunk until the end (also while collecting it). `Duration::MAX` means no
    /// deadline. Overrides the client's `total_timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = llm_core::RequestOptions::new().total_timeout(Duration::from_secs(30));
    /// assert_eq!(options.get_total_timeout(), Some(Duration::from_secs(30)));
    /// ```
    #[must_use]
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// The total deadline override, if set.
    ///
    /// ```
    /// assert_eq!(llm_core::RequestOptions::new().get_total_timeout(), None);
    /// ```
    pub fn get_total_timeout(&self) -> Option<Duration> {
        self.total_timeout
    }

    /// The number of retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Adds a header to this request (replacing a default header of the same name).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => self.invalid_header = Some(name.to_owned()),
        }
        self
    }

    /// Sends `Idempotency-Key: key`, the same on every retry of this request.
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// The timeout override.
    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The stream idle timeout override.
    pub fn get_stream_idle_timeout(&self) -> Option<Duration> {
        self.stream_idle_timeout
    }

    /// The retry-count override.
    pub fn get_max_retries(&self) -> Option<u32> {
        self.max_retries
    }

    /// The idempotency key.
    pub fn get_idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The extra headers, or an error naming the first header that was not valid.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when a header name
    /// or value given to [`header`](Self::header) was invalid.
    pub fn headers(&self) -> Result<HeaderMap> {
        if let Some(name) = &self.invalid_header {
            return Err(Error::invalid_request(format!(
                "invalid header {name:?} in request options"
            )));
        }
        let mut headers = self.headers.clone();
        if let Some(key) = &self.idempotency_key {
            let value = HeaderValue::from_str(key)
                .map_err(|_| Error::invalid_request("invalid idempotency key"))?;
            headers.insert("idempotency-key", value);
        }
        Ok(headers)
    }
}

impl fmt::Debug for RequestOptions {
    /// Header values are not printed: a caller may pass credentials through them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("idempotency_key", &self.idempotency_key.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_header_is_reported_later() {
        let o = RequestOptions::new().header("bad header", "x");
        let err = o.headers().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
        let o = RequestOptions::new().header("x-ok", "line\nbreak");
        assert!(o.headers().is_err());
    }

    #[test]
    fn idempotency_key_header() {
        let h = RequestOptions::new()
            .idempotency_key("k1")
            .headers()
            .unwrap();
        assert_eq!(h["idempotency-key"], "k1");
    }

    #[test]
    fn debug_hides_header_values() {
        let o = RequestOptions::new().header("authorization", "Bearer sk-secret");
        assert!(!format!("{o:?}").contains("sk-secret"));
    }
}
