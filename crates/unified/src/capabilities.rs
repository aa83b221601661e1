//! What a model can do, so provider-neutral code can decide without knowing the provider.

/// What a [`ChatModel`](crate::ChatModel) can do. Read it with
/// [`ChatModel::capabilities`](crate::ChatModel::capabilities) (or the shortcut
/// [`streams_natively`](crate::ChatModel::streams_natively)).
///
/// | model | `streaming` | `native_streaming` | `embeddings` | `raw_response` | `provider_options` | `anonymizes` |
/// |---|---|---|---|---|---|---|
/// | PeakPrivacy, anonymising (the default of [`PeakPrivacyChat`](crate::PeakPrivacyChat)) | yes | **no**: the answer arrives whole, as one chunk | no | yes | yes | yes |
/// | PeakPrivacy, `anonymize(false)` | yes | yes | no | yes | yes | no |
/// | AligneAI | yes | yes | yes | yes | no | no |
/// | mock | yes | yes (scripted pieces) | yes | no | no | no |
/// | a trait implementor that overrides nothing | no | no | no | no | no | no |
///
/// ```
/// use unified::{Capabilities, ChatModel, ChatRequest, MockChatModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// async fn show(model: &dyn ChatModel) -> unified::Result<String> {
///     if model.streams_natively() {
///         let stream = model.chat_stream(ChatRequest::user("hi")).await?;
///         Ok(unified::collect_stream(stream).await?.text) // print pieces as they come
///     } else {
///         Ok(model.chat(ChatRequest::user("hi")).await?.text) // one piece anyway
///     }
/// }
/// assert_eq!(show(&MockChatModel::new()).await?, "You said: hi");
/// let custom = Capabilities::new().streaming(true);
/// assert!(custom.streaming && !custom.native_streaming);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Capabilities {
    /// [`chat_stream`](crate::ChatModel::chat_stream) works (it does not answer
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)).
    pub streaming: bool,
    /// The streamed answer arrives piece by piece as the model produces it. False when it
    /// arrives whole as one chunk (PeakPrivacy while it anonymises) or is not streamed.
    pub native_streaming: bool,
    /// The provider offers embeddings (an [`EmbeddingModel`](crate::EmbeddingModel) can be
    /// built for it).
    pub embeddings: bool,
    /// [`ChatResponse::raw`](crate::ChatResponse::raw) holds the provider's own response
    /// (the escape hatch for what the neutral types do not carry).
    pub raw_response: bool,
    /// The model reads typed provider options from
    /// [`ChatRequest::provider_options`](crate::ChatRequest::provider_options) (PeakPrivacy:
    /// [`PeakPrivacyOptions`](crate::PeakPrivacyOptions)).
    pub provider_options: bool,
    /// Personal data in prompts is pseudonymised before it reaches the model (PeakPrivacy's
    /// `anonymize`).
    pub anonymizes: bool,
}

impl Capabilities {
    /// Nothing: the starting point for a custom model's capabilities.
    ///
    /// ```
    /// assert_eq!(unified::Capabilities::new(), unified::Capabilities::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`streaming`](Self::streaming).
    ///
    /// ```
    /// assert!(unified::Capabilities::new().streaming(true).streaming);
    /// ```
    #[must_use]
    pub fn streaming(mut self, on: bool) -> Self {
        self.streaming = on;
        self
    }

    /// Sets [`native_streaming`](Self::native_streaming) (and `streaming` when on).
    ///
    /// ```
    /// let caps = unified::Capabilities::new().native_streaming(true);
    /// assert!(caps.native_streaming && caps.streaming);
    /// ```
    #[must_use]
    pub fn native_streaming(mut self, on: bool) -> Self {
        self.native_streaming = on;
        self.streaming |= on;
        self
    }

    /// Sets [`embeddings`](Self::embeddings).
    ///
    /// ```
    /// assert!(unified::Capabilities::new().embeddings(true).embeddings);
    /// ```
    #[must_use]
    pub fn embeddings(mut self, on: bool) -> Self {
        self.embeddings = on;
        self
    }

    /// Sets [`raw_response`](Self::raw_response).
    ///
    /// ```
    /// assert!(unified::Capabilities::new().raw_response(true).raw_response);
    /// ```
    #[must_use]
    pub fn raw_response(mut self, on: bool) -> Self {
        self.raw_response = on;
        self
    }

    /// Sets [`provider_options`](Self::provider_options).
    ///
    /// ```
    /// assert!(unified::Capabilities::new().provider_options(true).provider_options);
    /// ```
    #[must_use]
    pub fn provider_options(mut self, on: bool) -> Self {
        self.provider_options = on;
        self
    }

    /// Sets [`anonymizes`](Self::anonymizes).
    ///
    /// ```
    /// assert!(unified::Capabilities::new().anonymizes(true).anonymizes);
    /// ```
    #[must_use]
    pub fn anonymizes(mut self, on: bool) -> Self {
        self.anonymizes = on;
        self
    }
}
