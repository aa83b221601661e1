//! The one error type of every crate in this workspace.

mod body;
mod interrupted;
mod kind;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

pub use body::{ApiError, FieldErrors};
pub use kind::ErrorKind;

/// How many bytes of an error body [`Error::raw_body`] keeps.
pub const RAW_BODY_CAP: usize = 4 * 1024;

/// How many bytes of a message (ours or the server's) `Display` and `Debug` show; the rest
/// is replaced by a `…[N more bytes]` marker. [`Error::api_message`] keeps all of it.
const SHOWN_MESSAGE_CAP: usize = 512;

/// How many bytes of a field name or field message, and how many fields and messages per
/// field, `Debug` shows of [`Error::field_errors`].
const SHOWN_FIELD_TEXT_CAP: usize = 128;
const SHOWN_FIELDS: usize = 8;
const SHOWN_FIELD_MESSAGES: usize = 3;

/// How many bytes of a source error's text are kept (a decode error quotes the body).
const SOURCE_TEXT_CAP: usize = 1024;

/// What replaces a credential found in a message or header value.
const REDACTED: &str = "[REDACTED]";

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
    ///
    /// A source whose text is longer than 1 KiB (a decode error quoting a whole body) is
    /// kept as its first 1 KiB of text instead, so no rendering of the chain grows with
    /// what a server sent.
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// let io = std::io::Error::other("reset by peer");
    /// let err = Error::with_source(ErrorKind::Connection, "could not connect", io);
    /// assert_eq!(std::error::Error::source(&err).unwrap().to_string(), "reset by peer");
    /// ```
    pub fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        let mut err = Self::with_message(kind, message);
        let source = source.into();
        let text = source.to_string();
        let (kept, more) = cut(&text, SOURCE_TEXT_CAP);
        err.inner.source = Some(if more > 0 {
            Box::new(TextSource(format!("{kept}…[{more} more bytes]")))
        } else {
            source
        });
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
    /// The status decides the kind ([`ErrorKind::from_status`]); the body is parsed for a
    /// message, type, code and field errors, and its first [`RAW_BODY_CAP`] bytes are kept
    /// as text. [`ErrorKind::QuotaExceeded`] needs an explicit signal: a 403 whose body
    /// says the subscription amount limit was reached or carries a quota code, or a 429
    /// with a quota code (such as `insufficient_quota`, see [`ApiError::has_quota_code`])
    /// and no `Retry-After`/`retry-after-ms` hint. Any other 429 is a
    /// [`ErrorKind::RateLimit`], retried after the server's hint.
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// use reqwest::header::{HeaderMap, HeaderValue};
    ///
    /// let body = br#"{"error":"Subscription amount limit has been reached"}"#;
    /// let err = Error::from_response(403, HeaderMap::new(), body);
    /// assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    /// assert_eq!(err.status(), Some(403));
    /// assert_eq!(err.api_message(), Some("Subscription amount limit has been reached"));
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", HeaderValue::from_static("1"));
    /// let err = Error::from_response(429, headers, br#"{"error":"Rate limit has been reached"}"#);
    /// assert_eq!(err.kind(), ErrorKind::RateLimit);
    /// assert!(err.is_retryable());
    /// ```
    pub fn from_response(status: u16, headers: HeaderMap, body: &[u8]) -> Self {
        let api = ApiError::parse(body);
        let retry_after = crate::retry::hints::retry_after(&headers, std::time::SystemTime::now());
        let kind = match status {
            403 if api.is_quota_exhausted() => ErrorKind::QuotaExceeded,
            429 if api.has_quota_code() && retry_after.is_none() => ErrorKind::QuotaExceeded,
            _ => ErrorKind::from_status(status),
        };
        let mut err = Self::new(kind);
        err.inner.status = Some(status);
        err.inner.retry_after = retry_after;
        err.inner.raw_body = Some(capped_text(body));
        err.inner.api = Some(api);
        err.inner.headers = Some(headers);
        err
    }

    /// Records why the body of an error response was not read to its end (it stalled past
    /// the read bound, or the connection broke), as this error's source. The status and
    /// kind stay what the status said.
    pub(crate) fn set_body_problem(&mut self, problem: impl Into<BoxError>) {
        if self.inner.source.is_none() {
            self.inner.source = Some(problem.into());
        }
    }

    /// Replaces every occurrence of `secret` in the parsed server message, type, code and
    /// field errors, our own message, the source's text and every response header value
    /// with `[REDACTED]`: a server may echo the request's credential back (in its body or
    /// in a header such as `x-request-id`), and `Display`, `Debug`, [`request_id`] and the
    /// debug log show these. `raw_body` stays the server's own text.
    ///
    /// [`request_id`]: Self::request_id
    pub(crate) fn redact(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        if let Some(headers) = &mut self.inner.headers {
            redact_headers(headers, secret);
        }
        let scrub = |text: &mut String| {
            if text.contains(secret) {
                *text = text.replace(secret, REDACTED);
            }
        };
        if let Some(context) = &mut self.inner.context {
            scrub(context);
        }
        if let Some(source) = &self.inner.source {
            // E.g. serde's "invalid type: string \"<body text>\"" on a 200 of the wrong shape.
            let shown = format!("{source} {source:?}");
            if shown.contains(secret) {
                let text = source.to_string().replace(secret, REDACTED);
                self.inner.source = Some(Box::new(TextSource(text)));
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

    /// Classifies a `reqwest` error (redirect, connect, timeout, body read) keeping it as the
    /// source.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        // A redirect chain our policy gave up on (a loop) or a redirect the client refused:
        // one typed error, not a broken connection, and not retried (see `is_retryable`).
        let too_many = has_in_chain::<crate::transport::TooManyRedirects>(&err);
        if too_many || err.is_redirect() {
            let message = if too_many {
                format!(
                    "more than {} redirects in a row (a redirect loop)",
                    crate::transport::MAX_REDIRECTS
                )
            } else {
                "a redirect could not be followed".to_owned()
            };
            return Self::with_source(ErrorKind::Redirect, message, err.without_url());
        }
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

    /// Keeps the first [`RAW_BODY_CAP`] bytes of `body` as [`raw_body`](Self::raw_body),
    /// for an error about a response that arrived but was not what was expected (a 2xx
    /// body of an unknown shape), so the caller can see what the server sent.
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// let err = Error::with_message(ErrorKind::Decode, "not a file list")
    ///     .with_status(200)
    ///     .with_raw_body(br#"{"surprise":true}"#);
    /// assert_eq!(err.raw_body(), Some(r#"{"surprise":true}"#));
    /// ```
    #[must_use]
    pub fn with_raw_body(mut self, body: &[u8]) -> Self {
        self.inner.raw_body = Some(capped_text(body));
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

    /// The response headers of a failed HTTP response. Errors from the transport have the
    /// client's credential replaced by `[REDACTED]` in every value (a server may echo it).
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The parsed error body, when a response arrived.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// The provider's error message (`error`, `message`, `error.message` or `detail`), in
    /// full: `Display` and `Debug` show only its first 512 bytes.
    ///
    /// ```
    /// use llm_core::Error;
    /// use reqwest::header::HeaderMap;
    ///
    /// let long = "x".repeat(60 * 1024);
    /// let body = serde_json::json!({ "error": long }).to_string();
    /// let err = Error::from_response(500, HeaderMap::new(), body.as_bytes());
    /// assert_eq!(err.api_message().map(str::len), Some(60 * 1024));
    /// assert!(err.to_string().len() < 1024);
    /// ```
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
        request_id_in(self.inner.headers.as_ref()?)
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

/// A source error kept as text: its original text contained the credential (now
/// redacted) or was longer than [`SOURCE_TEXT_CAP`] (now capped).
#[derive(Debug)]
struct TextSource(String);

impl fmt::Display for TextSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for TextSource {}

/// Why the body of an error response was not read to its end.
#[derive(Debug)]
pub(crate) struct BodyProblem(pub(crate) String);

impl fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for BodyProblem {}

/// True when `T` is somewhere in `err`'s source chain (or is `err` itself).
fn has_in_chain<T: StdError + 'static>(err: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// Replaces `secret` by `[REDACTED]` in every value of `headers`, and drops any header
/// whose name contains it: a server may echo the credential in `x-request-id` or similar,
/// and headers reach `Debug` output, [`Error::request_id`] and logs.
///
/// Works on bytes, so values that are not UTF-8 are scrubbed too; a value's sensitive
/// flag is kept.
pub(crate) fn redact_headers(headers: &mut HeaderMap, secret: &str) {
    if secret.is_empty() {
        return;
    }
    let needle = secret.as_bytes();
    // Values shorter than the secret cannot hold it (most response headers: no search at
    // all); header names are lower case, so a name holds the secret when some window of
    // it equals the secret ignoring ASCII case (no lower-cased copy of the secret).
    let in_value = |value: &HeaderValue| {
        value.as_bytes().len() >= needle.len()
            && memchr::memmem::find(value.as_bytes(), needle).is_some()
    };
    let in_name = |name: &HeaderName| {
        name.as_str()
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if !headers
        .iter()
        .any(|(name, value)| in_name(name) || in_value(value))
    {
        return;
    }
    let mut current: Option<HeaderName> = None;
    for (name, value) in std::mem::take(headers) {
        // `into_iter` names a header once and yields its further values with `None`.
        if name.is_some() {
            current = name;
        }
        let Some(name) = &current else { continue };
        if in_name(name) {
            continue;
        }
        let value = if in_value(&value) {
            let mut scrubbed = Vec::with_capacity(value.as_bytes().len());
            let mut rest = value.as_bytes();
            while let Some(at) = memchr::memmem::find(rest, needle) {
                scrubbed.extend_from_slice(rest.get(..at).unwrap_or_default());
                scrubbed.extend_from_slice(REDACTED.as_bytes());
                rest = rest
                    .get(at.saturating_add(needle.len())..)
                    .unwrap_or_default();
            }
            scrubbed.extend_from_slice(rest);
            // Cannot fail (valid bytes with printable ASCII put in); dropping is the safe side.
            let Ok(mut new) = HeaderValue::from_bytes(&scrubbed) else {
                continue;
            };
            new.set_sensitive(value.is_sensitive());
            new
        } else {
            value
        };
        headers.append(name.clone(), value);
    }
}

/// Lossy UTF-8 of at most [`RAW_BODY_CAP`] bytes, cut on a character boundary.
fn capped_text(body: &[u8]) -> String {
    let slice = body.get(..RAW_BODY_CAP).unwrap_or(body);
    let mut text = String::from_utf8_lossy(slice).into_owned();
    if body.len() > RAW_BODY_CAP {
        // A character split by the cut shows as U+FFFD; mark the truncation.
        text.push_str("…[truncated]");
    }
    text
}

/// `text` cut to at most `cap` bytes on a character boundary, and how many bytes were cut.
fn cut(text: &str, cap: usize) -> (&str, usize) {
    if text.len() <= cap {
        return (text, 0);
    }
    let mut end = cap;
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    let kept = text.get(..end).unwrap_or_default();
    (kept, text.len().saturating_sub(kept.len()))
}

/// Shows at most [`SHOWN_MESSAGE_CAP`] bytes of a text, then how much was left out.
struct Capped<'a>(&'a str);

impl fmt::Display for Capped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kept, more) = cut(self.0, SHOWN_MESSAGE_CAP);
        f.write_str(kept)?;
        if more > 0 {
            write!(f, "…[{more} more bytes]")?;
        }
        Ok(())
    }
}

/// A quoted text for `Debug`, cut at `cap` bytes.
struct QuotedCapped<'a>(&'a str, usize);

impl fmt::Debug for QuotedCapped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kept, more) = cut(self.0, self.1);
        write!(f, "{kept:?}")?;
        if more > 0 {
            write!(f, "…[{more} more bytes]")?;
        }
        Ok(())
    }
}

/// Text written as is (for `Debug` fields rendered ahead of time).
struct Verbatim<'a>(&'a str);

impl fmt::Debug for Verbatim<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// [`ApiError`] for `Debug`, every text capped and the field errors bounded.
struct ApiErrorDebug<'a>(&'a ApiError);

impl fmt::Debug for ApiErrorDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn text(t: &Option<String>) -> Option<QuotedCapped<'_>> {
            t.as_deref().map(|t| QuotedCapped(t, SHOWN_MESSAGE_CAP))
        }
        let api = self.0;
        f.debug_struct("ApiError")
            .field("message", &text(&api.message))
            .field("error_type", &text(&api.error_type))
            .field("code", &text(&api.code))
            .field("field_errors", &FieldErrorsDebug(&api.field_errors))
            .finish()
    }
}

/// At most [`SHOWN_FIELDS`] fields with [`SHOWN_FIELD_MESSAGES`] messages each.
struct FieldErrorsDebug<'a>(&'a FieldErrors);

impl fmt::Debug for FieldErrorsDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (field, messages) in self.0.iter().take(SHOWN_FIELDS) {
            map.entry(
                &QuotedCapped(field, SHOWN_FIELD_TEXT_CAP),
                &MessagesDebug(messages),
            );
        }
        let more = self.0.len().saturating_sub(SHOWN_FIELDS);
        if more > 0 {
            map.entry(&Verbatim("…"), &format_args!("{more} more fields"));
        }
        map.finish()
    }
}

struct MessagesDebug<'a>(&'a [String]);

impl fmt::Debug for MessagesDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for message in self.0.iter().take(SHOWN_FIELD_MESSAGES) {
            list.entry(&QuotedCapped(message, SHOWN_FIELD_TEXT_CAP));
        }
        let more = self.0.len().saturating_sub(SHOWN_FIELD_MESSAGES);
        if more > 0 {
            list.entry(&format_args!("…{more} more"));
        }
        list.finish()
    }
}

/// `Display`: the kind, the status, then our message or else the server's, each cut to
/// 512 bytes (the full server message stays in [`Error::api_message`]).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind().as_str())?;
        if let Some(status) = self.inner.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(context) = &self.inner.context {
            write!(f, ": {}", Capped(context))?;
        } else if let Some(message) = self.api_message() {
            write!(f, ": {}", Capped(message))?;
        }
        Ok(())
    }
}

/// `Debug`: kind, status, messages (cut to 512 bytes), a bounded view of the parsed body,
/// the retry hint, the request id and the source (its rendering cut to 1 KiB). Never the
/// raw body or the other headers.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alternate = f.alternate();
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if let Some(status) = self.inner.status {
            d.field("status", &status);
        }
        if let Some(context) = &self.inner.context {
            d.field("message", &QuotedCapped(context, SHOWN_MESSAGE_CAP));
        }
        if let Some(api) = &self.inner.api {
            d.field("api", &ApiErrorDebug(api));
        }
        if let Some(retry_after) = self.inner.retry_after {
            d.field("retry_after", &retry_after);
        }
        if let Some(id) = self.request_id() {
            d.field("request_id", &QuotedCapped(id, SHOWN_FIELD_TEXT_CAP));
        }
        if let Some(source) = &self.inner.source {
            let shown = if alternate {
                format!("{source:#?}")
            } else {
                format!("{source:?}")
            };
            let (kept, more) = cut(&shown, SOURCE_TEXT_CAP);
            if more > 0 {
                d.field("source", &format_args!("{kept}…[{more} more bytes]"));
            } else {
                d.field("source", &Verbatim(kept));
            }
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

#[cfg(feature = "middleware")]
impl From<reqwest_middleware::Error> for Error {
    /// A `reqwest` error (from the HTTP client, or one a middleware passed on) keeps its
    /// usual kind; a middleware's own error is [`ErrorKind::Middleware`], its error the
    /// source.
    fn from(err: reqwest_middleware::Error) -> Self {
        match err {
            reqwest_middleware::Error::Reqwest(err) => Self::from_reqwest(err),
            reqwest_middleware::Error::Middleware(err) => Self::with_source(
                ErrorKind::Middleware,
                "a middleware failed the request",
                Box::<dyn StdError + Send + Sync>::from(err),
            ),
        }
    }
}

/// The server's request id in `headers` (`x-request-id`, `request-id`, `x-amzn-requestid`,
/// `cf-ray`, the first present).
pub(crate) fn request_id_in(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
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
    fn a_429_that_says_when_to_retry_is_a_rate_limit() {
        let retry_in = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert("retry-after", HeaderValue::from_static(v));
            h
        };
        for body in [
            &br#"{"error":"Rate limit has been reached"}"#[..],
            br#"{"error":"quota of requests per minute used"}"#,
            br#"{"error":{"message":"x","code":"insufficient_quota"}}"#,
        ] {
            let err = Error::from_response(429, retry_in("1"), body);
            assert_eq!(err.kind(), ErrorKind::RateLimit);
            assert!(err.is_retryable());
        }
        // Without a hint, a mention is still a rate limit; a quota code is quota.
        let err = Error::from_response(
            429,
            HeaderMap::new(),
            br#"{"error":"limit has been reached"}"#,
        );
        assert_eq!(err.kind(), ErrorKind::RateLimit);
    }

    #[test]
    fn redaction_reaches_header_values_and_names() {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", HeaderValue::from_static("req-k-123"));
        h.append("x-echo", HeaderValue::from_static("a k-123 b k-123"));
        h.append("x-echo", HeaderValue::from_static("clean"));
        h.insert("x-k-123", HeaderValue::from_static("1"));
        h.insert(
            "x-binary",
            HeaderValue::from_bytes(b"\xffk-123\xfe").unwrap(),
        );
        let mut err = Error::from_response(500, h, b"{}");
        err.redact("k-123");
        assert_eq!(err.request_id(), Some("req-[REDACTED]"));
        let h = err.headers().unwrap();
        let echoes: Vec<_> = h.get_all("x-echo").iter().collect();
        assert_eq!(echoes, ["a [REDACTED] b [REDACTED]", "clean"]);
        assert!(h.get("x-k-123").is_none());
        assert_eq!(h["x-binary"].as_bytes(), b"\xff[REDACTED]\xfe");
        assert!(!format!("{err:?}").contains("k-123"));
        // An empty secret changes nothing.
        err.redact("");
        assert_eq!(err.headers().unwrap().len(), 4);
    }

    #[test]
    fn a_mixed_case_secret_is_found_in_lower_case_names_and_exact_values() {
        let mut h = HeaderMap::new();
        h.insert("x-key-abc", HeaderValue::from_static("1"));
        h.insert("key-ab", HeaderValue::from_static("Key-AbC"));
        h.insert("x-short", HeaderValue::from_static("Key"));
        redact_headers(&mut h, "Key-AbC");
        assert!(h.get("x-key-abc").is_none(), "{h:?}");
        assert_eq!(h["key-ab"], "[REDACTED]");
        assert_eq!(h["x-short"], "Key");
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn display_and_debug_are_capped_on_a_character_boundary() {
        let message = "ü".repeat(10_000);
        let body = serde_json::json!({"error": message}).to_string();
        let err = Error::from_response(400, HeaderMap::new(), body.as_bytes());
        let shown = err.to_string();
        assert!(shown.len() < SHOWN_MESSAGE_CAP + 64, "{}", shown.len());
        assert!(shown.ends_with("more bytes]"), "{shown}");
        assert!(format!("{err:?}").len() < 2 * SHOWN_MESSAGE_CAP + 256);
        assert_eq!(err.api_message(), Some(message.as_str()));
        let ours = Error::with_message(ErrorKind::Stream, "x".repeat(5000));
        assert!(ours.to_string().len() < SHOWN_MESSAGE_CAP + 64);
    }

    #[test]
    fn a_long_source_is_kept_as_capped_text() {
        let long = std::io::Error::other("y".repeat(50_000));
        let err = Error::with_source(ErrorKind::Decode, "bad body", long);
        let source = err.source().unwrap().to_string();
        assert!(source.len() < SOURCE_TEXT_CAP + 64, "{}", source.len());
        assert!(format!("{err:?}").len() < SOURCE_TEXT_CAP + 256);
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
