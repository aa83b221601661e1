//! [`AligneAIBuilder`]: configuration of an [`AligneAI`] client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use llm_core::retry::{Clock, Jitter, RetryPolicy, Sleep};
use llm_core::{Error, ErrorKind, Result, SecretString, Transport};

use crate::client::{AligneAI, Config};
use crate::embeddings::EmbeddingsResponseFormat;
use crate::env::{EnvConfig, ENV_API_KEY};

/// The default base URL (the sister SDK's; **unverified** for AligneAI).
pub const DEFAULT_BASE_URL: &str = "https://api.altrum.ai/v1";
/// The default name of the header carrying the API key.
pub const DEFAULT_AUTH_HEADER: &str = "API-Key";
/// The default name of the header carrying the workspace id.
pub const DEFAULT_WORKSPACE_HEADER: &str = "Workspace-ID";
/// The `User-Agent` sent by this crate.
pub const USER_AGENT: &str = concat!("aligneai-rust/", env!("CARGO_PKG_VERSION"));

/// Builds an [`AligneAI`] client. Explicit values always win; the key, base URL and
/// workspace id that are not set (or set blank) are read from `ALIGNEAI_API_KEY`,
/// `ALIGNEAI_BASE_URL` and `ALIGNEAI_WORKSPACE_ID` at [`build`](Self::build) (blank
/// variables count as unset). [`AligneAI::from_env`] also loads a `.env` file first.
///
/// | setting | default |
/// |---|---|
/// | key | `ALIGNEAI_API_KEY`; none is an error |
/// | base URL | `ALIGNEAI_BASE_URL`, else [`DEFAULT_BASE_URL`] |
/// | workspace id | `ALIGNEAI_WORKSPACE_ID`, else none |
/// | key header | [`DEFAULT_AUTH_HEADER`] (`API-Key`) |
/// | workspace header | [`DEFAULT_WORKSPACE_HEADER`] (`Workspace-ID`), sent only when a workspace id is set |
/// | retries | 2 (3 attempts), exponential backoff from 0.5 s, capped at 8 s, with jitter |
/// | timeouts | connect 10 s, per attempt 120 s, stream idle 60 s, no total deadline |
///
/// ```
/// use aligneai::{AligneAI, RetryPolicy};
/// use std::time::Duration;
///
/// let client = AligneAI::builder()
///     .api_key("my-key")
///     .base_url("https://my-deployment.example.com/v1")
///     .workspace_id("ws-123")
///     .auth_header("X-Api-Key")
///     .timeout(Duration::from_secs(30))
///     .max_retries(4)
///     .default_header("x-team", "search")
///     .build()?;
/// assert_eq!(client.workspace_id(), Some("ws-123"));
/// # Ok::<(), aligneai::Error>(())
/// ```
#[must_use]
pub struct AligneAIBuilder {
    api_key: Option<SecretString>,
    base_url: Option<String>,
    workspace_id: Option<String>,
    auth_header: String,
    workspace_header: String,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_response_size: Option<usize>,
    max_event_size: Option<usize>,
    max_retries: Option<u32>,
    retry_policy: Option<RetryPolicy>,
    headers: Vec<(String, String)>,
    http_client: Option<llm_core::reqwest::Client>,
    danger_accept_invalid_certs: bool,
    sleep: Option<Arc<dyn Sleep>>,
    jitter: Option<Arc<dyn Jitter>>,
    clock: Option<Arc<dyn Clock>>,
    embeddings_format: EmbeddingsResponseFormat,
}

impl Default for AligneAIBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            workspace_id: None,
            auth_header: DEFAULT_AUTH_HEADER.to_owned(),
            workspace_header: DEFAULT_WORKSPACE_HEADER.to_owned(),
            timeout: None,
            connect_timeout: None,
            stream_idle_timeout: None,
            total_timeout: None,
            max_response_size: None,
            max_event_size: None,
            max_retries: None,
            retry_policy: None,
            headers: Vec::new(),
            http_client: None,
            danger_accept_invalid_certs: false,
            sleep: None,
            jitter: None,
            clock: None,
            embeddings_format: EmbeddingsResponseFormat::Auto,
        }
    }
}

impl fmt::Debug for AligneAIBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AligneAIBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
            .field("auth_header", &self.auth_header)
            .field("workspace_header", &self.workspace_header)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_policy", &self.retry_policy)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("custom_http_client", &self.http_client.is_some())
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("embeddings_response_format", &self.embeddings_format)
            .finish_non_exhaustive()
    }
}

impl AligneAIBuilder {
    /// A builder with defaults and no key (same as [`AligneAI::builder`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the API key (a blank key counts as unset).
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the base URL (with or without a trailing `/`); paths such as `embeddings` are
    /// joined to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the workspace id, sent in the workspace header on every request (a blank id
    /// counts as unset).
    pub fn workspace_id(mut self, id: impl Into<String>) -> Self {
        self.workspace_id = Some(id.into());
        self
    }

    /// Sets the name of the header carrying the API key (default `API-Key`).
    pub fn auth_header(mut self, name: impl Into<String>) -> Self {
        self.auth_header = name.into();
        self
    }

    /// Sets the name of the header carrying the workspace id (default `Workspace-ID`).
    pub fn workspace_header(mut self, name: impl Into<String>) -> Self {
        self.workspace_header = name.into();
        self
    }

    /// Sets the time one attempt may take (for a stream: until the headers arrive).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the connect timeout (ignored with a custom [`http_client`](Self::http_client)).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the longest silence between two streamed events.
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// Sets a deadline for a whole call, across all its retries.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body read into memory (default 32 MiB).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// Sets the largest single streamed event (default 16 MiB); a larger one ends the
    /// stream with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge).
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = Some(bytes);
        self
    }

    /// Sets the number of retries after the first attempt (default 2). Applied on top of
    /// [`retry_policy`](Self::retry_policy) whatever the order of the calls.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Sets the whole retry policy (count, backoff, longest honoured `Retry-After`).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Adds a header sent on every request. An invalid name or value fails at
    /// [`build`](Self::build).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, custom TLS). Build it with
    /// [`llm_core::same_origin_redirects`] so the key never follows a redirect to another
    /// host.
    pub fn http_client(mut self, client: llm_core::reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// **Dangerous**: turns TLS certificate verification off, so anyone on the network path
    /// can read the key and the traffic. For local test servers only; there is no
    /// environment variable for this.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// Chooses or forces the shape of embeddings responses (default
    /// [`EmbeddingsResponseFormat::Auto`]).
    pub fn embeddings_response_format(mut self, format: EmbeddingsResponseFormat) -> Self {
        self.embeddings_format = format;
        self
    }

    /// Test hook: replaces how the retry loop sleeps.
    pub fn sleep_impl(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Test hook: replaces the source of backoff jitter (e.g.
    /// [`FixedJitter(0.0)`](llm_core::retry::FixedJitter) for exact delays).
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Test hook: replaces the wall clock used for `Retry-After` dates.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// - [`ErrorKind::MissingCredential`] naming `ALIGNEAI_API_KEY` when no key (or a blank
    ///   one) was given and the variable is unset or blank.
    /// - [`ErrorKind::Config`] for an invalid base URL, header name or value, or TLS set-up.
    ///
    /// ```
    /// use aligneai::{AligneAI, ErrorKind};
    ///
    /// # if std::env::var_os("ALIGNEAI_API_KEY").is_none() {
    /// let err = AligneAI::builder().api_key("  ").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::MissingCredential);
    /// assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
    /// # }
    /// ```
    pub fn build(self) -> Result<AligneAI> {
        self.build_with_env(EnvConfig::read())
    }

    pub(crate) fn build_with_env(self, env: EnvConfig) -> Result<AligneAI> {
        let api_key = self
            .api_key
            .filter(|key| !key.is_blank())
            .or_else(|| env.api_key.map(SecretString::new))
            .ok_or_else(|| Error::missing_credential(ENV_API_KEY))?;
        let base_url = self
            .base_url
            .filter(|url| !url.trim().is_empty())
            .or(env.base_url)
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let workspace_id = self
            .workspace_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
            .or(env.workspace_id.map(|id| id.trim().to_owned()));

        let mut transport = Transport::builder(base_url)
            .auth(self.auth_header, api_key)
            .user_agent(USER_AGENT)
            .danger_accept_invalid_certs(self.danger_accept_invalid_certs);
        if let Some(id) = &workspace_id {
            if self.workspace_header.trim().is_empty() {
                return Err(Error::with_message(
                    ErrorKind::Config,
                    "the workspace header name is empty",
                ));
            }
            transport = transport.default_header(self.workspace_header, id.clone());
        }
        for (name, value) in self.headers {
            transport = transport.default_header(name, value);
        }
        if let Some(t) = self.timeout {
            transport = transport.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            transport = transport.connect_timeout(t);
        }
        if let Some(t) = self.stream_idle_timeout {
            transport = transport.stream_idle_timeout(t);
        }
        if let Some(t) = self.total_timeout {
            transport = transport.total_timeout(t);
        }
        if let Some(bytes) = self.max_response_size {
            transport = transport.max_response_size(bytes);
        }
        if let Some(bytes) = self.max_event_size {
            transport = transport.max_event_size(bytes);
        }
        if let Some(policy) = self.retry_policy {
            transport = transport.retry_policy(policy);
        }
        if let Some(n) = self.max_retries {
            transport = transport.max_retries(n);
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
        Ok(AligneAI::from_parts(
            transport.build()?,
            Config {
                workspace_id,
                embeddings_format: self.embeddings_format,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{ENV_BASE_URL, ENV_WORKSPACE_ID};

    fn env(key: Option<&str>, url: Option<&str>, ws: Option<&str>) -> EnvConfig {
        EnvConfig::from_lookup(|name| match name {
            ENV_API_KEY => key.map(str::to_owned),
            ENV_BASE_URL => url.map(str::to_owned),
            ENV_WORKSPACE_ID => ws.map(str::to_owned),
            _ => None,
        })
    }

    #[test]
    fn explicit_values_win_over_env() {
        let client = AligneAIBuilder::new()
            .base_url("http://explicit.test/v2")
            .workspace_id("ws-explicit")
            .build_with_env(env(
                Some("env-key"),
                Some("http://env.test/v1"),
                Some("ws-env"),
            ))
            .unwrap();
        assert_eq!(client.base_url(), "http://explicit.test/v2/");
        assert_eq!(client.workspace_id(), Some("ws-explicit"));
    }

    #[test]
    fn env_fills_the_gaps() {
        let client = AligneAIBuilder::new()
            .build_with_env(env(
                Some("env-key"),
                Some("http://env.test/v1"),
                Some("ws-env"),
            ))
            .unwrap();
        assert_eq!(client.base_url(), "http://env.test/v1/");
        assert_eq!(client.workspace_id(), Some("ws-env"));
    }

    #[test]
    fn defaults_and_missing_key() {
        let client = AligneAIBuilder::new()
            .build_with_env(env(Some("k"), None, None))
            .unwrap();
        assert_eq!(client.base_url(), "https://api.altrum.ai/v1/");
        assert_eq!(client.workspace_id(), None);
        let err = AligneAIBuilder::new()
            .build_with_env(env(None, None, None))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingCredential);
        assert_eq!(err.env_var(), Some(ENV_API_KEY));
        // An explicit blank key counts as unset.
        let client = AligneAIBuilder::new()
            .api_key("")
            .workspace_id(" ")
            .build_with_env(env(Some("k"), None, Some("ws-env")))
            .unwrap();
        assert_eq!(client.workspace_id(), Some("ws-env"));
        let err = AligneAIBuilder::new()
            .api_key(" ")
            .build_with_env(env(None, None, None))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingCredential);
    }

    #[test]
    fn debug_hides_the_key() {
        let b = AligneAIBuilder::new().api_key("sk-very-secret");
        assert!(!format!("{b:?}").contains("sk-very-secret"));
        let c = b.build_with_env(EnvConfig::default()).unwrap();
        assert!(!format!("{c:?}").contains("sk-very-secret"));
    }

    #[test]
    fn bad_config_is_a_config_error() {
        let err = AligneAIBuilder::new()
            .api_key("k")
            .base_url("nope")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let err = AligneAIBuilder::new()
            .api_key("k")
            .auth_header("bad header")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let err = AligneAIBuilder::new()
            .api_key("k")
            .default_header("x", "a\nb")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }
}
