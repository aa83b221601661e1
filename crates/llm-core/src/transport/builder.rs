//! Configuration of a [`Transport`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};

use super::{Auth, Inner, Transport};
use crate::retry::{Clock, Jitter, RandomJitter, RetryPolicy, Sleep, SystemClock, TokioSleep};
use crate::{Error, ErrorKind, Result, SecretString};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one attempt (for a stream: until the response headers arrive).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default longest silence between two streamed events.
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body read into memory.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 * 1024 * 1024;

/// Builds a [`Transport`]. Provider crates wrap it in their own client builders.
///
/// ```
/// use llm_core::{SecretString, Transport};
/// use std::time::Duration;
///
/// let transport = Transport::builder("https://api.example.com/v1")
///     .auth("Api-Token", SecretString::from("secret"))
///     .default_header("x-requested-with", "XMLHttpRequest")
///     .user_agent("my-sdk/1.0")
///     .timeout(Duration::from_secs(30))
///     .build()
///     .unwrap();
/// assert_eq!(transport.base_url().as_str(), "https://api.example.com/v1/");
/// ```
#[must_use]
pub struct TransportBuilder {
    base_url: String,
    auth: Option<(String, SecretString)>,
    headers: Vec<(String, String)>,
    user_agent: String,
    connect_timeout: Duration,
    timeout: Duration,
    stream_idle_timeout: Duration,
    total_timeout: Option<Duration>,
    max_response_size: usize,
    max_event_size: usize,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    danger_accept_invalid_certs: bool,
    sleep: Arc<dyn Sleep>,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    provider_name: &'static str,
    capture_content: bool,
    #[cfg(feature = "middleware")]
    middleware: Vec<Arc<dyn reqwest_middleware::Middleware>>,
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("base_url", &super::redacted_url(&self.base_url))
            .field("auth_header", &self.auth.as_ref().map(|(name, _)| name))
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("provider_name", &self.provider_name)
            .field("capture_content", &self.capture_content)
            .field("middleware", &self.middleware_count())
            .field("custom_http_client", &self.http.is_some())
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    pub(super) fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            auth: None,
            headers: Vec::new(),
            user_agent: concat!("llm-core/", env!("CARGO_PKG_VERSION")).to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            stream_idle_timeout: DEFAULT_STREAM_IDLE_TIMEOUT,
            total_timeout: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            max_event_size: crate::sse::SseDecoder::DEFAULT_MAX_EVENT_SIZE,
            retry: RetryPolicy::default(),
            http: None,
            danger_accept_invalid_certs: false,
            sleep: Arc::new(TokioSleep),
            clock: Arc::new(SystemClock),
            jitter: Arc::new(RandomJitter),
            provider_name: "unknown",
            capture_content: false,
            #[cfg(feature = "middleware")]
            middleware: Vec::new(),
        }
    }

    /// Adds a [`reqwest_middleware::Middleware`] (auth refresh, caching, custom tracing,
    /// any of the ecosystem's). Cargo feature `middleware`. Middleware runs in the order added, **once per attempt**,
    /// inside the retry loop: it sees each retry's request (with the credential and
    /// default headers already set, so it may replace them) and returns the response the
    /// retry loop then judges (a 503 it returns is retried; a response it makes up, e.g.
    /// from a cache, is used as if the server sent it). Its own error is
    /// [`ErrorKind::Middleware`](crate::ErrorKind::Middleware), never retried. Timeouts
    /// and the total deadline cover the time it takes.
    ///
    /// ```
    /// use llm_core::reqwest_middleware::{Middleware, Next, Result};
    /// use llm_core::reqwest::{Request, Response};
    ///
    /// struct Tag;
    ///
    /// #[async_trait::async_trait]
    /// impl Middleware for Tag {
    ///     async fn handle(&self, mut req: Request, ext: &mut http::Extensions, next: Next<'_>) -> Result<Response> {
    ///         req.headers_mut().insert("x-team", "search".parse().unwrap());
    ///         next.run(req, ext).await
    ///     }
    /// }
    ///
    /// let t = llm_core::Transport::builder("http://localhost:1").middleware(Tag).build()?;
    /// assert!(format!("{t:?}").contains("middleware: true"));
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    #[cfg(feature = "middleware")]
    pub fn middleware(mut self, middleware: impl reqwest_middleware::Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// How many middleware were added (0 without the `middleware` feature).
    fn middleware_count(&self) -> usize {
        #[cfg(feature = "middleware")]
        return self.middleware.len();
        #[cfg(not(feature = "middleware"))]
        0
    }

    /// The provider's name as telemetry reports it (`gen_ai.provider.name`, e.g.
    /// `"peakprivacy"`); provider crates set it. Default `"unknown"`.
    ///
    /// ```
    /// let t = llm_core::Transport::builder("http://localhost:1").provider_name("demo").build()?;
    /// assert_eq!(t.provider_name(), "demo");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn provider_name(mut self, name: &'static str) -> Self {
        self.provider_name = name;
        self
    }

    /// Puts prompts and answers on the operation spans (`gen_ai.input.messages`,
    /// `gen_ai.output.messages`), with the credential redacted. Off by default: they may
    /// hold personal data. See [`telemetry`](crate::telemetry).
    ///
    /// ```
    /// let t = llm_core::Transport::builder("http://localhost:1").capture_content(true).build()?;
    /// assert!(t.captures_content());
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn capture_content(mut self, capture: bool) -> Self {
        self.capture_content = capture;
        self
    }

    /// Replaces the base URL (with or without a trailing `/`). It may not carry a query or
    /// a fragment: [`build`](Self::build) refuses one with [`ErrorKind::Config`] rather
    /// than drop it, since request paths are joined to the base URL's path only. Pass such
    /// parameters per request, or as a [`default_header`](Self::default_header).
    ///
    /// ```
    /// use llm_core::{ErrorKind, Transport};
    /// let err = Transport::builder("https://a.example/v1?api-version=2").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Config);
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sends the credential in header `name` (marked sensitive) on every request.
    pub fn auth(mut self, name: impl Into<String>, secret: SecretString) -> Self {
        self.auth = Some((name.into(), secret));
        self
    }

    /// Adds a header sent on every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the `User-Agent` (provider crates name themselves and their version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets the connect timeout (ignored with a custom `reqwest::Client`).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the time one attempt may take (for a stream: until the headers arrive).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the longest silence between two streamed events.
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// Sets a deadline for a whole call across all its retries.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body read into memory (default 32 MiB).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Sets the largest single streamed event (default 16 MiB).
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = bytes;
        self
    }

    /// Sets the retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the number of retries (keeping the rest of the policy).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = self.retry.with_max_retries(retries);
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, custom TLS, ...). Build it with
    /// [`same_origin_redirects`](crate::same_origin_redirects) so credentials never follow
    /// a redirect to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// **Dangerous**: turns TLS certificate verification off, so anyone on the network path
    /// can read the key and the traffic. For local test servers with self-signed
    /// certificates only. There is deliberately no environment variable for this. Without
    /// the `rustls` and `native-tls` features there is no TLS, and this has no effect.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// Replaces how the retry loop sleeps (tests: record delays, return at once).
    pub fn sleep_impl(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// Replaces the wall clock used for `Retry-After` dates.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the source of backoff jitter.
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] for an invalid base URL (not http(s), or with a query or
    /// fragment), header or user agent, or when the HTTP client cannot be built (TLS
    /// set-up).
    pub fn build(self) -> Result<Transport> {
        let base_url = parse_base_url(&self.base_url)?;
        // Room for what reqwest and hyper add to each request's copy (host,
        // content-length) without rehashing it.
        let mut headers = HeaderMap::with_capacity(self.headers.len().saturating_add(8));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::with_source(ErrorKind::Config, "invalid header name", e))?;
            let value = HeaderValue::from_str(value).map_err(|e| {
                Error::with_source(
                    ErrorKind::Config,
                    format!("invalid value for header {name}"),
                    e,
                )
            })?;
            headers.insert(name, value);
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|e| Error::with_source(ErrorKind::Config, "invalid user agent", e))?;
        headers.insert(USER_AGENT, user_agent);
        let auth = match self.auth {
            Some((name, secret)) => Some(Auth::new(&name, &secret)?),
            None => None,
        };
        // What every request sends, built once: the defaults, then the credential (each
        // replacing a header of the same name), and for a JSON body its content type.
        if let Some(auth) = &auth {
            headers.insert(auth.name.clone(), auth.value.clone());
        }
        let mut json_headers = headers.clone();
        json_headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let http = match self.http {
            Some(client) => client,
            None => {
                let builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(crate::same_origin_redirects());
                // Without a TLS feature the client speaks plain HTTP only: no certificates.
                #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
                let builder =
                    builder.tls_danger_accept_invalid_certs(self.danger_accept_invalid_certs);
                #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
                install_ring_provider();
                builder.build().map_err(|e| {
                    Error::with_source(ErrorKind::Config, "the HTTP client could not be built", e)
                })?
            }
        };
        #[cfg(feature = "middleware")]
        let middleware = (!self.middleware.is_empty())
            .then(|| reqwest_middleware::ClientWithMiddleware::new(http.clone(), self.middleware));
        Ok(Transport {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                headers,
                json_headers,
                timeout: self.timeout,
                stream_idle_timeout: self.stream_idle_timeout,
                total_timeout: self.total_timeout,
                max_response_size: self.max_response_size,
                max_event_size: self.max_event_size,
                retry: self.retry,
                sleep: self.sleep,
                clock: self.clock,
                jitter: self.jitter,
                provider_name: self.provider_name,
                capture_content: self.capture_content,
                #[cfg(feature = "middleware")]
                middleware,
            }),
        })
    }
}

/// With `rustls-ring` (and not `rustls`), reqwest's rustls has no crypto provider of its
/// own: install `ring` as the process default unless the application installed one (then
/// theirs is used). Losing the race to another thread installing one is as good.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
fn install_ring_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Parses `url` and makes its path end in `/`, so joining `ai/models` keeps every segment.
/// A query or fragment is refused: joining a request path would silently drop it (an empty
/// `?` or `#` is removed).
///
/// Error messages never quote the URL: it may carry credentials (`https://user:key@host`,
/// `?key=...`).
fn parse_base_url(url: &str) -> Result<url::Url> {
    let mut parsed = url::Url::parse(url.trim()).map_err(|e| {
        Error::with_source(
            ErrorKind::Config,
            "the base URL is not a valid absolute URL",
            e,
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
        return Err(Error::with_message(
            ErrorKind::Config,
            format!(
                "the base URL must be an http or https URL, not {}:",
                parsed.scheme()
            ),
        ));
    }
    let refused = if parsed.query().is_some_and(|q| !q.is_empty()) {
        Some("query (`?...`)")
    } else if parsed.fragment().is_some_and(|f| !f.is_empty()) {
        Some("fragment (`#...`)")
    } else {
        None
    };
    if let Some(part) = refused {
        return Err(Error::with_message(
            ErrorKind::Config,
            format!(
                "the base URL must not have a {part}: it would be dropped from every request; \
                 pass such parameters per request or as a default header"
            ),
        ));
    }
    parsed.set_query(None);
    parsed.set_fragment(None);
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_trailing_slash() {
        assert_eq!(
            parse_base_url("https://a.b/v1").unwrap().as_str(),
            "https://a.b/v1/"
        );
        assert_eq!(
            parse_base_url("https://a.b/v1/").unwrap().as_str(),
            "https://a.b/v1/"
        );
        assert_eq!(
            parse_base_url("https://a.b").unwrap().as_str(),
            "https://a.b/"
        );
    }

    #[test]
    fn bad_base_urls_are_config_errors() {
        for url in ["not a url", "ftp://a.b/", "mailto:x@y.z"] {
            assert_eq!(
                parse_base_url(url).unwrap_err().kind(),
                ErrorKind::Config,
                "{url}"
            );
        }
    }

    #[test]
    fn query_or_fragment_is_refused_not_dropped() {
        for url in [
            "https://a.b/v1?api-version=2024-01",
            "https://a.b/v1/?key=pw-123",
            "https://a.b/v1#frag",
        ] {
            let err = parse_base_url(url).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{url}");
            assert!(!err.to_string().contains("pw-123"), "{err}");
        }
        // An empty `?` or `#` carries nothing: it is removed.
        for url in ["https://a.b/v1?", "https://a.b/v1#"] {
            assert_eq!(parse_base_url(url).unwrap().as_str(), "https://a.b/v1/");
        }
    }

    #[test]
    fn url_passwords_stay_out_of_errors_and_debug() {
        let err = parse_base_url("ftp://user:pw-123@a.b/").unwrap_err();
        assert!(!err.to_string().contains("pw-123"));
        let b = Transport::builder("https://user:pw-123@a.b/v1");
        assert!(!format!("{b:?}").contains("pw-123"));
        assert!(!format!("{:?}", b.build().unwrap()).contains("pw-123"));
    }

    #[test]
    fn url_user_names_stay_out_of_debug() {
        // A key given as the user name.
        let b = Transport::builder("https://pw-123@a.b/v1");
        assert!(!format!("{b:?}").contains("pw-123"), "{b:?}");
        assert!(!format!("{:?}", b.build().unwrap()).contains("pw-123"));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let b = Transport::builder("https://a.b").auth("Api-Token", SecretString::from("s3cr3t"));
        assert!(!format!("{b:?}").contains("s3cr3t"));
        let t = b.build().unwrap();
        assert!(!format!("{t:?}").contains("s3cr3t"));
    }
}
