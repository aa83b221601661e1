//! The provider-neutral traits.

use std::fmt::Debug;
use std::pin::Pin;

use async_trait::async_trait;
use futures_core::Stream;

use crate::{
    Capabilities, ChatChunk, ChatRequest, ChatResponse, Embeddings, Error, RequestOptions, Result,
};

/// A stream of [`ChatChunk`]s. A broken stream yields an `Err` item; it never ends early
/// without one.
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<ChatChunk>> + Send + 'static>>;

/// A chat model of any provider. Object-safe: store it as `Arc<dyn ChatModel>` and swap
/// the provider without touching call sites.
///
/// New capabilities are added as methods with a default body, so implementors keep
/// compiling: the `*_with` methods delegate to the plain ones (ignoring the options),
/// [`chat_stream`](Self::chat_stream) answers
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), and
/// [`capabilities`](Self::capabilities) claims nothing. Override what your model does.
///
/// ```
/// use std::sync::Arc;
/// use unified::{ChatModel, ChatRequest, MockChatModel};
///
/// async fn answer(model: &dyn ChatModel, question: &str) -> unified::Result<String> {
///     Ok(model.chat(ChatRequest::user(question)).await?.text)
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let model: Arc<dyn ChatModel> = Arc::new(MockChatModel::new().reply("Bern"));
/// assert_eq!(answer(model.as_ref(), "Capital of Switzerland?").await?, "Bern");
/// # Ok(()) }
/// ```
#[async_trait]
pub trait ChatModel: Send + Sync + Debug {
    /// The provider's name: `"peakprivacy"`, `"aligneai"`, `"mock"` (or `"fallback"`).
    ///
    /// ```
    /// use unified::ChatModel;
    /// assert_eq!(unified::MockChatModel::new().provider(), "mock");
    /// ```
    fn provider(&self) -> &'static str;

    /// The model id requests use unless [`ChatRequest::model`] overrides it.
    ///
    /// ```
    /// use unified::ChatModel;
    /// assert_eq!(unified::MockChatModel::new().with_model("m").model(), "m");
    /// ```
    fn model(&self) -> &str;

    /// What this model can do (streaming, native streaming, embeddings, the raw response,
    /// provider options, anonymisation). The default claims nothing.
    ///
    /// ```
    /// use unified::ChatModel;
    /// let caps = unified::MockChatModel::new().capabilities();
    /// assert!(caps.streaming && caps.native_streaming && !caps.raw_response);
    /// ```
    fn capabilities(&self) -> Capabilities {
        Capabilities::new()
    }

    /// Whether [`chat_stream`](Self::chat_stream) delivers the answer piece by piece as the
    /// model produces it (false for PeakPrivacy while it anonymises: the answer then
    /// arrives whole, as one chunk).
    ///
    /// ```
    /// use unified::ChatModel;
    /// assert!(unified::MockChatModel::new().streams_natively());
    /// ```
    fn streams_natively(&self) -> bool {
        self.capabilities().native_streaming
    }

    /// Sends the conversation and waits for the whole answer.
    ///
    /// # Errors
    /// Any [`Error`], with the same kinds and accessors for every provider.
    ///
    /// ```
    /// use unified::{ChatModel, ChatRequest};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let reply = unified::MockChatModel::new().chat(ChatRequest::user("hi")).await?;
    /// assert_eq!(reply.text, "You said: hi");
    /// # Ok(()) }
    /// ```
    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse>;

    /// [`chat`](Self::chat) with per-call options: timeout, total deadline
    /// (`total_timeout`), retries, headers, idempotency key. The default ignores the
    /// options and calls `chat`; the models of this crate pass them on to the provider.
    ///
    /// # Errors
    /// As [`chat`](Self::chat).
    ///
    /// ```
    /// use std::time::Duration;
    /// use unified::{ChatModel, ChatRequest, RequestOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let model = unified::MockChatModel::new();
    /// let options = RequestOptions::new().total_timeout(Duration::from_secs(20)).max_retries(1);
    /// let reply = model.chat_with(ChatRequest::user("hi"), options).await?;
    /// assert_eq!(reply.text, "You said: hi");
    /// assert_eq!(model.calls()[0].options.get_max_retries(), Some(1));
    /// # Ok(()) }
    /// ```
    async fn chat_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatResponse> {
        let _ = options;
        self.chat(request).await
    }

    /// Sends the conversation and streams the answer. A stream that breaks after it has
    /// delivered chunks ends with [`ErrorKind::StreamInterrupted`](crate::ErrorKind::StreamInterrupted)
    /// carrying a [`PartialResponse`](crate::PartialResponse) (see [`guard_stream`](crate::guard_stream)).
    ///
    /// # Errors
    /// Any [`Error`]; [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) when the
    /// model cannot stream (the default).
    ///
    /// ```
    /// use unified::{collect_stream, ChatModel, ChatRequest};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let stream = unified::MockChatModel::new().chat_stream(ChatRequest::user("hi")).await?;
    /// assert_eq!(collect_stream(stream).await?.text, "You said: hi");
    /// # Ok(()) }
    /// ```
    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        let _ = request;
        Err(Error::unsupported(format!(
            "{} models do not support streaming",
            self.provider()
        )))
    }

    /// [`chat_stream`](Self::chat_stream) with per-call options (the timeout and retries
    /// apply until the response headers arrive; `total_timeout` and the stream idle timeout
    /// to the whole stream). The default ignores the options and calls `chat_stream`.
    ///
    /// # Errors
    /// As [`chat_stream`](Self::chat_stream).
    ///
    /// ```
    /// use unified::{collect_stream, ChatModel, ChatRequest, RequestOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let model = unified::MockChatModel::new();
    /// let stream = model.chat_stream_with(ChatRequest::user("hi"), RequestOptions::new().max_retries(0)).await?;
    /// assert_eq!(collect_stream(stream).await?.text, "You said: hi");
    /// assert!(model.calls()[0].streamed);
    /// # Ok(()) }
    /// ```
    async fn chat_stream_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatStream> {
        let _ = options;
        self.chat_stream(request).await
    }
}

/// An embedding model of any provider. Object-safe: `Box<dyn EmbeddingModel>` works.
///
/// ```
/// use unified::{EmbeddingModel, MockEmbeddingModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let model: Box<dyn EmbeddingModel> = Box::new(MockEmbeddingModel::new(8));
/// let e = model.embed(vec!["a".into(), "b".into()]).await?;
/// assert_eq!((e.vectors.len(), e.dimensions), (2, 8));
/// # Ok(()) }
/// ```
#[async_trait]
pub trait EmbeddingModel: Send + Sync + Debug {
    /// The provider's name.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// assert_eq!(unified::MockEmbeddingModel::new(8).provider(), "mock");
    /// ```
    fn provider(&self) -> &'static str;

    /// The model id, when one is configured.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// assert_eq!(unified::MockEmbeddingModel::new(8).model(), Some("mock-embedding"));
    /// ```
    fn model(&self) -> Option<&str>;

    /// The length of each vector, when it is known before calling (declared or fixed).
    /// The default is `None`. [`FallbackEmbeddings`](crate::FallbackEmbeddings) only
    /// treats models as interchangeable when their model ids and dimensions are known
    /// and equal.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// assert_eq!(unified::MockEmbeddingModel::new(8).dimensions(), Some(8));
    /// ```
    fn dimensions(&self) -> Option<usize> {
        None
    }

    /// One vector per input, in input order.
    ///
    /// # Errors
    /// Any [`Error`]; [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for
    /// an empty input list.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let e = unified::MockEmbeddingModel::new(4).embed(vec!["a".into()]).await?;
    /// assert_eq!(e.vectors[0].len(), 4);
    /// # Ok(()) }
    /// ```
    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings>;

    /// [`embed`](Self::embed) with per-call options (applied to every request of a batched
    /// job). The default ignores the options and calls `embed`.
    ///
    /// # Errors
    /// As [`embed`](Self::embed).
    ///
    /// ```
    /// use unified::{EmbeddingModel, RequestOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let model = unified::MockEmbeddingModel::new(4);
    /// let e = model.embed_with(vec!["a".into()], RequestOptions::new().max_retries(0)).await?;
    /// assert_eq!(e.dimensions, 4);
    /// # Ok(()) }
    /// ```
    async fn embed_with(&self, inputs: Vec<String>, options: RequestOptions) -> Result<Embeddings> {
        let _ = options;
        self.embed(inputs).await
    }
}
