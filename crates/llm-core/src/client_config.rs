//! The client settings every provider builder shares, defined once: [`ClientConfig`] holds
//! them, [`client_builder_settings!`](crate::client_builder_settings) gives a provider's
//! builder the same setters (names, types, docs), and the [`Async`] / [`Blocking`] markers
//! let one builder type build both the async and the blocking client.

use std::fmt;

use crate::{env, Result, SecretString, Transport, TransportBuilder};

/// Marks a provider builder that builds the async client (the default).
///
/// ```
/// let _marker = llm_core::Async;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Async;

/// Marks a provider builder that builds the blocking client.
///
/// ```
/// let _marker = llm_core::Blocking;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blocking;

/// What a provider says about itself when its client is built: where the credential and
/// base URL come from and how the credential is sent.
///
/// ```
/// let provider = llm_core::ProviderDefaults {
///     credential_env: "MY_API_KEY",
///     base_url_env: "MY_BASE_URL",
///     default_base_url: "https://api.example.com/v1/",
///     auth_header: "API-Key",
///     user_agent: "my-sdk/0.1",
///     provider_name: "my-provider",
/// };
/// assert_eq!(provider.auth_header, "API-Key");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ProviderDefaults<'a> {
    /// The variable read when no credential was set.
    pub credential_env: &'static str,
    /// The variable read when no base URL was set.
    pub base_url_env: &'static str,
    /// The base URL when neither the builder nor the variable sets one.
    pub default_base_url: &'static str,
    /// The header carrying the credential (marked sensitive).
    pub auth_header: &'a str,
    /// The `User-Agent` sent with every request.
    pub user_agent: &'static str,
    /// The provider's name in telemetry (`gen_ai.provider.name`).
    pub provider_name: &'static str,
}

/// The settings every provider client has: credential, base URL, timeouts, size limits,
/// retries, default headers, a custom HTTP client and the retry loop's test hooks. A
/// provider builder holds one in a field named `config` and gets its setters from
/// [`client_builder_settings!`](crate::client_builder_settings).
///
/// `Debug` never shows the credential.
///
/// ```
/// use llm_core::{ClientConfig, ProviderDefaults, SecretString};
/// use std::time::Duration;
///
/// let mut config = ClientConfig::new();
/// config.credential = Some(SecretString::from("k-1"));
/// config.base_url = Some("http://127.0.0.1:9/v1".into());
/// config.update(|t| t.timeout(Duration::from_secs(5)));
/// assert!(!format!("{config:?}").contains("k-1"));
/// let defaults = ProviderDefaults {
///     credential_env: "DOC_UNSET_KEY", base_url_env: "DOC_UNSET_URL",
///     default_base_url: "https://api.example.com/v1/", auth_header: "API-Key", user_agent: "doc/1", provider_name: "doc",
/// };
/// let transport = config.into_transport(&defaults)?.build()?;
/// assert_eq!(transport.base_url().as_str(), "http://127.0.0.1:9/v1/");
/// # Ok::<(), llm_core::Error>(())
/// ```
pub struct ClientConfig {
    /// The credential; blank counts as unset (the provider's variable is read then).
    pub credential: Option<SecretString>,
    /// The base URL; unset (or blank) means the provider's variable, else its default.
    pub base_url: Option<String>,
    /// Retries, applied on top of the retry policy whatever the order of the setters.
    pub max_retries: Option<u32>,
    transport: Option<TransportBuilder>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "[REDACTED]"),
            )
            .field("base_url", &self.base_url)
            .field("max_retries", &self.max_retries)
            .field("transport", &self.transport)
            .finish()
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientConfig {
    /// Every setting at its default.
    ///
    /// ```
    /// let config = llm_core::ClientConfig::new();
    /// assert!(config.credential.is_none() && config.base_url.is_none());
    /// ```
    pub fn new() -> Self {
        Self {
            credential: None,
            base_url: None,
            max_retries: None,
            transport: Some(Transport::builder("")),
        }
    }

    /// Changes the transport settings (timeouts, limits, headers, hooks).
    ///
    /// ```
    /// let mut config = llm_core::ClientConfig::new();
    /// config.update(|t| t.max_event_size(1024));
    /// ```
    pub fn update(&mut self, change: impl FnOnce(TransportBuilder) -> TransportBuilder) {
        self.transport = self.transport.take().map(change);
    }

    /// The transport builder with every setting applied: the credential (explicit, else
    /// `defaults.credential_env`) in `defaults.auth_header`, the base URL (explicit, else
    /// `defaults.base_url_env`, else `defaults.default_base_url`) and the user agent. The
    /// provider adds its own headers and builds it.
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) naming the
    /// variable when there is no credential; [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// for a variable that is not UTF-8.
    ///
    /// ```
    /// use llm_core::{ClientConfig, ErrorKind, ProviderDefaults};
    /// let defaults = ProviderDefaults {
    ///     credential_env: "DOC_UNSET_KEY", base_url_env: "DOC_UNSET_URL",
    ///     default_base_url: "https://api.example.com/v1/", auth_header: "API-Key", user_agent: "doc/1", provider_name: "doc",
    /// };
    /// let err = ClientConfig::new().into_transport(&defaults).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::MissingCredential);
    /// assert_eq!(err.env_var(), Some("DOC_UNSET_KEY"));
    /// ```
    pub fn into_transport(self, defaults: &ProviderDefaults<'_>) -> Result<TransportBuilder> {
        let credential = env::credential(self.credential, defaults.credential_env)?;
        let base_url = match self.base_url.filter(|url| !url.trim().is_empty()) {
            Some(url) => url,
            None => env::var(defaults.base_url_env)?
                .unwrap_or_else(|| defaults.default_base_url.to_owned()),
        };
        let mut transport = self
            .transport
            .unwrap_or_else(|| Transport::builder(""))
            .base_url(base_url)
            .auth(defaults.auth_header, credential)
            .user_agent(defaults.user_agent)
            .provider_name(defaults.provider_name);
        if let Some(retries) = self.max_retries {
            transport = transport.max_retries(retries);
        }
        Ok(transport)
    }

    /// Sets a transport setting (used by the generated setters).
    #[doc(hidden)]
    pub fn set(mut self, change: impl FnOnce(TransportBuilder) -> TransportBuilder) -> Self {
        self.update(change);
        self
    }
}

/// Gives a provider builder `$builder<M>` (with a field `config: ClientConfig`) the shared
/// setters: the credential setter (named by the provider), `base_url`, `timeout`,
/// `connect_timeout`, `stream_idle_timeout`, `total_timeout`, `max_response_size`,
/// `max_event_size`, `max_retries`, `retry_policy`, `default_header`, `http_client`,
/// `danger_accept_invalid_certs` and the test hooks `sleep_impl`, `jitter`, `clock`.
/// Adding a transport setting here adds it to every provider, async and blocking.
///
/// ```
/// mod demo {
///     pub struct DemoBuilder<M = llm_core::Async> {
///         config: llm_core::ClientConfig,
///         mode: std::marker::PhantomData<M>,
///     }
///     llm_core::client_builder_settings!(DemoBuilder, krate = "demo", client = "Demo", credential = api_key, credential_env = "DEMO_API_KEY");
///     impl DemoBuilder {
///         pub fn new() -> Self { Self { config: llm_core::ClientConfig::new(), mode: std::marker::PhantomData } }
///         pub fn timeout_of(&self) -> String { format!("{:?}", self.config) }
///     }
/// }
/// let builder = demo::DemoBuilder::new().api_key("k").timeout(std::time::Duration::from_secs(3));
/// assert!(builder.timeout_of().contains("3s"));
/// ```
#[macro_export]
macro_rules! client_builder_settings {
    ($builder:ident, krate = $krate:literal, client = $client:literal, credential = $credential:ident, credential_env = $env:literal) => {
        impl<M> $builder<M> {
            #[doc = concat!(
                "Sets the credential (a blank one counts as unset; then `", $env, "` is read ",
                "at `build`). `Debug` never shows it.\n\n```\nlet builder = ", $krate, "::", $client,
                "::builder().", stringify!($credential), "(\"my-secret\");\n",
                "assert!(!format!(\"{builder:?}\").contains(\"my-secret\"));\n```"
            )]
            pub fn $credential(mut self, credential: impl Into<$crate::SecretString>) -> Self {
                self.config.credential = Some(credential.into());
                self
            }

            #[doc = concat!(
                "Sets the base URL, with or without a trailing `/` (else the base-URL ",
                "variable, else the provider's default). A URL with a query or fragment is ",
                "refused at `build`.\n\n```\nlet client = ", $krate, "::", $client, "::builder()\n",
                "    .", stringify!($credential), "(\"k\")\n    .base_url(\"https://proxy.example.com/llm/v1\")\n",
                "    .build()?;\nassert_eq!(client.base_url(), \"https://proxy.example.com/llm/v1/\");\n",
                "# Ok::<(), ", $krate, "::Error>(())\n```"
            )]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.config.base_url = Some(url.into());
                self
            }

            #[doc = concat!(
                "Sets the time one attempt may take, from sending the request to the end of ",
                "the body (for a stream: until the response headers arrive). Default 120 s.\n\n```\n",
                "use std::time::Duration;\nlet builder = ", $krate, "::", $client,
                "::builder().timeout(Duration::from_secs(30));\nassert!(format!(\"{builder:?}\").contains(\"30s\"));\n```"
            )]
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config = self.config.set(|t| t.timeout(timeout));
                self
            }

            #[doc = concat!(
                "Sets the connect timeout. Default 10 s. Ignored with a custom ",
                "[`http_client`](Self::http_client).\n\n```\nuse std::time::Duration;\nlet builder = ",
                $krate, "::", $client, "::builder().connect_timeout(Duration::from_secs(3));\n",
                "assert!(format!(\"{builder:?}\").contains(\"3s\"));\n```"
            )]
            pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config = self.config.set(|t| t.connect_timeout(timeout));
                self
            }

            #[doc = concat!(
                "Sets the longest silence between two delivered stream events (comments and ",
                "keep-alive bytes do not count). Default 60 s.\n\n```\nuse std::time::Duration;\n",
                "let builder = ", $krate, "::", $client, "::builder().stream_idle_timeout(Duration::from_secs(20));\n",
                "assert!(format!(\"{builder:?}\").contains(\"20s\"));\n```"
            )]
            pub fn stream_idle_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config = self.config.set(|t| t.stream_idle_timeout(timeout));
                self
            }

            #[doc = concat!(
                "Sets a deadline for a whole call across all its attempts and backoff sleeps. ",
                "Default none.\n\n```\nuse std::time::Duration;\nlet builder = ", $krate, "::", $client,
                "::builder().total_timeout(Duration::from_secs(300));\n",
                "assert!(format!(\"{builder:?}\").contains(\"300s\"));\n```"
            )]
            pub fn total_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config = self.config.set(|t| t.total_timeout(timeout));
                self
            }

            #[doc = concat!(
                "Sets the largest response body read into memory (default 32 MiB); a larger ",
                "one is `ErrorKind::ResponseTooLarge`.\n\n```\nlet builder = ", $krate, "::", $client,
                "::builder().max_response_size(4 * 1024 * 1024);\n# let _ = builder;\n```"
            )]
            pub fn max_response_size(mut self, bytes: usize) -> Self {
                self.config = self.config.set(|t| t.max_response_size(bytes));
                self
            }

            #[doc = concat!(
                "Sets the largest single streamed event (default 16 MiB); a larger one ends ",
                "the stream with `ErrorKind::ResponseTooLarge`.\n\n```\nlet builder = ", $krate, "::",
                $client, "::builder().max_event_size(1024 * 1024);\n# let _ = builder;\n```"
            )]
            pub fn max_event_size(mut self, bytes: usize) -> Self {
                self.config = self.config.set(|t| t.max_event_size(bytes));
                self
            }

            #[doc = concat!(
                "Sets the number of retries after the first attempt (default 2). Applied on ",
                "top of [`retry_policy`](Self::retry_policy) whatever the order.\n\n```\n",
                "let builder = ", $krate, "::", $client, "::builder().max_retries(0);\n",
                "assert!(format!(\"{builder:?}\").contains(\"max_retries: Some(0)\"));\n```"
            )]
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.config.max_retries = Some(retries);
                self
            }

            #[doc = concat!(
                "Sets the whole retry policy (retries, backoff, longest honoured `Retry-After`).\n\n",
                "```\nuse ", $krate, "::retry::{Backoff, RetryPolicy};\nuse std::time::Duration;\n\n",
                "let policy = RetryPolicy::default()\n    .with_backoff(Backoff::new(Duration::from_millis(200), Duration::from_secs(2)));\n",
                "let builder = ", $krate, "::", $client, "::builder().retry_policy(policy);\n# let _ = builder;\n```"
            )]
            pub fn retry_policy(mut self, policy: $crate::retry::RetryPolicy) -> Self {
                self.config = self.config.set(|t| t.retry_policy(policy));
                self
            }

            #[doc = concat!(
                "Adds a header sent with every request. An invalid name or value is reported ",
                "by `build` as `ErrorKind::Config`.\n\n```\nlet builder = ", $krate, "::", $client,
                "::builder().default_header(\"x-team\", \"search\");\n# let _ = builder;\n```"
            )]
            pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.config = self.config.set(|t| t.default_header(name, value));
                self
            }

            #[doc = concat!(
                "Uses your own `reqwest::Client` (proxies, custom TLS). Build it with ",
                "`same_origin_redirects()` so the credential header never follows a redirect ",
                "to another host.\n\n```\nlet http = ", $krate, "::reqwest::Client::builder()\n",
                "    .redirect(", $krate, "::same_origin_redirects())\n    .build()\n    .unwrap();\n",
                "let builder = ", $krate, "::", $client, "::builder().http_client(http);\n",
                "assert!(format!(\"{builder:?}\").contains(\"custom_http_client: true\"));\n```"
            )]
            pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
                self.config = self.config.set(|t| t.http_client(client));
                self
            }

            #[doc = concat!(
                "**Dangerous**: turns TLS certificate verification off, so anyone on the ",
                "network path can read your credential and your prompts. Only for local test ",
                "servers with self-signed certificates; there is deliberately no environment ",
                "variable for it.\n\n```\nlet builder = ", $krate, "::", $client,
                "::builder().danger_accept_invalid_certs(false);\n# let _ = builder;\n```"
            )]
            pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
                self.config = self.config.set(|t| t.danger_accept_invalid_certs(accept));
                self
            }

            #[doc = concat!(
                "Adds a `reqwest_middleware::Middleware` (auth refresh, caching, custom ",
                "tracing; cargo feature `middleware`): it runs once per attempt, inside the retry loop, in the order added. ",
                "See `llm_core::TransportBuilder::middleware` for how it composes with retries ",
                "and deadlines.\n\n```\nuse ", $krate, "::reqwest_middleware::{Middleware, Next, Result};\n",
                "use ", $krate, "::reqwest::{Request, Response};\n\nstruct Count(std::sync::atomic::AtomicU32);\n\n",
                "#[async_trait::async_trait]\nimpl Middleware for Count {\n",
                "    async fn handle(&self, req: Request, ext: &mut http::Extensions, next: Next<'_>) -> Result<Response> {\n",
                "        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);\n        next.run(req, ext).await\n    }\n}\n\n",
                "let builder = ", $krate, "::", $client, "::builder().middleware(Count(Default::default()));\n",
                "assert!(format!(\"{builder:?}\").contains(\"middleware: 1\"));\n```"
            )]
            #[cfg(feature = "middleware")]
            pub fn middleware(mut self, middleware: impl $crate::reqwest_middleware::Middleware) -> Self {
                self.config = self.config.set(|t| t.middleware(middleware));
                self
            }

            #[doc = concat!(
                "Puts prompts and answers on the telemetry spans (`gen_ai.input.messages`, ",
                "`gen_ai.output.messages`, the credential redacted, each at most 64 KiB). Off by ",
                "default: they may hold personal data. See `llm_core::telemetry`.\n\n```\nlet builder = ",
                $krate, "::", $client, "::builder().capture_content(true);\n",
                "assert!(format!(\"{builder:?}\").contains(\"capture_content: true\"));\n```"
            )]
            pub fn capture_content(mut self, capture: bool) -> Self {
                self.config = self.config.set(|t| t.capture_content(capture));
                self
            }

            #[doc = concat!(
                "Test hook: replaces how the retry loop sleeps (e.g. record delays and return ",
                "at once).\n\n```\nuse ", $krate, "::retry::TokioSleep;\nuse std::sync::Arc;\n",
                "let builder = ", $krate, "::", $client, "::builder().sleep_impl(Arc::new(TokioSleep));\n",
                "# let _ = builder;\n```"
            )]
            pub fn sleep_impl(mut self, sleep: std::sync::Arc<dyn $crate::retry::Sleep>) -> Self {
                self.config = self.config.set(|t| t.sleep_impl(sleep));
                self
            }

            #[doc = concat!(
                "Test hook: replaces the source of backoff jitter.\n\n```\nuse ", $krate,
                "::retry::FixedJitter;\nuse std::sync::Arc;\nlet builder = ", $krate, "::", $client,
                "::builder().jitter(Arc::new(FixedJitter(0.0)));\n# let _ = builder;\n```"
            )]
            pub fn jitter(mut self, jitter: std::sync::Arc<dyn $crate::retry::Jitter>) -> Self {
                self.config = self.config.set(|t| t.jitter(jitter));
                self
            }

            #[doc = concat!(
                "Test hook: replaces the wall clock used to read `Retry-After` dates.\n\n```\nuse ",
                $krate, "::retry::SystemClock;\nuse std::sync::Arc;\nlet builder = ", $krate, "::",
                $client, "::builder().clock(Arc::new(SystemClock));\n# let _ = builder;\n```"
            )]
            pub fn clock(mut self, clock: std::sync::Arc<dyn $crate::retry::Clock>) -> Self {
                self.config = self.config.set(|t| t.clock(clock));
                self
            }
        }
    };
}
