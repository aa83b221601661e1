//! [`PeakPrivacyBuilder`]: every client setting, with defaults and environment fallbacks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use llm_core::retry::{Clock, Jitter, RetryPolicy, Sleep};
use llm_core::{SecretString, Transport};

use crate::env::{self, API_TOKEN_ENV, API_URL_ENV, DEFAULT_BASE_URL};
use crate::{Error, PeakPrivacy, Result};

/// The `User-Agent` sent with every request.
pub(crate) const USER_AGENT: &str = concat!("peakprivacy-rust/", env!("CARGO_PKG_VERSION"));

/// Builds a [`PeakPrivacy`] client. Start with [`PeakPrivacy::builder`].
///
/// Values set here win over the environment: at [`build`](Self::build), a token not set
/// (or blank) is read from `PEAKPRIVACY_API_TOKEN`, and a base URL not set from
/// `PEAKPRIVACY_API_URL` (default `https://api.peakprivacy.ch/v1/`). Only
/// [`PeakPrivacy::from_env`] also loads a `.env` file.
///
/// | setting | default |
/// |---|---|
/// | [`timeout`](Self::timeout) (one attempt; for a stream until headers arrive) | 120 s |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`stream_idle_timeout`](Self::stream_idle_timeout) | 60 s |
/// | [`total_timeout`](Self::total_timeout) (across retries) | none |
/// | [`max_retries`](Self::max_retries) | 2 (3 attempts) |
///
/// ```
/// use peakprivacy::PeakPrivacy;
/// use std::time::Duration;
///
/// let client = PeakPrivacy::builder()
///     .api_token("my-token")
///     .base_url("http://127.0.0.1:8080/v1")
///     .timeout(Duration::from_secs(30))
///     .max_retries(4)
///     .default_header("x-team", "search")
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/v1/");
/// # Ok::<(), peakprivacy::Error>(())
/// ```
#[must_use]
#[derive(Default)]
pub struct PeakPrivacyBuilder {
    api_token: Option<SecretString>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_response_size: Option<usize>,
    max_event_size: Option<usize>,
    max_retries: Option<u32>,
    retry_policy: Option<RetryPolicy>,
    default_headers: Vec<(String, String)>,
    http_client: Option<llm_core::reqwest::Client>,
    danger_accept_invalid_certs: bool,
    sleep: Option<Arc<dyn Sleep>>,
    jitter: Option<Arc<dyn Jitter>>,
    clock: Option<Arc<dyn Clock>>,
}

impl fmt::Debug for PeakPrivacyBuilder {
    /// Never prints the token, only whether one was set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeakPrivacyBuilder")
            .field("api_token", &self.api_token.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_policy", &self.retry_policy)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .field("custom_http_client", &self.http_client.is_some())
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .finish_non_exhaustive()
    }
}

impl PeakPrivacyBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the API token (from <https://app.peakprivacy.ch/api-tokens>). A blank token
    /// counts as not set.
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacy::builder().api_token("my-token");
    /// assert!(!format!("{builder:?}").contains("my-token"));
    /// ```
    pub fn api_token(mut self, token: impl Into<SecretString>) -> Self {
        self.api_token = Some(token.into());
        self
    }

    /// Sets the base URL, with or without a trailing `/` (default
    /// `https://api.peakprivacy.ch/v1/`, or `PEAKPRIVACY_API_URL`).
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::builder()
    ///     .api_token("t")
    ///     .base_url("https://proxy.example.com/peakprivacy/v1")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://proxy.example.com/peakprivacy/v1/");
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the time one attempt may take (for a stream: until the response headers
    /// arrive). Default 120 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = peakprivacy::PeakPrivacy::builder().timeout(Duration::from_secs(30));
    /// # let _ = builder;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the connect timeout. Default 10 s. Ignored with a custom
    /// [`http_client`](Self::http_client).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = peakprivacy::PeakPrivacy::builder().connect_timeout(Duration::from_secs(3));
    /// # let _ = builder;
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the longest silence between two streamed events (comments and keep-alive bytes
    /// do not count). Default 60 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = peakprivacy::PeakPrivacy::builder().stream_idle_timeout(Duration::from_secs(20));
    /// # let _ = builder;
    /// ```
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// Sets a deadline for a whole call across all its retries. Default none.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = peakprivacy::PeakPrivacy::builder().total_timeout(Duration::from_secs(300));
    /// # let _ = builder;
    /// ```
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body read into memory (default 32 MiB); a larger one is
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge).
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacy::builder().max_response_size(4 * 1024 * 1024);
    /// # let _ = builder;
    /// ```
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// Sets the largest single streamed event (default 16 MiB); a larger one ends the
    /// stream with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge).
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacy::builder().max_event_size(1024 * 1024);
    /// # let _ = builder;
    /// ```
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = Some(bytes);
        self
    }

    /// Sets the number of retries after the first attempt (default 2). Applied on top of
    /// [`retry_policy`](Self::retry_policy) when both are set.
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacy::builder().max_retries(0);
    /// # let _ = builder;
    /// ```
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Sets the whole retry policy (retries, backoff, longest honoured `Retry-After`).
    ///
    /// ```
    /// use peakprivacy::retry::{Backoff, RetryPolicy};
    /// use std::time::Duration;
    ///
    /// let policy = RetryPolicy::default()
    ///     .with_backoff(Backoff::new(Duration::from_millis(200), Duration::from_secs(2)));
    /// let builder = peakprivacy::PeakPrivacy::builder().retry_policy(policy);
    /// # let _ = builder;
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Adds a header sent with every request. An invalid name or value is reported by
    /// [`build`](Self::build).
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacy::builder().default_header("x-team", "search");
    /// # let _ = builder;
    /// ```
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Uses your own `reqwest::Client` (proxies, custom TLS). Build it with
    /// [`same_origin_redirects`](crate::same_origin_redirects) so the `Api-Token` header
    /// never follows a redirect to another host.
    ///
    /// ```
    /// let http = peakprivacy::reqwest::Client::builder()
    ///     .redirect(peakprivacy::same_origin_redirects())
    ///     .build()
    ///     .unwrap();
    /// let builder = peakprivacy::PeakPrivacy::builder().http_client(http);
    /// # let _ = builder;
    /// ```
    pub fn http_client(mut self, client: llm_core::reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// **Dangerous**: turns TLS certificate verification off, so anyone on the network path
    /// can read your token and your prompts. Only for local test servers with self-signed
    /// certificates. (The Python SDK's `PEAKPRIVACY_VERIFY_REQUEST` variable is
    /// deliberately not supported.)
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacy::builder().danger_accept_invalid_certs(false);
    /// # let _ = builder;
    /// ```
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// Test hook: replaces how the retry loop sleeps (e.g. record delays, return at once).
    ///
    /// ```
    /// use peakprivacy::retry::TokioSleep;
    /// use std::sync::Arc;
    /// let builder = peakprivacy::PeakPrivacy::builder().sleep_impl(Arc::new(TokioSleep));
    /// # let _ = builder;
    /// ```
    pub fn sleep_impl(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Test hook: replaces the source of backoff jitter.
    ///
    /// ```
    /// use peakprivacy::retry::FixedJitter;
    /// use std::sync::Arc;
    /// let builder = peakprivacy::PeakPrivacy::builder().jitter(Arc::new(FixedJitter(0.0)));
    /// # let _ = builder;
    /// ```
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Test hook: replaces the wall clock used to read `Retry-After` dates.
    ///
    /// ```
    /// use peakprivacy::retry::SystemClock;
    /// use std::sync::Arc;
    /// let builder = peakprivacy::PeakPrivacy::builder().clock(Arc::new(SystemClock));
    /// # let _ = builder;
    /// ```
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// - [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) naming
    ///   `PEAKPRIVACY_API_TOKEN` when no token was set and the variable is unset or blank.
    /// - [`ErrorKind::Config`](crate::ErrorKind::Config) for an invalid base URL, header,
    ///   token characters, or TLS set-up.
    ///
    /// ```
    /// use peakprivacy::{ErrorKind, PeakPrivacy};
    /// # if std::env::var_os("PEAKPRIVACY_API_TOKEN").is_none() {
    /// let err = PeakPrivacy::builder().api_token("  ").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::MissingCredential);
    /// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
    /// # }
    /// ```
    pub fn build(self) -> Result<PeakPrivacy> {
        let token = match self.api_token.filter(|token| !token.is_blank()) {
            Some(token) => token,
            None => env::var(API_TOKEN_ENV)?
                .map(SecretString::from)
                .ok_or_else(|| Error::missing_credential(API_TOKEN_ENV))?,
        };
        let base_url = match self.base_url {
            Some(url) => url,
            None => env::var(API_URL_ENV)?.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let mut transport = Transport::builder(base_url)
            .auth("Api-Token", token)
            .default_header("X-Requested-With", "XMLHttpRequest")
            .user_agent(USER_AGENT)
            .danger_accept_invalid_certs(self.danger_accept_invalid_certs);
        for (name, value) in self.default_headers {
            transport = transport.default_header(name, value);
        }
        if let Some(policy) = self.retry_policy {
            transport = transport.retry_policy(policy);
        }
        if let Some(retries) = self.max_retries {
            transport = transport.max_retries(retries);
        }
        if let Some(timeout) = self.timeout {
            transport = transport.timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            transport = transport.connect_timeout(timeout);
        }
        if let Some(timeout) = self.stream_idle_timeout {
            transport = transport.stream_idle_timeout(timeout);
        }
        if let Some(timeout) = self.total_timeout {
            transport = transport.total_timeout(timeout);
        }
        if let Some(bytes) = self.max_response_size {
            transport = transport.max_response_size(bytes);
        }
        if let Some(bytes) = self.max_event_size {
            transport = transport.max_event_size(bytes);
        }
        if let Some(client) = self.http_client {
            transport = transport.http_client(client);
        }
        if let Some(sleep) = self.sleep {
            transport = transport.sleep_impl(sleep);
        }
        if let Some(jitter) = self.jitter {
            transport = transport.jitter(jitter);
        }
        if let Some(clock) = self.clock {
            transport = transport.clock(clock);
        }
        Ok(PeakPrivacy::from_transport(transport.build()?))
    }
}
