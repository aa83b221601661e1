//! The chat resource: completions (the shared `llm_core::chat::Completions` over
//! PeakPrivacy's paths) and the token check.

use llm_core::chat::ChatProvider;

use crate::{
    ApiRequest, ApiTokenValid, ChatCompletionRequest, PeakPrivacy, RequestOptions, Result,
    Transport,
};

/// The path of the token check.
const PING_PATH: &str = "ai/ping";

/// Chat completions, from [`Chat::completions`]: `create`, `create_with`, `create_stream`
/// and `create_stream_with` (`POST ai/completions`), the same methods as in every provider
/// crate.
///
/// The server streams only when `anonymize` is `false`: with pseudonymisation on (its
/// default) it answers with one plain JSON completion, which `create_stream` yields as a
/// one-chunk stream, so the same loop works either way.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use peakprivacy::{model_ids, ChatCompletionRequest, Message, PeakPrivacy};
///
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = PeakPrivacy::from_env()?;
/// let request = ChatCompletionRequest::new(
///     model_ids::MISTRAL_SWISS,
///     [Message::system("Be brief."), Message::user("What is pseudonymisation?")],
/// )
/// .temperature(0.2);
/// let completion = client.chat().completions().create(request.clone()).await?;
/// println!("{}", completion.content());
///
/// let mut stream = client.chat().completions().create_stream(request.anonymize(false)).await?;
/// while let Some(chunk) = stream.next().await {
///     print!("{}", chunk?.content());
/// }
/// # Ok(()) }
/// ```
pub type Completions<'a> = llm_core::chat::Completions<'a, PeakPrivacy>;

impl ChatProvider for PeakPrivacy {
    type Request = ChatCompletionRequest;
    const COMPLETIONS_PATH: &'static str = "ai/completions";
    const MODELS_PATH: &'static str = "ai/models";

    fn transport(&self) -> &Transport {
        PeakPrivacy::transport(self)
    }
}

/// The chat resource, from [`PeakPrivacy::chat`].
///
/// ```
/// let client = peakprivacy::PeakPrivacy::new("t")?;
/// let chat = client.chat();
/// # let _ = chat; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Chat<'a> {
    pub(crate) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Chat completions: [`create`](Completions::create) and
    /// [`create_stream`](Completions::create_stream).
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("t")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'a> {
        llm_core::chat::Completions::new(self.client)
    }

    /// Checks the API token with `GET ai/ping` (the body is ignored).
    ///
    /// # Errors
    /// [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) on 401 (invalid or
    /// expired token, or inactive subscription), and any other [`Error`](crate::Error).
    ///
    /// ```no_run
    /// use peakprivacy::{ErrorKind, PeakPrivacy};
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// match client.chat().check_api_token().await {
    ///     Ok(_) => println!("token is valid"),
    ///     Err(err) if err.kind() == ErrorKind::Authentication => println!("bad token"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_api_token(&self) -> Result<ApiTokenValid> {
        self.check_api_token_with(RequestOptions::new()).await
    }

    /// [`check_api_token`](Self::check_api_token) with per-call options.
    ///
    /// # Errors
    /// As [`check_api_token`](Self::check_api_token).
    ///
    /// ```no_run
    /// use peakprivacy::RequestOptions;
    /// use std::time::Duration;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
    /// client.chat().check_api_token_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn check_api_token_with(&self, options: RequestOptions) -> Result<ApiTokenValid> {
        let request = ApiRequest::get(PING_PATH).options(options);
        self.client.transport().send(request).await?;
        Ok(ApiTokenValid::new())
    }
}
