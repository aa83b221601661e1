//! Choosing a provider and model from configuration, without code changes: a
//! [`ModelConfig`] (from a `"provider:model"` string or the environment) plus
//! [`ClientSettings`] (timeouts, retries, headers, base URL, your own HTTP client) applied
//! to whichever provider's builder it names.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use llm_core::retry::{Clock, Jitter, RetryPolicy, Sleep};
use llm_core::SecretString;

use crate::{
    AligneAIChat, AligneAIEmbeddings, ChatModel, EmbeddingModel, Error, ErrorKind, MockChatModel,
    MockEmbeddingModel, PeakPrivacyChat, ProviderOptions, Result,
};

/// The providers this crate can build models for.
///
/// ```
/// use unified::Provider;
/// assert_eq!("PeakPrivacy".parse::<Provider>().unwrap(), Provider::PeakPrivacy);
/// let err = "openai".parse::<Provider>().unwrap_err();
/// assert!(err.to_string().contains("peakprivacy, aligneai, mock"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// PeakPrivacy (chat).
    PeakPrivacy,
    /// AligneAI (chat and embeddings).
    AligneAI,
    /// The in-memory mock models (chat and embeddings).
    Mock,
}

/// The valid provider names, for error messages.
const VALID: &str = "peakprivacy, aligneai, mock";

impl Provider {
    /// The lowercase name used in model strings.
    ///
    /// ```
    /// assert_eq!(unified::Provider::AligneAI.as_str(), "aligneai");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PeakPrivacy => "peakprivacy",
            Self::AligneAI => "aligneai",
            Self::Mock => "mock",
        }
    }

    /// Whether the provider offers embeddings (PeakPrivacy does not).
    ///
    /// ```
    /// use unified::Provider;
    /// assert!(!Provider::PeakPrivacy.has_embeddings() && Provider::AligneAI.has_embeddings());
    /// ```
    pub fn has_embeddings(self) -> bool {
        !matches!(self, Self::PeakPrivacy)
    }

    /// An example chat model id, for error messages.
    fn example_model(self) -> &'static str {
        match self {
            Self::PeakPrivacy => peakprivacy::model_ids::MISTRAL_SWISS,
            Self::AligneAI => "llama-3.1-8b-instruct",
            Self::Mock => "mock-chat",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "peakprivacy" => Ok(Self::PeakPrivacy),
            "aligneai" => Ok(Self::AligneAI),
            "mock" => Ok(Self::Mock),
            other => Err(Error::with_message(
                ErrorKind::Config,
                format!("unknown provider {other:?}; valid providers: {VALID}"),
            )),
        }
    }
}

/// Client settings applied to either provider's builder (both have the same setters), so
/// one value configures whichever provider the configuration names. Unset settings keep
/// the provider's defaults (timeout 120 s, connect 10 s, stream idle 60 s, 2 retries, no
/// total deadline). `Debug` never shows the key.
///
/// The credential and base URL, when not set here, come from the provider's variables
/// (`PEAKPRIVACY_API_TOKEN` / `PEAKPRIVACY_API_URL`, `ALIGNEAI_API_KEY` /
/// `ALIGNEAI_BASE_URL` / `ALIGNEAI_WORKSPACE_ID`) read through the factory's lookup.
///
/// ```
/// use std::time::Duration;
/// use unified::{ClientSettings, ModelConfig};
///
/// let settings = ClientSettings::new()
///     .api_key("k-123")
///     .base_url("http://127.0.0.1:9/v1")
///     .timeout(Duration::from_secs(20))
///     .total_timeout(Duration::from_secs(60))
///     .max_retries(1)
///     .header("x-team", "search");
/// assert!(!format!("{settings:?}").contains("k-123"));
/// let model = ModelConfig::parse("aligneai:llama-3.1-8b-instruct")?.settings(settings).build_chat_with(&|_| None)?;
/// assert_eq!(model.model(), "llama-3.1-8b-instruct");
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientSettings {
    api_key: Option<SecretString>,
    base_url: Option<String>,
    workspace_id: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_policy: Option<RetryPolicy>,
    headers: Vec<(String, String)>,
    http_client: Option<llm_core::reqwest::Client>,
    sleep: Option<Arc<dyn Sleep>>,
    jitter: Option<Arc<dyn Jitter>>,
    clock: Option<Arc<dyn Clock>>,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
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
            .finish_non_exhaustive()
    }
}

impl ClientSettings {
    /// Every setting left to the provider's default.
    ///
    /// ```
    /// let settings = unified::ClientSettings::new();
    /// assert!(format!("{settings:?}").contains("timeout: None"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The credential (PeakPrivacy's token or AligneAI's key); else the provider's variable.
    ///
    /// ```
    /// let settings = unified::ClientSettings::new().api_key("secret");
    /// assert!(!format!("{settings:?}").contains("secret"));
    /// ```
    #[must_use]
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL; else the provider's variable, else its default.
    ///
    /// ```
    /// let settings = unified::ClientSettings::new().base_url("http://127.0.0.1:8080/v1");
    /// assert!(format!("{settings:?}").contains("8080"));
    /// ```
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// AligneAI's workspace id (ignored by other providers); else `ALIGNEAI_WORKSPACE_ID`.
    ///
    /// ```
    /// let settings = unified::ClientSettings::new().workspace_id("ws-1");
    /// assert!(format!("{settings:?}").contains("ws-1"));
    /// ```
    #[must_use]
    pub fn workspace_id(mut self, id: impl Into<String>) -> Self {
        self.workspace_id = Some(id.into());
        self
    }

    /// The time one attempt may take (for a stream: until the headers arrive).
    ///
    /// ```
    /// let s = unified::ClientSettings::new().timeout(std::time::Duration::from_secs(5));
    /// assert!(format!("{s:?}").contains("5s"));
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (ignored with a custom [`http_client`](Self::http_client)).
    ///
    /// ```
    /// let s = unified::ClientSettings::new().connect_timeout(std::time::Duration::from_secs(2));
    /// assert!(format!("{s:?}").contains("2s"));
    /// ```
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The longest silence between two streamed chunks.
    ///
    /// ```
    /// let s = unified::ClientSettings::new().stream_idle_timeout(std::time::Duration::from_secs(15));
    /// assert!(format!("{s:?}").contains("15s"));
    /// ```
    #[must_use]
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// A deadline for a whole call, across its attempts.
    ///
    /// ```
    /// let s = unified::ClientSettings::new().total_timeout(std::time::Duration::from_secs(90));
    /// assert!(format!("{s:?}").contains("90s"));
    /// ```
    #[must_use]
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt (provider default 2).
    ///
    /// ```
    /// let s = unified::ClientSettings::new().max_retries(0);
    /// assert!(format!("{s:?}").contains("max_retries: Some(0)"));
    /// ```
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The whole retry policy (retries, backoff, longest honoured `Retry-After`).
    ///
    /// ```
    /// let s = unified::ClientSettings::new().retry_policy(llm_core::retry::RetryPolicy::none());
    /// assert!(format!("{s:?}").contains("RetryPolicy"));
    /// ```
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// A header sent with every request (an invalid one fails the build with
    /// [`ErrorKind::Config`]).
    ///
    /// ```
    /// let s = unified::ClientSettings::new().header("x-team", "search");
    /// assert!(format!("{s:?}").contains("x-team"));
    /// ```
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Your own `reqwest::Client` (proxies, TLS). Build it with
    /// [`llm_core::same_origin_redirects`] so keys never follow a redirect elsewhere.
    ///
    /// ```
    /// let http = llm_core::reqwest::Client::builder().redirect(llm_core::same_origin_redirects()).build().unwrap();
    /// let s = unified::ClientSettings::new().http_client(http);
    /// assert!(format!("{s:?}").contains("custom_http_client: true"));
    /// ```
    #[must_use]
    pub fn http_client(mut self, client: llm_core::reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Test hook: how the provider's retry loop sleeps.
    ///
    /// ```
    /// let s = unified::ClientSettings::new().sleep_impl(std::sync::Arc::new(llm_core::retry::TokioSleep));
    /// # let _ = s;
    /// ```
    #[must_use]
    pub fn sleep_impl(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Test hook: the source of backoff jitter.
    ///
    /// ```
    /// let s = unified::ClientSettings::new().jitter(std::sync::Arc::new(llm_core::retry::FixedJitter(0.0)));
    /// # let _ = s;
    /// ```
    #[must_use]
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Test hook: the wall clock used to read `Retry-After` dates.
    ///
    /// ```
    /// let s = unified::ClientSettings::new().clock(std::sync::Arc::new(llm_core::retry::SystemClock));
    /// # let _ = s;
    /// ```
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }
}

/// Applies the shared settings to a provider builder (both have these setters, from
/// `llm_core::client_builder_settings!`).
macro_rules! apply_settings {
    ($builder:expr, $s:expr) => {{
        let s = $s;
        let mut b = $builder;
        if let Some(v) = &s.retry_policy {
            b = b.retry_policy(v.clone());
        }
        if let Some(v) = s.timeout {
            b = b.timeout(v);
        }
        if let Some(v) = s.connect_timeout {
            b = b.connect_timeout(v);
        }
        if let Some(v) = s.stream_idle_timeout {
            b = b.stream_idle_timeout(v);
        }
        if let Some(v) = s.total_timeout {
            b = b.total_timeout(v);
        }
        if let Some(v) = s.max_retries {
            b = b.max_retries(v);
        }
        for (name, value) in &s.headers {
            b = b.default_header(name.clone(), value.clone());
        }
        if let Some(v) = &s.http_client {
            b = b.http_client(v.clone());
        }
        if let Some(v) = &s.sleep {
            b = b.sleep_impl(v.clone());
        }
        if let Some(v) = &s.jitter {
            b = b.jitter(v.clone());
        }
        if let Some(v) = &s.clock {
            b = b.clock(v.clone());
        }
        b
    }};
}

/// Where configuration values come from: the process environment (after loading `.env`),
/// or a map in tests.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn var(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.trim().is_empty())
}

fn credential(
    settings: &ClientSettings,
    lookup: Lookup<'_>,
    env: &'static str,
) -> Result<SecretString> {
    match &settings.api_key {
        Some(key) if !key.is_blank() => Ok(key.clone()),
        _ => var(lookup, env)
            .map(SecretString::from)
            .ok_or_else(|| Error::missing_credential(env)),
    }
}

fn peakprivacy_client(
    settings: &ClientSettings,
    lookup: Lookup<'_>,
) -> Result<peakprivacy::PeakPrivacy> {
    let token = credential(settings, lookup, peakprivacy::API_TOKEN_ENV)?;
    let mut builder =
        apply_settings!(peakprivacy::PeakPrivacy::builder(), settings).api_token(token);
    if let Some(url) = settings
        .base_url
        .clone()
        .or_else(|| var(lookup, peakprivacy::BASE_URL_ENV))
    {
        builder = builder.base_url(url);
    }
    builder.build()
}

fn aligneai_client(settings: &ClientSettings, lookup: Lookup<'_>) -> Result<aligneai::AligneAI> {
    let key = credential(settings, lookup, aligneai::API_KEY_ENV)?;
    let mut builder = apply_settings!(aligneai::AligneAI::builder(), settings).api_key(key);
    if let Some(url) = settings
        .base_url
        .clone()
        .or_else(|| var(lookup, aligneai::BASE_URL_ENV))
    {
        builder = builder.base_url(url);
    }
    if let Some(workspace) = settings
        .workspace_id
        .clone()
        .or_else(|| var(lookup, aligneai::WORKSPACE_ID_ENV))
    {
        builder = builder.workspace_id(workspace);
    }
    builder.build()
}

/// Which model to build, and how: a provider, a model id, [`ClientSettings`] and
/// model-level [`ProviderOptions`]. Parse it from `"provider:model"` (or read it from
/// `LLM_MODEL` / `LLM_PROVIDER` with [`from_env`](Self::from_env)), then build a chat or
/// an embedding model.
///
/// A real provider's chat model needs a model id: `"peakprivacy"` alone is an
/// [`ErrorKind::Config`] error naming what to set, never a made-up id. `"mock"` alone is
/// the mock named `mock-chat`; `"mock:name"` is the mock reporting `name`.
///
/// ```
/// use unified::{ErrorKind, ModelConfig};
///
/// let model = ModelConfig::parse("mock:tiny")?.build_chat_with(&|_| None)?;
/// assert_eq!((model.provider(), model.model()), ("mock", "tiny"));
/// let err = ModelConfig::parse("aligneai")?.build_chat_with(&|_| Some("k".into())).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Config);
/// assert!(err.to_string().contains("aligneai:<model id>"));
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ModelConfig {
    provider: Provider,
    model: Option<String>,
    settings: ClientSettings,
    options: Option<ProviderOptions>,
}

impl ModelConfig {
    /// A configuration for `provider`, without a model id yet.
    ///
    /// ```
    /// use unified::{ModelConfig, Provider};
    /// let config = ModelConfig::new(Provider::PeakPrivacy).model("mistral-swiss");
    /// assert_eq!(config.get_model(), Some("mistral-swiss"));
    /// ```
    pub fn new(provider: Provider) -> Self {
        Self {
            provider,
            model: None,
            settings: ClientSettings::new(),
            options: None,
        }
    }

    /// Parses `"provider:model"` or `"provider"`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] naming the valid providers for an unknown one.
    ///
    /// ```
    /// use unified::{ModelConfig, Provider};
    /// let config = ModelConfig::parse("aligneai:llama-3-8b")?;
    /// assert_eq!((config.provider(), config.get_model()), (Provider::AligneAI, Some("llama-3-8b")));
    /// assert!(ModelConfig::parse("gpt:4").is_err());
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn parse(spec: &str) -> Result<Self> {
        let (provider, model) = match spec.split_once(':') {
            Some((p, m)) => (p, Some(m.trim().to_owned()).filter(|m| !m.is_empty())),
            None => (spec, None),
        };
        let mut config = Self::new(provider.parse()?);
        config.model = model;
        Ok(config)
    }

    /// The model named by the environment: `LLM_MODEL` (`"peakprivacy:mistral-swiss"`, or
    /// a bare provider name such as `"mock"`), or `LLM_PROVIDER` with an `LLM_MODEL` that
    /// has no `provider:` prefix (or alone, for the mock). Loads `.env` first, as the
    /// provider crates do (a malformed `.env` is an error, never silently ignored).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when neither variable is set, the provider is unknown, or
    /// `.env` is malformed.
    ///
    /// ```no_run
    /// let model = unified::ModelConfig::from_env()?.build_chat()?;
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        llm_core::env::load_dotenv()?;
        Self::parse(&spec_from(&env_lookup, "LLM_MODEL")?)
    }

    /// Sets the model id.
    ///
    /// ```
    /// let config = unified::ModelConfig::new(unified::Provider::Mock).model("m");
    /// assert_eq!(config.get_model(), Some("m"));
    /// ```
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into()).filter(|m| !m.trim().is_empty());
        self
    }

    /// Sets the client settings.
    ///
    /// ```
    /// let config = unified::ModelConfig::new(unified::Provider::Mock).settings(unified::ClientSettings::new().max_retries(0));
    /// # let _ = config;
    /// ```
    #[must_use]
    pub fn settings(mut self, settings: ClientSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the model-level provider options (e.g. PeakPrivacy's `anonymize`), replacing
    /// the provider's defaults; requests' own options still win.
    ///
    /// ```
    /// use unified::{ChatModel, ModelConfig, PeakPrivacyOptions, ProviderOptions};
    /// let model = ModelConfig::parse("peakprivacy:mistral-swiss")?
    ///     .provider_options(ProviderOptions::new().peakprivacy(PeakPrivacyOptions::new().anonymize(false)))
    ///     .build_chat_with(&|name| (name == "PEAKPRIVACY_API_TOKEN").then(|| "token".into()))?;
    /// assert!(model.streams_natively());
    /// # Ok::<(), unified::Error>(())
    /// ```
    #[must_use]
    pub fn provider_options(mut self, options: ProviderOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// The provider.
    ///
    /// ```
    /// assert_eq!(unified::ModelConfig::parse("mock")?.provider(), unified::Provider::Mock);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The model id, when set.
    ///
    /// ```
    /// assert_eq!(unified::ModelConfig::parse("mock")?.get_model(), None);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn get_model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    fn chat_model_id(&self) -> Result<String> {
        match (&self.model, self.provider) {
            (Some(model), _) => Ok(model.clone()),
            (None, Provider::Mock) => Ok("mock-chat".to_owned()),
            (None, provider) => Err(Error::with_message(
                ErrorKind::Config,
                format!(
                    "no model id for {provider}: set LLM_MODEL=\"{provider}:<model id>\" \
                     (e.g. \"{provider}:{}\") or ModelConfig::model",
                    provider.example_model()
                ),
            )),
        }
    }

    /// Builds the chat model, reading credentials and URLs not set in the settings from the
    /// process environment.
    ///
    /// # Errors
    /// As [`build_chat_with`](Self::build_chat_with).
    ///
    /// ```
    /// let model = unified::ModelConfig::parse("mock")?.build_chat()?;
    /// assert_eq!(model.model(), "mock-chat");
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn build_chat(&self) -> Result<Arc<dyn ChatModel>> {
        self.build_chat_with(&env_lookup)
    }

    /// Builds the chat model, reading credentials and URLs not set in the settings with
    /// `lookup` (e.g. `PEAKPRIVACY_API_TOKEN`, `ALIGNEAI_BASE_URL`).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] naming what to set when a real provider has no model id, or
    /// for an invalid setting; [`ErrorKind::MissingCredential`] naming the variable.
    ///
    /// ```
    /// let err = unified::ModelConfig::parse("peakprivacy:mistral-swiss")?.build_chat_with(&|_| None).unwrap_err();
    /// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn build_chat_with(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Arc<dyn ChatModel>> {
        let model = self.chat_model_id()?;
        Ok(match self.provider {
            Provider::PeakPrivacy => {
                let mut chat =
                    PeakPrivacyChat::new(peakprivacy_client(&self.settings, lookup)?, model);
                if let Some(options) = &self.options {
                    chat = chat.provider_options(options.clone());
                }
                Arc::new(chat)
            }
            Provider::AligneAI => {
                let mut chat = AligneAIChat::new(aligneai_client(&self.settings, lookup)?, model);
                if let Some(options) = &self.options {
                    chat = chat.provider_options(options.clone());
                }
                Arc::new(chat)
            }
            Provider::Mock => Arc::new(MockChatModel::new().with_model(model)),
        })
    }

    /// The PeakPrivacy client these settings describe (for calls outside the neutral
    /// traits: the model list, the token check), reading what the settings leave unset
    /// with `lookup` (`PEAKPRIVACY_API_TOKEN`, `PEAKPRIVACY_API_URL`). The provider and
    /// model of this configuration are not consulted.
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredential`] naming the variable; [`ErrorKind::Config`] for an
    /// invalid setting.
    ///
    /// ```
    /// let config = unified::ModelConfig::parse("peakprivacy")?;
    /// let client = config.peakprivacy_client_with(&|name| match name {
    ///     "PEAKPRIVACY_API_TOKEN" => Some("t".into()),
    ///     "PEAKPRIVACY_API_URL" => Some("http://127.0.0.1:9/api".into()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:9/api/");
    /// let err = config.peakprivacy_client_with(&|_| None).unwrap_err();
    /// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn peakprivacy_client_with(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<peakprivacy::PeakPrivacy> {
        peakprivacy_client(&self.settings, lookup)
    }

    /// The AligneAI client these settings describe (for calls outside the neutral traits:
    /// the model list, ping), reading what the settings leave unset with `lookup`
    /// (`ALIGNEAI_API_KEY`, `ALIGNEAI_BASE_URL`, `ALIGNEAI_WORKSPACE_ID`). The provider
    /// and model of this configuration are not consulted.
    ///
    /// # Errors
    /// As [`peakprivacy_client_with`](Self::peakprivacy_client_with), naming
    /// `ALIGNEAI_API_KEY`.
    ///
    /// ```
    /// let config = unified::ModelConfig::parse("aligneai")?
    ///     .settings(unified::ClientSettings::new().api_key("k").base_url("http://127.0.0.1:9/v1"));
    /// assert_eq!(config.aligneai_client_with(&|_| None)?.base_url(), "http://127.0.0.1:9/v1/");
    /// let err = unified::ModelConfig::parse("aligneai")?.aligneai_client_with(&|_| None).unwrap_err();
    /// assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn aligneai_client_with(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<aligneai::AligneAI> {
        aligneai_client(&self.settings, lookup)
    }

    /// Builds the embedding model from the process environment.
    ///
    /// # Errors
    /// As [`build_embeddings_with`](Self::build_embeddings_with).
    ///
    /// ```
    /// let model = unified::ModelConfig::parse("mock")?.build_embeddings()?;
    /// assert_eq!(model.dimensions(), Some(384));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn build_embeddings(&self) -> Result<Arc<dyn EmbeddingModel>> {
        self.build_embeddings_with(&env_lookup)
    }

    /// Builds the embedding model, reading what the settings leave unset with `lookup`.
    /// An AligneAI model without an id lets the server pick its default (the API documents
    /// one); the mock has 384 dimensions.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] naming the providers that offer embeddings, and the
    /// errors of [`build_chat_with`](Self::build_chat_with).
    ///
    /// ```
    /// let err = unified::ModelConfig::parse("peakprivacy")?.build_embeddings_with(&|_| None).unwrap_err();
    /// assert_eq!(err.kind(), unified::ErrorKind::Unsupported);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn build_embeddings_with(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Arc<dyn EmbeddingModel>> {
        Ok(match self.provider {
            Provider::PeakPrivacy => {
                return Err(Error::unsupported(
                    "peakprivacy offers no embeddings; providers with embeddings: aligneai, mock",
                ))
            }
            Provider::AligneAI => Arc::new(AligneAIEmbeddings::new(
                aligneai_client(&self.settings, lookup)?,
                self.model.clone(),
            )),
            Provider::Mock => {
                let mut model = MockEmbeddingModel::new(384);
                if let Some(name) = &self.model {
                    model = model.with_model(name.clone());
                }
                Arc::new(model)
            }
        })
    }
}

impl FromStr for ModelConfig {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Builds a chat model from a `"provider:model"` string, reading credentials with
/// `lookup` (e.g. `PEAKPRIVACY_API_TOKEN`, `ALIGNEAI_API_KEY`). Shorthand for
/// [`ModelConfig::parse`]`(spec)?.`[`build_chat_with`](ModelConfig::build_chat_with)`(lookup)`.
///
/// A comma-separated list (`"peakprivacy:mistral-swiss, aligneai:llama-3.1-8b-instruct"`)
/// builds a [`FallbackChat`](crate::FallbackChat) over those models, in that order, with
/// the default rules, breakers and retry budget.
///
/// # Errors
/// [`ErrorKind::Config`] naming the valid providers for an unknown one, or what to set when
/// a real provider has no model id; [`ErrorKind::MissingCredential`] naming the variable.
///
/// ```
/// let model = unified::chat_model_with("mock", &|_| None).unwrap();
/// assert_eq!(model.provider(), "mock");
/// let err = unified::chat_model_with("peakprivacy:mistral-swiss", &|_| None).unwrap_err();
/// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
/// let chain = unified::chat_model_with("mock:a, mock:b", &|_| None).unwrap();
/// assert_eq!((chain.provider(), chain.model()), ("fallback", "a"));
/// ```
pub fn chat_model_with(
    spec: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn ChatModel>> {
    if !spec.contains(',') {
        return ModelConfig::parse(spec)?.build_chat_with(lookup);
    }
    let mut builder = crate::FallbackChat::builder();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        builder = builder.model(ModelConfig::parse(part)?.build_chat_with(lookup)?);
    }
    Ok(Arc::new(builder.build()?))
}

/// Builds an embedding model from a `"provider[:model]"` string.
///
/// # Errors
/// As [`chat_model_with`], plus [`ErrorKind::Unsupported`] naming the providers that offer
/// embeddings when the provider has none.
///
/// ```
/// let err = unified::embedding_model_with("peakprivacy", &|_| None).unwrap_err();
/// assert_eq!(err.kind(), unified::ErrorKind::Unsupported);
/// assert!(err.to_string().contains("aligneai"));
/// ```
pub fn embedding_model_with(
    spec: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn EmbeddingModel>> {
    ModelConfig::parse(spec)?.build_embeddings_with(lookup)
}

fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The chat model named by the environment (see [`ModelConfig::from_env`]): `LLM_MODEL`
/// (`"peakprivacy:mistral-swiss"`, `"mock"`, or a comma-separated fallback list as in
/// [`chat_model_with`]), or `LLM_PROVIDER` plus an unprefixed `LLM_MODEL`. Loads `.env`
/// first (a malformed `.env` is an error).
///
/// # Errors
/// [`ErrorKind::Config`] when neither variable is set, the provider is unknown, a real
/// provider has no model id, or `.env` is malformed; the errors of [`chat_model_with`].
///
/// ```no_run
/// // LLM_MODEL=mock
/// let model = unified::chat_model_from_env()?;
/// # Ok::<(), unified::Error>(())
/// ```
pub fn chat_model_from_env() -> Result<Arc<dyn ChatModel>> {
    llm_core::env::load_dotenv()?;
    chat_model_with(&spec_from(&env_lookup, "LLM_MODEL")?, &env_lookup)
}

/// The embedding model named by `LLM_EMBEDDING_MODEL` (`"aligneai:nomic-embed-v1.5"`,
/// `"mock"`), or `LLM_PROVIDER`. Loads `.env` first (a malformed `.env` is an error).
///
/// # Errors
/// As [`embedding_model_with`], and [`ErrorKind::Config`] for a malformed `.env`.
///
/// ```no_run
/// // LLM_EMBEDDING_MODEL=aligneai:nomic-embed-v1.5
/// let model = unified::embedding_model_from_env()?;
/// # Ok::<(), unified::Error>(())
/// ```
pub fn embedding_model_from_env() -> Result<Arc<dyn EmbeddingModel>> {
    llm_core::env::load_dotenv()?;
    ModelConfig::parse(&spec_from(&env_lookup, "LLM_EMBEDDING_MODEL")?)?.build_embeddings()
}

/// The `"provider[:model]"` string from `model_var` and `LLM_PROVIDER`.
fn spec_from(lookup: Lookup<'_>, model_var: &str) -> Result<String> {
    let model = var(lookup, model_var);
    let provider = var(lookup, "LLM_PROVIDER");
    match (provider, model) {
        (_, Some(m)) if m.contains(':') => Ok(m),
        (Some(p), Some(m)) => Ok(format!("{p}:{m}")),
        (Some(p), None) => Ok(p),
        // A bare provider name in the model variable: LLM_MODEL=mock.
        (None, Some(m)) if m.parse::<Provider>().is_ok() => Ok(m),
        (None, Some(m)) => Err(Error::with_message(
            ErrorKind::Config,
            format!(
                "{model_var}={m:?} names no provider: set {model_var}=\"provider:{m}\" or \
                 LLM_PROVIDER to one of: {VALID}"
            ),
        )),
        (None, None) => Err(Error::with_message(
            ErrorKind::Config,
            format!("set {model_var}=\"provider:model\" or LLM_PROVIDER to one of: {VALID}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn spec_parsing() {
        let c = ModelConfig::parse("peakprivacy:mistral-swiss").unwrap();
        assert_eq!(
            (c.provider(), c.get_model()),
            (Provider::PeakPrivacy, Some("mistral-swiss"))
        );
        let c = ModelConfig::parse("AligneAI").unwrap();
        assert_eq!((c.provider(), c.get_model()), (Provider::AligneAI, None));
        assert_eq!(ModelConfig::parse("mock:").unwrap().get_model(), None);
        let err = ModelConfig::parse("gpt:4").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(VALID));
    }

    #[test]
    fn missing_credentials_name_the_variable() {
        let err = chat_model_with("aligneai:x", &|_| None).unwrap_err();
        assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
    }

    #[test]
    fn a_provider_without_a_model_is_a_config_error() {
        for spec in ["peakprivacy", "aligneai", "aligneai:  "] {
            let err = chat_model_with(spec, &|_| Some("k".into())).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{spec}");
            assert!(err.to_string().contains("LLM_MODEL="), "{spec}: {err}");
            assert!(!err.to_string().contains("\"default\""), "{spec}");
        }
    }

    #[test]
    fn env_specs() {
        let env = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let cases = [
            (env(&[("LLM_MODEL", "mock")]), Ok("mock")),
            (env(&[("LLM_MODEL", "mock:tiny")]), Ok("mock:tiny")),
            (
                env(&[("LLM_MODEL", "m-1"), ("LLM_PROVIDER", "aligneai")]),
                Ok("aligneai:m-1"),
            ),
            (env(&[("LLM_PROVIDER", "mock")]), Ok("mock")),
            (
                env(&[("LLM_MODEL", "mistral-swiss")]),
                Err(ErrorKind::Config),
            ),
            (env(&[]), Err(ErrorKind::Config)),
        ];
        for (vars, expected) in cases {
            let got = spec_from(&|n| vars.get(n).cloned(), "LLM_MODEL");
            match expected {
                Ok(spec) => assert_eq!(got.unwrap(), spec),
                Err(kind) => assert_eq!(got.unwrap_err().kind(), kind),
            }
        }
    }

    #[test]
    fn the_mock_reports_its_name() {
        let model = chat_model_with("mock:tiny-1", &|_| None).unwrap();
        assert_eq!(model.model(), "tiny-1");
        let model = embedding_model_with("mock:emb-2", &|_| None).unwrap();
        assert_eq!(model.model(), Some("emb-2"));
    }
}
