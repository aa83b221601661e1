//! The traits implemented over the provider clients, written once: [`ProviderChat`] is a
//! [`ChatModel`] over any provider client (the shared chat vocabulary makes the answers the
//! same type); a provider only says how a neutral [`ChatRequest`] becomes its request.

mod aligneai;
mod peakprivacy;

use std::fmt;

use async_trait::async_trait;
use futures_util::StreamExt;
use llm_core::chat::{self, ChatProvider, ChatRequest as _, SharedSettings};

use crate::{
    guard_stream, Capabilities, ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream,
    ProviderOptions, RequestOptions, Result,
};

pub use self::aligneai::{AligneAIChat, AligneAIEmbeddings};
pub use self::peakprivacy::PeakPrivacyChat;

/// How a provider client takes part in [`ProviderChat`]: its name, the provider-only
/// options it reads from a neutral request, the options a model sends unless a request
/// overrides them, and what it can do with them.
///
/// ```
/// use unified::{NeutralProvider, ProviderOptions};
/// assert_eq!(<aligneai::AligneAI as NeutralProvider>::NAME, "aligneai");
/// let caps = <peakprivacy::PeakPrivacy as NeutralProvider>::capabilities(
///     &<peakprivacy::PeakPrivacy as NeutralProvider>::default_options(),
/// );
/// assert!(caps.anonymizes && !caps.native_streaming);
/// ```
pub trait NeutralProvider: ChatProvider + Clone + fmt::Debug + 'static {
    /// The provider's name, as [`ChatModel::provider`] reports it.
    const NAME: &'static str;

    /// Applies this provider's own options (by default none).
    fn apply_options(request: &mut Self::Request, options: &ProviderOptions) {
        let _ = (request, options);
    }

    /// The options a [`ProviderChat`] starts with (by default none; PeakPrivacy:
    /// `anonymize: true`, sent explicitly).
    fn default_options() -> ProviderOptions {
        ProviderOptions::default()
    }

    /// What a model of this provider can do with these (model-level) options. The default:
    /// native streaming and the raw response.
    fn capabilities(options: &ProviderOptions) -> Capabilities {
        let _ = options;
        Capabilities::new()
            .native_streaming(true)
            .raw_response(true)
    }
}

/// The provider's request for a neutral one, with `model` when the request names none and
/// the model's `defaults` under the request's own provider options.
pub(crate) fn provider_request<C: NeutralProvider>(
    request: ChatRequest,
    model: &str,
    defaults: &ProviderOptions,
) -> C::Request {
    let options = request.provider_options.clone().or(defaults);
    let mut out = C::Request::from_shared(SharedSettings {
        model: request.model.unwrap_or_else(|| model.to_owned()),
        messages: request.messages,
        temperature: request.temperature,
        top_p: request.top_p,
        max_tokens: request.max_tokens,
        seed: request.seed,
    });
    C::apply_options(&mut out, &options);
    out
}

/// A [`ChatModel`] over a provider client and a default model id:
/// [`PeakPrivacyChat`] and [`AligneAIChat`].
///
/// Calls go through the provider client, so its settings apply (timeouts, retries with
/// backoff and `Retry-After`, headers); the `*_with` methods pass their
/// [`RequestOptions`] on to the provider's `create_with` / `create_stream_with`. Streams
/// follow the mid-stream contract of [`guard_stream`] (a break after the first chunk is
/// [`ErrorKind::StreamInterrupted`](crate::ErrorKind::StreamInterrupted) with the
/// response's request id).
///
/// ```
/// use unified::{ChatModel, PeakPrivacyChat};
///
/// let client = peakprivacy::PeakPrivacy::new("token")?;
/// let model = PeakPrivacyChat::new(client, "mistral-swiss");
/// assert_eq!((model.provider(), model.model()), ("peakprivacy", "mistral-swiss"));
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProviderChat<C> {
    client: C,
    model: String,
    options: ProviderOptions,
}

impl<C: NeutralProvider> ProviderChat<C> {
    /// Wraps `client`, answering with `model` unless a request names another, with the
    /// provider's [default options](NeutralProvider::default_options).
    ///
    /// ```
    /// use unified::{AligneAIChat, ChatModel};
    /// let model = AligneAIChat::new(aligneai::AligneAI::new("key")?, "llama-3-8b");
    /// assert_eq!((model.provider(), model.model()), ("aligneai", "llama-3-8b"));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn new(client: C, model: impl Into<String>) -> Self {
        Self {
            client,
            model: model.into(),
            options: C::default_options(),
        }
    }

    /// Replaces the model-level provider options (a request's own
    /// [`provider_options`](ChatRequest::provider_options) still win, field by field).
    ///
    /// ```
    /// use unified::{ChatModel, PeakPrivacyChat, PeakPrivacyOptions, ProviderOptions};
    /// let model = PeakPrivacyChat::new(peakprivacy::PeakPrivacy::new("t")?, "mistral-swiss")
    ///     .provider_options(ProviderOptions::new().peakprivacy(PeakPrivacyOptions::new().anonymize(false)));
    /// assert!(model.streams_natively());
    /// # Ok::<(), unified::Error>(())
    /// ```
    #[must_use]
    pub fn provider_options(mut self, options: ProviderOptions) -> Self {
        self.options = options;
        self
    }

    /// The model-level provider options.
    ///
    /// ```
    /// let model = unified::AligneAIChat::new(aligneai::AligneAI::new("k")?, "m");
    /// assert_eq!(model.options(), &unified::ProviderOptions::default());
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn options(&self) -> &ProviderOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut ProviderOptions {
        &mut self.options
    }

    /// The wrapped client.
    ///
    /// ```
    /// let model = unified::PeakPrivacyChat::new(peakprivacy::PeakPrivacy::new("t")?, "m");
    /// assert_eq!(model.client().base_url(), "https://api.peakprivacy.ch/v1/");
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn client(&self) -> &C {
        &self.client
    }
}

#[async_trait]
impl<C: NeutralProvider> ChatModel for ProviderChat<C> {
    fn provider(&self) -> &'static str {
        C::NAME
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn capabilities(&self) -> Capabilities {
        C::capabilities(&self.options)
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        self.chat_with(request, RequestOptions::new()).await
    }

    async fn chat_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatResponse> {
        let request = provider_request::<C>(request, &self.model, &self.options);
        let requested = request.model().to_owned();
        let (completion, meta) = chat::Completions::new(&self.client)
            .create_with_response(request, options)
            .await?
            .into_parts();
        let mut response = ChatResponse::from_completion(completion, C::NAME);
        response.meta = Some(meta);
        if response.model.is_empty() {
            response.model = requested;
        }
        Ok(response)
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        self.chat_stream_with(request, RequestOptions::new()).await
    }

    async fn chat_stream_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatStream> {
        let request = provider_request::<C>(request, &self.model, &self.options);
        let requested = request.model().to_owned();
        let transport = self.client.transport();
        let stream = chat::create_stream(transport, C::COMPLETIONS_PATH, &request, options).await?;
        // A stream that breaks later reports the request id of these headers.
        let headers = stream.meta().map(|meta| meta.headers().clone());
        // The first chunk carries the response's metadata.
        let mut meta = stream.meta().cloned();
        let chunks: ChatStream = Box::pin(stream.map(move |chunk| {
            chunk.map(|chunk| {
                let mut chunk = ChatChunk::from(chunk);
                chunk.meta = meta.take();
                chunk
            })
        }));
        Ok(guard_stream(chunks, C::NAME, &requested, headers))
    }
}
