//! [`AligneAI`]: the client handle and its resources.

use std::fmt;
use std::sync::Arc;

use crate::builder::AligneAIBuilder;
use crate::chat::Chat;
use crate::embeddings::{Embeddings, EmbeddingsResponseFormat};
use crate::models::Models;
use crate::{ApiRequest, RequestOptions, Result, SecretString, Transport};

/// A client for the AligneAI API. Cheap to clone (one pooled HTTP client shared by all
/// clones): create it once and reuse it. `Debug` never shows the key.
///
/// ```no_run
/// use aligneai::{AligneAI, EmbeddingRequest};
///
/// # async fn run() -> aligneai::Result<()> {
/// let client = AligneAI::from_env()?;
/// let response = client
///     .embeddings()
///     .create(EmbeddingRequest::new(["The quick brown fox", "jumps over"]))
///     .await?;
/// assert_eq!(response.len(), 2);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AligneAI {
    transport: Transport,
    config: Arc<Config>,
}

/// Client settings beyond the transport.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) workspace_id: Option<String>,
    pub(crate) embeddings_format: EmbeddingsResponseFormat,
    /// Whether embeddings bodies get the default model, dimensions and encoding format.
    pub(crate) embedding_defaults: bool,
}

impl fmt::Debug for AligneAI {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AligneAI")
            .field("transport", &self.transport)
            .field("workspace_id", &self.config.workspace_id)
            .field("embeddings_response_format", &self.config.embeddings_format)
            .field("embedding_defaults", &self.config.embedding_defaults)
            .finish()
    }
}

impl AligneAI {
    /// A client with `api_key`; the base URL and workspace id come from
    /// `ALIGNEAI_BASE_URL` / `ALIGNEAI_WORKSPACE_ID` when set, else their defaults.
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) for a blank key.
    ///
    /// ```
    /// let client = aligneai::AligneAI::new("my-key")?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn new(api_key: impl Into<SecretString>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from `ALIGNEAI_API_KEY` (required), `ALIGNEAI_BASE_URL` and
    /// `ALIGNEAI_WORKSPACE_ID` (optional), after loading a `.env` file if present.
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) naming
    /// `ALIGNEAI_API_KEY` when it is unset or blank;
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for a malformed `.env` file or an
    /// invalid base URL.
    ///
    /// ```no_run
    /// let client = aligneai::AligneAI::from_env()?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        llm_core::env::load_dotenv()?;
        Self::builder().build()
    }

    /// A builder for a client with custom settings (unset key, base URL and workspace id
    /// are read from the environment at `build`).
    ///
    /// ```
    /// let client = aligneai::AligneAI::builder().api_key("my-key").max_retries(5).build()?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn builder() -> AligneAIBuilder {
        AligneAIBuilder::new()
    }

    pub(crate) fn from_parts(transport: Transport, config: Config) -> Self {
        Self {
            transport,
            config: Arc::new(config),
        }
    }

    /// True when embeddings bodies get the default model, dimensions and encoding format
    /// for fields the request leaves unset (the default; see
    /// [`AligneAIBuilder::embedding_defaults`](crate::AligneAIBuilder::embedding_defaults)).
    ///
    /// ```
    /// let client = aligneai::AligneAI::new("k")?;
    /// assert!(client.sends_embedding_defaults());
    /// let client = aligneai::AligneAI::builder().api_key("k").embedding_defaults(false).build()?;
    /// assert!(!client.sends_embedding_defaults());
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn sends_embedding_defaults(&self) -> bool {
        self.config.embedding_defaults
    }

    /// Embeddings: `POST {base}/embeddings`, and the batching helper.
    ///
    /// ```
    /// # let client = aligneai::AligneAI::new("k")?;
    /// let embeddings = client.embeddings();
    /// # let _ = embeddings;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn embeddings(&self) -> Embeddings<'_> {
        Embeddings::new(self)
    }

    /// Chat: `client.chat().completions()`.
    ///
    /// ```
    /// # let client = aligneai::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn chat(&self) -> Chat<'_> {
        Chat::new(self)
    }

    /// Models: `GET {base}/models`.
    ///
    /// ```
    /// # let client = aligneai::AligneAI::new("k")?;
    /// let models = client.models();
    /// # let _ = models;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn models(&self) -> Models<'_> {
        llm_core::chat::Models::new(self)
    }

    /// Checks the key (and workspace) with `GET {base}/ping`: `Ok(())` on any 2xx, the
    /// body is ignored.
    ///
    /// # Errors
    /// The mapped [`Error`](crate::Error) of a non-2xx answer (e.g.
    /// [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) for 401), or a
    /// connection error.
    ///
    /// ```no_run
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = aligneai::AligneAI::from_env()?;
    /// client.ping().await?;
    /// # Ok(()) }
    /// ```
    pub async fn ping(&self) -> Result<()> {
        self.ping_with(RequestOptions::default()).await
    }

    /// [`ping`](Self::ping) with per-call options.
    ///
    /// # Errors
    /// As for [`ping`](Self::ping).
    ///
    /// ```no_run
    /// # async fn run() -> aligneai::Result<()> {
    /// # let client = aligneai::AligneAI::from_env()?;
    /// use aligneai::RequestOptions;
    /// client.ping_with(RequestOptions::new().max_retries(0)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn ping_with(&self, options: RequestOptions) -> Result<()> {
        self.transport
            .send(ApiRequest::get("ping").options(options))
            .await
            .map(|_| ())
    }

    /// The base URL requests are joined to (always ending in `/`).
    ///
    /// ```
    /// let client = aligneai::AligneAI::builder()
    ///     .api_key("k")
    ///     .base_url("https://my-deployment.example.com/v1")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://my-deployment.example.com/v1/");
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn base_url(&self) -> &str {
        self.transport.base_url().as_str()
    }

    /// The workspace id sent with every request, when set.
    ///
    /// ```
    /// let client = aligneai::AligneAI::builder().api_key("k").workspace_id("ws").build()?;
    /// assert_eq!(client.workspace_id(), Some("ws"));
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn workspace_id(&self) -> Option<&str> {
        self.config.workspace_id.as_deref()
    }

    /// The underlying transport, for endpoints this crate does not wrap yet (the sister
    /// SDK lists guardrail endpoints such as `POST {base}/privacy`). Requests sent through
    /// it get the same auth, headers, timeouts and retries.
    ///
    /// ```no_run
    /// # async fn run() -> aligneai::Result<()> {
    /// use aligneai::ApiRequest;
    /// let client = aligneai::AligneAI::from_env()?;
    /// let request = ApiRequest::post("privacy").json(&serde_json::json!({"text": "..."}))?;
    /// let answer: serde_json::Value = client.transport().send_json(request).await?;
    /// # let _ = answer; Ok(()) }
    /// ```
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}
