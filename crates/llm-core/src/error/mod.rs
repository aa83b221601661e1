//! The one error type of every crate in this workspace.

mod body;
mod interrupted;
mod kind;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

pub use body::{ApiError, FieldErrors};
pub use kind::ErrorKind;

/// How many bytes of an error body [`Error::raw_body`] keeps.
pub const RAW_BODY_CAP: usize = 4 * 1024;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong calling an API: one type, pointer-sized, with accessors
/// instead of deep matching.
///
/// ```
/// use llm_core::{Error, ErrorKind};
///
/// let err = Error::missing_credential("PEAKPRIVACY_API_TOKEN");
/// assert_eq!(err.kind(), ErrorKind::MissingCredential);
/// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
/// assert!(!err.is_retryable());
/// assert!(err.to_string().contains("PEAKPRIVACY_API_TOKEN"));
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    status: Option<u16>,
    api: Option<ApiError>,
    raw_body: Option<String>,
    headers: Option<HeaderMap>,
    retry_after: Option<Duration>,
    context: Option<String>,
    env_var: Option<&'static str>,
    source: Option<BoxError>,
    /// What a broken stream had delivered ([`ErrorKind::StreamInterrupted`]).
    partial: Option<Box<dyn interrupted::PartialValue>>,
}

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                status: None,
                api: None,
                raw_body: None,
                headers: None,
                retry_after: None,
                context: None,
                env_var: None,
                source: None,
                partial: None,
            }),
        }
    }

    /// An error of `kind` with a short message (lowercase, no secrets).
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// let err = Error::with_message(ErrorKind::InvalidRequest, "messages must not be empty");
    /// assert_eq!(err.to_string(), "invalid request: messages must not be empty");
    /// ```
    pub fn with_message(kind: ErrorKind, message: impl Into<String>) -> Self {
        let mut err = Self::new(kind);
        err.inner.context = Some(message.into());
        err
    }

    /// An error of `kind` caused by `source` (kept in the `source()` chain).
    pub fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        let mut err = Self::with_message(kind, message);
        err.inner.source = Some(source.into());
        err
    }

    /// A client-side validation error, raised before anything is sent.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::with_message(ErrorKind::InvalidRequest, message)
    }

    /// The operation is not supported by this provider or model.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::with_message(ErrorKind::Unsupported, message)
    }

    /// The key was not given and the environment variable `env_var` is unset or empty.
    pub fn missing_credential(env_var: &'static str) -> Self {
        let mut err = Self::with_message(
            ErrorKind::MissingCredential,
            format!("no API key given and the environment variable {env_var} is not set"),
        );
        err.inner.env_var = Some(env_var);
        err
    }

    /// Builds the error for a non-success HTTP response from its status, headers and body.
    ///
    /// The body is parsed for a message, type, code and field errors; its first
    /// [`RAW_BODY_CAP`] bytes are kept as text. A 403 (or 429) whose body says a quota or
    /// subscription limit was reached becomes [`ErrorKind::QuotaExceeded`].
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// use reqwest::header::HeaderMap;
    ///
    /// let body = br#"{"error":"Subscription amount limit has been reached"}"#;
    /// let err = Error::from_response(403, HeaderMap::new(), body);
    /// assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    /// assert_eq!(err.status(), Some(403));
    /// assert_eq!(err.api_message(), Some("Subscription amount limit has been reached"));
    /// ```
    pub fn from_response(status: u16, headers: HeaderMap, body: &[u8]) -> Self {
        let api = ApiError::parse(body);
        let mut kind = ErrorKind::from_status(status);
        if matches!(status, 403 | 429) && api.is_quota_exhausted() {
            kind = ErrorKind::QuotaExceeded;
        }
        let mut err = Self::new(kind);
        err.inner.status = Some(status);
        err.inner.retry_after =
            crate::retry::hints::retry_after(&headers, std::time::SystemTime::now());
        err.inner.raw_body = Some(capped_text(body));
        err.inner.api = Some(api);
        err.inner.headers = Some(headers);
        err
    }

    /// Replaces every occurrence of `secret` in the parsed server message, type, code and
    /// field errors (and our own message) with `[REDACTED]`: a server may echo the request's
    /// credential back, and `Display`/`Debug` show these fields. `raw_body` stays the
    /// server's own text.
    pub(crate) fn redact(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let scrub = |text: &mut String| {
            if text.contains(secret) {
                *text = text.replace(secret, "[REDACTED]");
            }
        };
        if let Some(context) = &mut self.inner.context {
            scrub(context);
        }
        if let Some(source) = &self.inner.source {
            // E.g. serde's "invalid type: string \"<body text>\"" on a 200 of the wrong shape.
            let shown = format!("{source} {source:?}");
            if shown.contains(secret) {
                let text = source.to_string().replace(secret, "[REDACTED]");
                self.inner.source = Some(Box::new(RedactedSource(text)));
            }
        }
        if let Some(api) = &mut self.inner.api {
            for text in [&mut api.message, &mut api.error_type, &mut api.code]
                .into_iter()
                .flatten()
            {
                scrub(text);
            }
            for messages in api.field_errors.values_mut() {
                messages.iter_mut().for_each(scrub);
            }
        }
    }

    /// Replaces the server's retry hint (used when the hint is computed against an injected clock).
    pub(crate) fn set_retry_after(&mut self, hint: Option<Duration>) {
        self.inner.retry_after = hint;
    }

    /// Classifies a `reqwest` error (connect, timeout, body read) keeping it as the source.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        // `reqwest` reports a response body that breaks mid-read (reset, EOF before
        // `Content-Length`) as a *decode* error; this crate never lets `reqwest` decode
        // JSON, so for us it is a broken connection (retryable), not a bad body.
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_builder() {
            ErrorKind::InvalidRequest
        } else {
            ErrorKind::Connection
        };
        let message = if err.is_connect() {
            "could not connect"
        } else if err.is_body() || err.is_decode() {
            "the connection broke while reading the response body"
        } else if err.is_timeout() {
            "the request timed out"
        } else {
            "the request could not be completed"
        };
        // reqwest errors carry the URL, never headers; drop the URL anyway so a key in a
        // query string could never reach a log.
        Self::with_source(kind, message, err.without_url())
    }

    /// A deadline elapsed; `what` names it (e.g. "request timeout of 30s").
    pub fn timeout(what: impl Into<String>) -> Self {
        Self::with_message(ErrorKind::Timeout, what)
    }

    /// The response body could not be decoded as the expected type.
    pub fn decode(what: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::with_source(ErrorKind::Decode, what, source)
    }

    /// Adds a status to an error built without a response (e.g. a decode error on a 200).
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The response headers of a failed HTTP response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The parsed error body, when a response arrived.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// The provider's error message (`error`, `message`, `error.message` or `detail`).
    pub fn api_message(&self) -> Option<&str> {
        self.inner.api.as_ref()?.message.as_deref()
    }

    /// Per-field validation messages of a 400/422 body (empty when there were none).
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        self.inner
            .api
            .as_ref()
            .map(|a| &a.field_errors)
            .filter(|f| !f.is_empty())
    }

    /// The first [`RAW_BODY_CAP`] bytes of the error body, as (lossy) UTF-8 text.
    pub fn raw_body(&self) -> Option<&str> {
        self.inner.raw_body.as_deref()
    }

    /// The server's request id (`x-request-id`, `request-id`, `x-amzn-requestid`, `cf-ray`).
    pub fn request_id(&self) -> Option<&str> {
        let headers = self.inner.headers.as_ref()?;
        ["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"]
            .iter()
            .find_map(|name| headers.get(*name)?.to_str().ok())
    }

    /// How long the server asked us to wait (`retry-after-ms` or `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The server's `x-should-retry` verdict, when it sent one.
    pub fn should_retry_header(&self) -> Option<bool> {
        crate::retry::hints::should_retry(self.inner.headers.as_ref()?)
    }

    /// The environment variable to set, for [`ErrorKind::MissingCredential`].
    pub fn env_var(&self) -> Option<&'static str> {
        self.inner.env_var
    }

    /// Whether retrying the same request could succeed: connection errors, timeouts, 408,
    /// 409, 429 (not quota exhaustion) and >= 500, unless the server's `x-should-retry`
    /// header says otherwise. For [`ErrorKind::StreamInterrupted`], whether re-sending makes
    /// sense: the verdict for its cause.
    pub fn is_retryable(&self) -> bool {
        if let Some(cause) = self.interruption_cause() {
            return cause.is_retryable();
        }
        if let Some(verdict) = self.should_retry_header() {
            return verdict;
        }
        matches!(
            self.kind(),
            ErrorKind::Connection
                | ErrorKind::Timeout
                | ErrorKind::RequestTimeout
                | ErrorKind::Conflict
                | ErrorKind::RateLimit
                | ErrorKind::InternalServer
        )
    }

    /// True for client-side deadlines (connect, request, stream idle, total).
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// True when no response arrived because of the connection.
    pub fn is_connect(&self) -> bool {
        self.kind() == ErrorKind::Connection
    }

    /// True for 429 rate limiting (not quota exhaustion).
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ErrorKind::RateLimit
    }

    /// True for errors decoding a response.
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decode
    }
}

/// A source error whose text contained the credential, kept as redacted text.
#[derive(Debug)]
struct RedactedSource(String);

impl fmt::Display for RedactedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for RedactedSource {}

/// Lossy UTF-8 of at most [`RAW_BODY_CAP`] bytes, cut on a character boundary.
fn capped_text(body: &[u8]) -> String {
    let slice = &body[..body.len().min(RAW_BODY_CAP)];
    let mut text = String::from_utf8_lossy(slice).into_owned();
    if body.len() > RAW_BODY_CAP {
        // A character split by the cut shows as U+FFFD; mark the truncation.
        text.push_str("…[truncated]");
    }
    text
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind().as_str())?;
        if let Some(status) = self.inner.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(context) = &self.inner.context {
            write!(f, ": {context}")?;
        } else if let Some(message) = self.api_message() {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if let Some(status) = self.inner.status {
            d.field("status", &status);
        }
        if let Some(context) = &self.inner.context {
            d.field("message", context);
        }
        if let Some(api) = &self.inner.api {
            d.field("api", api);
        }
        if let Some(retry_after) = self.inner.retry_after {
            d.field("retry_after", &retry_after);
        }
        if let Some(id) = self.request_id() {
            d.field("request_id", &id);
        }
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        if let Some(partial) = &self.inner.partial {
            d.field("partial", partial);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

impl From<reqwest::Error> for Error {
    fn from(err: reqwest::Error) -> Self {
        Self::from_reqwest(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn assert_traits<T: Send + Sync + 'static + StdError>() {}

    #[test]
    fn is_send_sync_static_and_pointer_sized() {
        assert_traits::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn status_mapping() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (408, ErrorKind::RequestTimeout),
            (409, ErrorKind::Conflict),
            (413, ErrorKind::PayloadTooLarge),
            (422, ErrorKind::UnprocessableEntity),
            (429, ErrorKind::RateLimit),
            (500, ErrorKind::InternalServer),
            (502, ErrorKind::InternalServer),
            (503, ErrorKind::InternalServer),
            (302, ErrorKind::UnexpectedStatus),
            (418, ErrorKind::UnexpectedStatus),
        ];
        for (status, kind) in cases {
            let err = Error::from_response(status, HeaderMap::new(), b"{}");
            assert_eq!(err.kind(), kind, "status {status}");
            assert_eq!(err.status(), Some(status));
        }
    }

    #[test]
    fn quota_403_and_429() {
        let body = br#"{"error":"Subscription amount limit has been reached"}"#;
        let err = Error::from_response(403, HeaderMap::new(), body);
        assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
        assert!(!err.is_retryable());
        let body = br#"{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}"#;
        let err = Error::from_response(429, HeaderMap::new(), body);
        assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
        assert!(!err.is_retryable());
    }

    #[test]
    fn retryable_kinds() {
        for status in [408, 409, 429, 500, 502, 503, 504] {
            assert!(Error::from_response(status, HeaderMap::new(), b"").is_retryable());
        }
        for status in [400, 401, 403, 404, 413, 422] {
            assert!(!Error::from_response(status, HeaderMap::new(), b"").is_retryable());
        }
    }

    #[test]
    fn should_retry_header_overrides() {
        let mut h = HeaderMap::new();
        h.insert("x-should-retry", HeaderValue::from_static("false"));
        assert!(!Error::from_response(503, h, b"").is_retryable());
        let mut h = HeaderMap::new();
        h.insert("x-should-retry", HeaderValue::from_static("true"));
        assert!(Error::from_response(400, h, b"").is_retryable());
    }

    #[test]
    fn raw_body_is_capped() {
        let body = vec![b'x'; 100_000];
        let err = Error::from_response(500, HeaderMap::new(), &body);
        let raw = err.raw_body().unwrap();
        assert!(raw.len() <= RAW_BODY_CAP + 20, "{}", raw.len());
        assert!(raw.ends_with("[truncated]"));
    }

    #[test]
    fn field_errors_and_message() {
        let body = br#"{"message":"Validation error","errors":{"model":["The selected model is invalid."]}}"#;
        let err = Error::from_response(422, HeaderMap::new(), body);
        assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
        assert_eq!(err.api_message(), Some("Validation error"));
        assert_eq!(
            err.field_errors().unwrap()["model"],
            ["The selected model is invalid."]
        );
        assert_eq!(
            err.to_string(),
            "unprocessable entity (HTTP 422): Validation error"
        );
    }

    #[test]
    fn request_id_and_retry_after() {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", HeaderValue::from_static("req-123"));
        h.insert("retry-after", HeaderValue::from_static("7"));
        let err = Error::from_response(429, h, b"");
        assert_eq!(err.request_id(), Some("req-123"));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn html_body_is_kept_raw() {
        let html = b"<html><title>502 Bad Gateway</title><body>nginx</body></html>";
        let err = Error::from_response(502, HeaderMap::new(), html);
        assert_eq!(err.kind(), ErrorKind::InternalServer);
        assert_eq!(err.api_message(), Some("502 Bad Gateway"));
        assert!(err.raw_body().unwrap().contains("nginx"));
    }

    #[test]
    fn source_chain_is_kept() {
        let io = std::io::Error::other("boom");
        let err = Error::with_source(ErrorKind::Connection, "could not connect", io);
        assert_eq!(err.source().unwrap().to_string(), "boom");
        assert_eq!(err.to_string(), "connection error: could not connect");
    }
}
