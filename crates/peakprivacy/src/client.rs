//! [`PeakPrivacy`]: the client handle.

use std::fmt;

use llm_core::Transport;

use crate::{Assistants, Chat, Files, Models, PeakPrivacyBuilder, Result};

/// A PeakPrivacy API client: one pooled HTTP connection set with the token, base URL,
/// timeouts and retry policy. Cloning is cheap (an `Arc`); create one and reuse it.
/// `Debug` never shows the token.
///
/// ```no_run
/// use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};
///
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = PeakPrivacy::from_env()?; // PEAKPRIVACY_API_TOKEN, optional .env
/// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hello!")]);
/// let completion = client.chat().completions().create(request).await?;
/// println!("{}", completion.content());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PeakPrivacy {
    transport: Transport,
}

impl fmt::Debug for PeakPrivacy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeakPrivacy")
            .field("transport", &self.transport)
            .finish()
    }
}

impl PeakPrivacy {
    /// A client with `token` and default settings (the base URL still honours
    /// `PEAKPRIVACY_API_URL`).
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) when `token` is
    /// blank and `PEAKPRIVACY_API_TOKEN` is unset; [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// for a token with characters not allowed in a header or an invalid base URL.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("my-token")?;
    /// assert!(!format!("{client:?}").contains("my-token"));
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn new(token: impl Into<llm_core::SecretString>) -> Result<Self> {
        Self::builder().api_token(token).build()
    }

    /// A client configured from the environment: loads `.env` (current directory or a
    /// parent) without overriding variables already set, then reads
    /// `PEAKPRIVACY_API_TOKEN` and `PEAKPRIVACY_API_URL`.
    ///
    /// # Errors
    /// [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) naming
    /// `PEAKPRIVACY_API_TOKEN` when it is unset or blank (the Python SDK's
    /// `ApiTokenNotFoundError`); [`ErrorKind::Config`](crate::ErrorKind::Config) for a
    /// malformed `.env` file or an invalid URL.
    ///
    /// ```no_run
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        llm_core::env::load_dotenv()?;
        Self::builder().build()
    }

    /// Starts configuring a client; see [`PeakPrivacyBuilder`] for settings and defaults.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::builder().api_token("t").max_retries(0).build()?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn builder() -> PeakPrivacyBuilder {
        PeakPrivacyBuilder::new()
    }

    pub(crate) fn from_transport(transport: Transport) -> Self {
        Self { transport }
    }

    /// The underlying transport, for endpoints this crate does not wrap yet. Requests sent
    /// through it get the same auth, headers, timeouts and retries.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// use peakprivacy::ApiRequest;
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let answer: serde_json::Value = client.transport().send_json(ApiRequest::get("ai/models")).await?;
    /// # let _ = answer; Ok(()) }
    /// ```
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The base URL requests are joined to, always ending in `/`.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::builder()
    ///     .api_token("t")
    ///     .base_url("https://api.peakprivacy.ch/v1")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://api.peakprivacy.ch/v1/");
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn base_url(&self) -> &str {
        self.transport.base_url().as_str()
    }

    /// Chat: completions (plain and streamed) and the token check.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("t")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn chat(&self) -> Chat<'_> {
        Chat::new(self)
    }

    /// The models the account can use.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("t")?;
    /// let models = client.models();
    /// # let _ = models; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn models(&self) -> Models<'_> {
        llm_core::chat::Models::new(self)
    }

    /// The Files API: upload documents, list, retrieve and delete them.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("t")?;
    /// let files = client.files();
    /// # let _ = files; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn files(&self) -> Files<'_> {
        Files::new(self)
    }

    /// The Assistants API: create, update, retrieve, list, delete and query assistants.
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("t")?;
    /// let assistants = client.assistants();
    /// # let _ = assistants; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn assistants(&self) -> Assistants<'_> {
        Assistants::new(self)
    }
}
