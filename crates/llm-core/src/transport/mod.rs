//! The HTTP transport: one pooled client, base URL joining, auth and default headers,
//! timeouts, and the retry loop.

mod builder;
mod idle;
mod meta;
mod redirect;
mod request;
mod response;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

pub use builder::{
    TransportBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
};
pub use idle::IdleTimeout;
pub use meta::{ResponseMeta, WithResponse};
pub use redirect::same_origin_redirects;
pub(crate) use redirect::{TooManyRedirects, MAX_REDIRECTS};
pub use request::ApiRequest;
pub use response::{BodyKind, ByteStream, Events, Replay, StreamLimits, StreamResponse};

use crate::retry::{hints, Clock, Jitter, RetryDecision, RetryEvent, RetryPolicy, Sleep};
use crate::{Error, ErrorKind, Result, SecretString};

/// How much of an error body is read to parse it.
const ERROR_BODY_READ_CAP: usize = 64 * 1024;

/// The longest wait for the body of an error response once its head arrived (less when
/// the attempt has less time left). The status already decides the kind and whether to
/// retry; the body only adds the server's message, and a body that stalls must not turn
/// a 401 into a retried timeout. 2 s is ample for the few KiB an error body is; a slower
/// one keeps what arrived.
const ERROR_BODY_TIMEOUT: Duration = Duration::from_secs(2);

/// A cheap-to-clone handle to one pooled HTTP client with its base URL, credential,
/// default headers, timeouts and retry policy. Create it once and clone it freely.
///
/// A non-2xx response becomes an [`Error`] built from its status, headers and the first
/// 64 KiB of its body, read for at most 2 s (bounded by the attempt's time left): a body
/// that stalls or breaks keeps the status, kind and retry rule the status gives. The
/// client's credential is replaced by `[REDACTED]` in every response header value it
/// hands back or logs ([`RawResponse::headers`], [`StreamResponse::headers`],
/// [`Error::headers`]). Debug log events carry method, path, status, kind, request id,
/// attempt and delay, never a body.
///
/// ```no_run
/// use llm_core::{ApiRequest, SecretString, Transport};
///
/// # async fn run() -> llm_core::Result<()> {
/// let transport = Transport::builder("https://api.example.com/v1/")
///     .auth("Api-Token", SecretString::from("secret"))
///     .build()?;
/// let models: serde_json::Value = transport.send_json(ApiRequest::get("ai/models")).await?;
/// # let _ = models; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: url::Url,
    auth: Option<Auth>,
    /// Sent with every request: the default headers, then the credential.
    headers: HeaderMap,
    /// `headers` with `content-type: application/json`, for requests with a JSON body.
    json_headers: HeaderMap,
    timeout: Duration,
    stream_idle_timeout: Duration,
    total_timeout: Option<Duration>,
    max_response_size: usize,
    max_event_size: usize,
    retry: RetryPolicy,
    sleep: Arc<dyn Sleep>,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    provider_name: &'static str,
    capture_content: bool,
    /// The HTTP client wrapped in the user's middleware, when there is any.
    #[cfg(feature = "middleware")]
    middleware: Option<reqwest_middleware::ClientWithMiddleware>,
}

impl Inner {
    /// Whether user middleware wraps the HTTP client.
    fn has_middleware(&self) -> bool {
        #[cfg(feature = "middleware")]
        return self.middleware.is_some();
        #[cfg(not(feature = "middleware"))]
        false
    }
}

/// The credential header, its value marked sensitive (hidden from `Debug` and HTTP/2
/// header compression).
struct Auth {
    name: HeaderName,
    value: HeaderValue,
}

impl Auth {
    fn new(name: &str, secret: &SecretString) -> Result<Self> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::with_message(ErrorKind::Config, "invalid auth header name"))?;
        // Never attach the parse error: its text could echo the value.
        let mut value = HeaderValue::from_str(secret.expose_secret().trim()).map_err(|_| {
            Error::with_message(
                ErrorKind::Config,
                "the API key contains characters not allowed in an HTTP header",
            )
        })?;
        value.set_sensitive(true);
        Ok(Self { name, value })
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Transport")
            .field("base_url", &redacted_url(inner.base_url.as_str()))
            .field("auth_header", &inner.auth.as_ref().map(|a| a.name.as_str()))
            .field("timeout", &inner.timeout)
            .field("stream_idle_timeout", &inner.stream_idle_timeout)
            .field("total_timeout", &inner.total_timeout)
            .field("retry", &inner.retry)
            .field("middleware", &inner.has_middleware())
            .finish_non_exhaustive()
    }
}

/// `url` for `Debug` output, its user name and password (if any) replaced: a user may put
/// a key in either (`https://KEY@host/`, `https://user:KEY@host/`).
fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            // These cannot fail on a URL that has user info (it has a host then).
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("[REDACTED]"));
            }
            if !parsed.username().is_empty() {
                let _ = parsed.set_username("[REDACTED]");
            }
            parsed.to_string()
        }
        Err(_) => "<not a valid URL>".to_owned(),
    }
}

/// A successful, fully read response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// How many attempts the call made, the successful one included.
    pub attempts: u32,
    /// Time from the first attempt's start until the body was read, retry waits included.
    pub elapsed: Duration,
}

impl RawResponse {
    /// The response's metadata (status, headers, request id, attempts, elapsed time).
    pub fn meta(&self) -> ResponseMeta {
        ResponseMeta::new(
            self.status,
            self.headers.clone(),
            self.attempts,
            self.elapsed,
        )
    }

    /// The response's metadata, taking the headers instead of copying them (for when the
    /// body has been decoded and the response is no longer needed).
    ///
    /// ```
    /// use llm_core::RawResponse;
    /// use std::time::Duration;
    ///
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-request-id", "req-1".parse().unwrap());
    /// let raw = RawResponse { status: 200, headers, body: "{}".into(), attempts: 2, elapsed: Duration::ZERO };
    /// let meta = raw.into_meta();
    /// assert_eq!((meta.request_id(), meta.attempts()), (Some("req-1"), 2));
    /// ```
    pub fn into_meta(self) -> ResponseMeta {
        ResponseMeta::new(self.status, self.headers, self.attempts, self.elapsed)
    }
}

impl Transport {
    /// Starts building a transport for `base_url`.
    pub fn builder(base_url: impl Into<String>) -> TransportBuilder {
        TransportBuilder::new(base_url)
    }

    /// The base URL, always ending in `/`.
    pub fn base_url(&self) -> &url::Url {
        &self.inner.base_url
    }

    /// The provider's name as telemetry reports it (`gen_ai.provider.name`).
    ///
    /// ```
    /// let t = llm_core::Transport::builder("http://localhost:1").build()?;
    /// assert_eq!(t.provider_name(), "unknown");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn provider_name(&self) -> &'static str {
        self.inner.provider_name
    }

    /// Whether operation spans carry prompts and answers (see
    /// [`TransportBuilder::capture_content`]).
    ///
    /// ```
    /// let t = llm_core::Transport::builder("http://localhost:1").build()?;
    /// assert!(!t.captures_content());
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn captures_content(&self) -> bool {
        self.inner.capture_content
    }

    /// The credential removed from `text` (for captured content).
    pub(crate) fn redact_text(&self, text: &str) -> String {
        match self.secret() {
            Some(secret) if !secret.is_empty() => text.replace(secret, "[REDACTED]"),
            _ => text.to_owned(),
        }
    }

    /// The client's retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Joins `path` to the base URL (a leading `/` on `path` is ignored).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] when the path does not form a valid URL, or when it is
    /// an absolute URL of another origin (the credential is only ever sent to the base
    /// URL's origin).
    ///
    /// ```
    /// let t = llm_core::Transport::builder("http://localhost:1/v1").build().unwrap();
    /// assert_eq!(t.url("/ai/ping").unwrap().as_str(), "http://localhost:1/v1/ai/ping");
    /// assert!(t.url("https://elsewhere.example/steal").is_err());
    /// ```
    pub fn url(&self, path: &str) -> Result<url::Url> {
        let base = &self.inner.base_url;
        let url = base.join(path.trim_start_matches('/')).map_err(|e| {
            Error::with_source(ErrorKind::InvalidRequest, "invalid request path", e)
        })?;
        if url.origin() != base.origin() {
            return Err(Error::with_message(
                ErrorKind::InvalidRequest,
                "the request path leads to another origin than the base URL",
            ));
        }
        Ok(url)
    }

    /// Sends `request` with retries and decodes the JSON body of the 2xx response.
    ///
    /// # Errors
    /// Any [`Error`]: an HTTP error status, connection, timeout, or
    /// [`ErrorKind::Decode`] when the body is not the expected JSON.
    pub async fn send_json<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T> {
        let raw = self.send(request).await?;
        decode_json(&raw.body, raw.status).map_err(|err| self.redact(err))
    }

    /// Removes this client's credential from `err`'s messages and source text (a server
    /// may echo the key back in a body). HTTP errors of [`send`](Self::send) and
    /// [`send_json`](Self::send_json) are already redacted; provider crates pass errors
    /// they build from response bodies themselves (decode errors, mid-stream errors)
    /// through this.
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind, SecretString, Transport};
    /// let t = Transport::builder("http://localhost:1").auth("Api-Token", SecretString::from("k-123")).build()?;
    /// let err = t.redact(Error::with_message(ErrorKind::Stream, "token k-123 rejected"));
    /// assert_eq!(err.to_string(), "stream error: token [REDACTED] rejected");
    /// # Ok::<(), Error>(())
    /// ```
    pub fn redact(&self, mut err: Error) -> Error {
        if let Some(secret) = self.secret() {
            err.redact(secret);
        }
        err
    }

    /// Sends `request` with retries and returns the 2xx response with its whole body
    /// (headers with the credential redacted).
    ///
    /// # Errors
    /// Any [`Error`] of the final attempt.
    pub async fn send(&self, request: ApiRequest) -> Result<RawResponse> {
        let cap = self.inner.max_response_size;
        let deadline = self.deadline(&request.options);
        let started = Instant::now();
        let (mut raw, attempts) = self
            .with_retries(&request, deadline, |mut response| async move {
                let status = response.status().as_u16();
                let body = response::read_capped(&mut response, cap).await?;
                Ok(RawResponse {
                    status,
                    headers: std::mem::take(response.headers_mut()),
                    body,
                    attempts: 1,
                    elapsed: Duration::ZERO,
                })
            })
            .await?;
        raw.attempts = attempts;
        raw.elapsed = started.elapsed();
        self.redact_headers(&mut raw.headers);
        Ok(raw)
    }

    /// Replaces this client's credential in every header value (see [`Error::headers`]).
    fn redact_headers(&self, headers: &mut HeaderMap) {
        if let Some(secret) = self.secret() {
            crate::error::redact_headers(headers, secret);
        }
    }

    /// The credential as sent, if it is text.
    fn secret(&self) -> Option<&str> {
        self.inner.auth.as_ref().and_then(|a| a.value.to_str().ok())
    }

    /// Sends a streaming `request` with retries until the response headers arrive, and
    /// returns the response with its body unread (headers with the credential redacted).
    /// Once the body is being read, nothing is retried: the caller may already have seen
    /// part of the answer.
    ///
    /// # Errors
    /// Any [`Error`] of the final attempt.
    pub async fn send_stream(&self, request: ApiRequest) -> Result<StreamResponse> {
        let idle_timeout = request
            .options
            .get_stream_idle_timeout()
            .unwrap_or(self.inner.stream_idle_timeout);
        let max_event_size = self.inner.max_event_size;
        let max_response_size = self.inner.max_response_size;
        let timeout = request.options.get_timeout().unwrap_or(self.inner.timeout);
        let deadline = self.deadline(&request.options);
        let started = Instant::now();
        self.with_retries(&request, deadline, |response| async move {
            let status = response.status().as_u16();
            let mut headers = response.headers().clone();
            self.redact_headers(&mut headers);
            // A body read whole (an answer that is not an event stream) must also arrive
            // within the attempt timeout, counted from the headers.
            let read_deadline = match (Instant::now().checked_add(timeout), deadline) {
                (Some(read), Some(total)) => Some(read.min(total)),
                (read, total) => read.or(total),
            };
            Ok(StreamResponse {
                status,
                headers,
                body: Replay::new(Box::pin(response.bytes_stream())),
                idle_timeout,
                deadline,
                read_deadline,
                max_event_size,
                max_response_size,
                attempts: 1,
                elapsed: Duration::ZERO,
            })
        })
        .await
        .map(|(mut response, attempts)| {
            response.attempts = attempts;
            response.elapsed = started.elapsed();
            response
        })
    }

    /// The total deadline of a call (per-call option, else the client's), or `None` when
    /// there is none or it is too far away to represent (`Duration::MAX` means "no limit").
    fn deadline(&self, options: &crate::RequestOptions) -> Option<Instant> {
        let total = options.get_total_timeout().or(self.inner.total_timeout)?;
        Instant::now().checked_add(total)
    }

    /// The retry loop: attempt, classify, sleep (backoff or server hint), within the
    /// total deadline. `finish` turns a 2xx response into the result inside the attempt's
    /// timeout (so a body read that breaks is retried like any connection error). Returns
    /// the result and the number of attempts made.
    async fn with_retries<T, F, Fut>(
        &self,
        request: &ApiRequest,
        deadline: Option<Instant>,
        finish: F,
    ) -> Result<(T, u32)>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let inner = &self.inner;
        let url = self.url(&request.path)?;
        let extra_headers = request.options.headers()?;
        let policy = match request.options.get_max_retries() {
            Some(n) => inner.retry.clone().with_max_retries(n),
            None => inner.retry.clone(),
        };
        // A body streamed from a reader is gone after the first attempt.
        let policy = if request.is_replayable() {
            policy
        } else {
            policy.with_max_retries(0)
        };
        let timeout = request.options.get_timeout().unwrap_or(inner.timeout);
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            let attempt_timeout = match deadline {
                Some(d) => timeout.min(d.saturating_duration_since(Instant::now())),
                None => timeout,
            };
            let started = Instant::now();
            let outcome = self
                .attempt(request, &url, &extra_headers, attempt_timeout, &finish)
                .await;
            let error = match outcome {
                Ok(value) => {
                    tracing::debug!(
                        method = %request.method, path = %request.path, attempt,
                        elapsed_ms = millis(started.elapsed()), "request succeeded"
                    );
                    return Ok((value, attempt));
                }
                Err(error) => error,
            };
            let delay = match policy.decide(attempt, &error, inner.jitter.sample()) {
                RetryDecision::Retry(delay) => delay,
                _ => return Err(error),
            };
            if let Some(deadline) = deadline {
                // A delay too large to add to now is past any deadline.
                if Instant::now()
                    .checked_add(delay)
                    .is_none_or(|wake| wake >= deadline)
                {
                    tracing::debug!(
                        method = %request.method, path = %request.path, attempt,
                        status = error.status(), kind = %error.kind(),
                        "not retrying: the total deadline would pass"
                    );
                    return Err(error);
                }
            }
            // Status, kind and request id only: the error's text quotes the server's body.
            // At INFO, so an operation span exported at INFO carries its retries.
            // Integers as i64: OpenTelemetry's integer type.
            tracing::info!(
                method = %request.method, path = %request.path, attempt = i64::from(attempt),
                delay_ms = i64::try_from(millis(delay)).unwrap_or(i64::MAX),
                reason = error.kind().code(), status = error.status().map(i64::from),
                kind = %error.kind(), request_id = error.request_id(), "retrying request"
            );
            policy.notify(&RetryEvent {
                attempt,
                delay,
                error: &error,
            });
            inner.sleep.sleep(delay).await;
        }
    }

    /// One attempt within `limit`: send; a 2xx goes to `finish`, any other status becomes
    /// an [`Error`] (see [`error_from_response`](Self::error_from_response)).
    async fn attempt<T, F, Fut>(
        &self,
        request: &ApiRequest,
        url: &url::Url,
        extra_headers: &HeaderMap,
        limit: Duration,
        finish: &F,
    ) -> Result<T>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let started = Instant::now();
        let timed_out = || Error::timeout(format!("no complete response within {limit:?}"));
        let response = tokio::time::timeout(limit, self.send_once(request, url, extra_headers))
            .await
            .map_err(|_| timed_out())??;
        let left = limit.saturating_sub(started.elapsed());
        if response.status().is_success() {
            return tokio::time::timeout(left, finish(response))
                .await
                .unwrap_or_else(|_| Err(timed_out()));
        }
        Err(self
            .error_from_response(response, left.min(ERROR_BODY_TIMEOUT))
            .await)
    }

    /// Sends the request once and returns the response, whatever its status.
    async fn send_once(
        &self,
        request: &ApiRequest,
        url: &url::Url,
        extra_headers: &HeaderMap,
    ) -> Result<reqwest::Response> {
        let inner = &self.inner;
        // One header map: defaults, then the credential, then the body's content type,
        // then per-call headers, each replacing (not repeating) a header of the same name.
        // The first three are prepared once per client (see `Inner::json_headers`).
        let mut headers = if request.body.is_some() {
            inner.json_headers.clone()
        } else {
            inner.headers.clone()
        };
        let mut out = reqwest::Request::new(request.method.clone(), url.clone());
        if let Some(body) = &request.body {
            *out.body_mut() = Some(body.clone().into());
        }
        if let Some(form) = &request.multipart {
            let (body, length) = form.body().await?;
            headers.insert(CONTENT_TYPE, multipart_content_type(form)?);
            if let Some(length) = length {
                headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            *out.body_mut() = Some(body);
        }
        for (name, value) in extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        *out.headers_mut() = headers;
        // The user's middleware sees the request as it goes out, once per attempt.
        #[cfg(feature = "middleware")]
        if let Some(client) = &inner.middleware {
            return Ok(client.execute(out).await?);
        }
        Ok(inner.http.execute(out).await?)
    }

    /// Turns a non-2xx response into an [`Error`]: the status decides the kind; the body
    /// (at most 64 KiB, read within `limit`) adds the server's message. A body that stalls
    /// or breaks is recorded as the error's source and does not change the kind.
    async fn error_from_response(&self, mut response: reqwest::Response, limit: Duration) -> Error {
        let status = response.status().as_u16();
        let body = response::read_prefix(&mut response, ERROR_BODY_READ_CAP, limit).await;
        let headers = std::mem::take(response.headers_mut());
        let hint = hints::retry_after(&headers, self.inner.clock.now());
        let mut error = Error::from_response(status, headers, &body.bytes);
        error.set_retry_after(hint);
        let complete = body.problem.is_none();
        if let Some(problem) = body.problem {
            error.set_body_problem(crate::error::BodyProblem(problem));
        }
        let error = self.redact(error);
        tracing::debug!(
            status,
            kind = %error.kind(),
            request_id = error.request_id(),
            body_complete = complete,
            "request failed"
        );
        error
    }
}

/// The `Content-Type` of a multipart body.
fn multipart_content_type(form: &crate::multipart::Multipart) -> Result<HeaderValue> {
    HeaderValue::from_str(&form.content_type())
        .map_err(|_| Error::invalid_request("invalid multipart boundary"))
}

/// Whole milliseconds of `d`, saturating.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Decodes a JSON body, mapping failures to [`ErrorKind::Decode`] with the status kept.
///
/// # Errors
/// [`ErrorKind::Decode`] for an empty body or JSON of the wrong shape.
pub fn decode_json<T: DeserializeOwned>(body: &[u8], status: u16) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::with_message(
            ErrorKind::Decode,
            "the response body is empty where JSON was expected",
        )
        .with_status(status));
    }
    serde_json::from_slice(body).map_err(|e| {
        Error::decode("the response body is not the expected JSON", e).with_status(status)
    })
}
