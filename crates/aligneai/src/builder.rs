//! [`AligneAIBuilder`]: every client setting, with defaults and environment fallbacks.
//! The settings shared with every provider come from `llm_core::client_builder_settings!`;
//! the workspace id, the header names and the embeddings response format are AligneAI's.

use std::fmt;
use std::marker::PhantomData;

use llm_core::{Async, ClientConfig, ProviderDefaults};

use crate::client::{AligneAI, Config};
use crate::embeddings::EmbeddingsResponseFormat;
use crate::env::{API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, WORKSPACE_ID_ENV};
use crate::{Error, ErrorKind, Result, Transport};

/// The default name of the header carrying the API key.
///
/// ```
/// assert_eq!(aligneai::DEFAULT_AUTH_HEADER, "API-Key");
/// ```
pub const DEFAULT_AUTH_HEADER: &str = "API-Key";
/// The default name of the header carrying the workspace id.
///
/// ```
/// assert_eq!(aligneai::DEFAULT_WORKSPACE_HEADER, "Workspace-ID");
/// ```
pub const DEFAULT_WORKSPACE_HEADER: &str = "Workspace-ID";
/// The `User-Agent` sent by this crate.
///
/// ```
/// assert!(aligneai::USER_AGENT.starts_with("aligneai-rust/"));
/// ```
pub const USER_AGENT: &str = concat!("aligneai-rust/", env!("CARGO_PKG_VERSION"));

/// Builds an [`AligneAI`] client (or, as `blocking::AligneAIBuilder`, the blocking one).
/// Start with [`AligneAI::builder`].
///
/// Explicit values always win; the key, base URL and workspace id that are not set (or
/// set blank) are read from `ALIGNEAI_API_KEY`, `ALIGNEAI_BASE_URL` and
/// `ALIGNEAI_WORKSPACE_ID` at `build` (blank variables count as unset).
/// [`AligneAI::from_env`] also loads a `.env` file first. The shared setters are the same,
/// with the same names and types, on every provider's builder (`peakprivacy`'s too); only
/// the credential setter's name differs (`api_key` here).
///
/// | setting | default |
/// |---|---|
/// | key | `ALIGNEAI_API_KEY`; none is an error |
/// | base URL | `ALIGNEAI_BASE_URL`, else [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL) |
/// | workspace id | `ALIGNEAI_WORKSPACE_ID`, else none |
/// | key header | [`DEFAULT_AUTH_HEADER`] (`API-Key`) |
/// | workspace header | [`DEFAULT_WORKSPACE_HEADER`] (`Workspace-ID`), sent only when a workspace id is set |
/// | embeddings body | unset `model`, `dimensions`, `encoding_format` filled with [`DEFAULT_EMBEDDING_MODEL`](crate::DEFAULT_EMBEDDING_MODEL), [`DEFAULT_EMBEDDING_DIMENSIONS`](crate::DEFAULT_EMBEDDING_DIMENSIONS), [`DEFAULT_ENCODING_FORMAT`](crate::DEFAULT_ENCODING_FORMAT); [`embedding_defaults(false)`](Self::embedding_defaults) sends only what is set |
/// | retries | 2 (3 attempts), exponential backoff from 0.5 s, capped at 8 s, with jitter |
/// | timeouts | connect 10 s, per attempt 120 s, stream idle 60 s, no total deadline |
///
/// ```
/// use aligneai::AligneAI;
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
pub struct AligneAIBuilder<M = Async> {
    config: ClientConfig,
    workspace_id: Option<String>,
    auth_header: String,
    workspace_header: String,
    embeddings_format: EmbeddingsResponseFormat,
    embedding_defaults: bool,
    mode: PhantomData<M>,
}

impl<M> Default for AligneAIBuilder<M> {
    fn default() -> Self {
        Self {
            config: ClientConfig::new(),
            workspace_id: None,
            auth_header: DEFAULT_AUTH_HEADER.to_owned(),
            workspace_header: DEFAULT_WORKSPACE_HEADER.to_owned(),
            embeddings_format: EmbeddingsResponseFormat::Auto,
            embedding_defaults: true,
            mode: PhantomData,
        }
    }
}

impl<M> fmt::Debug for AligneAIBuilder<M> {
    /// Never prints the key, only whether one was set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AligneAIBuilder")
            .field("config", &self.config)
            .field("workspace_id", &self.workspace_id)
            .field("auth_header", &self.auth_header)
            .field("workspace_header", &self.workspace_header)
            .field("embeddings_response_format", &self.embeddings_format)
            .field("embedding_defaults", &self.embedding_defaults)
            .finish()
    }
}

llm_core::client_builder_settings!(
    AligneAIBuilder,
    krate = "aligneai",
    client = "AligneAI",
    credential = api_key,
    credential_env = "ALIGNEAI_API_KEY"
);

impl<M> AligneAIBuilder<M> {
    /// Sets the workspace id, sent in the workspace header on every request (a blank id
    /// counts as unset; then `ALIGNEAI_WORKSPACE_ID` is read).
    ///
    /// ```
    /// let client = aligneai::AligneAI::builder().api_key("k").workspace_id(" ws-1 ").build()?;
    /// assert_eq!(client.workspace_id(), Some("ws-1"));
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn workspace_id(mut self, id: impl Into<String>) -> Self {
        self.workspace_id = Some(id.into());
        self
    }

    /// Sets the name of the header carrying the API key (default `API-Key`).
    ///
    /// ```
    /// let builder = aligneai::AligneAI::builder().auth_header("X-Api-Key");
    /// assert!(format!("{builder:?}").contains("X-Api-Key"));
    /// ```
    pub fn auth_header(mut self, name: impl Into<String>) -> Self {
        self.auth_header = name.into();
        self
    }

    /// Sets the name of the header carrying the workspace id (default `Workspace-ID`).
    ///
    /// ```
    /// let builder = aligneai::AligneAI::builder().workspace_header("X-Workspace");
    /// assert!(format!("{builder:?}").contains("X-Workspace"));
    /// ```
    pub fn workspace_header(mut self, name: impl Into<String>) -> Self {
        self.workspace_header = name.into();
        self
    }

    /// Chooses or forces the shape of embeddings responses (default
    /// [`EmbeddingsResponseFormat::Auto`]).
    ///
    /// ```
    /// use aligneai::EmbeddingsResponseFormat;
    /// let builder = aligneai::AligneAI::builder().embeddings_response_format(EmbeddingsResponseFormat::Data);
    /// assert!(format!("{builder:?}").contains("Data"));
    /// ```
    pub fn embeddings_response_format(mut self, format: EmbeddingsResponseFormat) -> Self {
        self.embeddings_format = format;
        self
    }

    /// Whether embeddings requests fill the `model`, `dimensions` and `encoding_format` they
    /// leave unset with [`DEFAULT_EMBEDDING_MODEL`](crate::DEFAULT_EMBEDDING_MODEL),
    /// [`DEFAULT_EMBEDDING_DIMENSIONS`](crate::DEFAULT_EMBEDDING_DIMENSIONS) and
    /// [`DEFAULT_ENCODING_FORMAT`](crate::DEFAULT_ENCODING_FORMAT) (default `true`, as the
    /// sister SDK always sends all three). With `false`, a body holds only `inputs` and
    /// the fields the request sets, and the server applies its own defaults.
    ///
    /// ```
    /// let client = aligneai::AligneAI::builder().api_key("k").build()?;
    /// assert!(format!("{client:?}").contains("embedding_defaults: true"));
    /// let client = aligneai::AligneAI::builder().api_key("k").embedding_defaults(false).build()?;
    /// assert!(format!("{client:?}").contains("embedding_defaults: false"));
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn embedding_defaults(mut self, send: bool) -> Self {
        self.embedding_defaults = send;
        self
    }

    /// The transport and the AligneAI settings, with every fallback applied.
    pub(crate) fn parts(self) -> Result<(Transport, Config)> {
        let defaults = ProviderDefaults {
            credential_env: API_KEY_ENV,
            base_url_env: BASE_URL_ENV,
            default_base_url: DEFAULT_BASE_URL,
            auth_header: &self.auth_header,
            user_agent: USER_AGENT,
            provider_name: crate::PROVIDER_NAME,
        };
        let mut transport = self.config.into_transport(&defaults)?;
        let workspace_id = match self.workspace_id.filter(|id| !id.trim().is_empty()) {
            Some(id) => Some(id),
            None => llm_core::env::var(WORKSPACE_ID_ENV)?,
        }
        .map(|id| id.trim().to_owned());
        if let Some(id) = &workspace_id {
            if self.workspace_header.trim().is_empty() {
                return Err(Error::with_message(
                    ErrorKind::Config,
                    "the workspace header name is empty",
                ));
            }
            transport = transport.default_header(self.workspace_header, id.clone());
        }
        let config = Config {
            workspace_id,
            embeddings_format: self.embeddings_format,
            embedding_defaults: self.embedding_defaults,
        };
        Ok((transport.build()?, config))
    }
}

impl AligneAIBuilder<Async> {
    /// A builder with defaults and no key (same as [`AligneAI::builder`]).
    ///
    /// ```
    /// let builder = aligneai::AligneAIBuilder::new();
    /// assert!(format!("{builder:?}").contains("credential: None"));
    /// ```
    pub fn new() -> Self {
        Self::default()
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
        let (transport, config) = self.parts()?;
        Ok(AligneAI::from_parts(transport, config))
    }
}
