//! The provider-neutral traits.

use std::fmt::Debug;
use std::pin::Pin;

use async_trait::async_trait;
use futures_core::Stream;
use futures_util::StreamExt;

use crate::{ChatChunk, ChatRequest, ChatResponse, Embeddings, Error, Result};

/// A stream of [`ChatChunk`]s. A broken stream yields an `Err` item; it never ends early
/// without one.
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<ChatChunk>> + Send + 'static>>;

/// A chat model of any provider. Object-safe: store it as `Arc<dyn ChatModel>` and swap
/// the provider without touching call sites.
///
/// New capabilities are added as methods with a default body returning
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), so implementors keep
/// compiling.
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
    /// The provider's name: `"peakprivacy"`, `"aligneai"` or `"mock"`.
    fn provider(&self) -> &'static str;

    /// The model id requests use unless [`ChatRequest::model`] overrides it.
    fn model(&self) -> &str;

    /// Sends the conversation and waits for the whole answer.
    ///
    /// # Errors
    /// Any [`Error`], with the same kinds and accessors for every provider.
    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse>;

    /// Sends the conversation and streams the answer.
    ///
    /// # Errors
    /// Any [`Error`]; [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) when the
    /// model cannot stream.
    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        let _ = request;
        Err(Error::unsupported(format!(
            "{} models do not support streaming",
            self.provider()
        )))
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
    fn provider(&self) -> &'static str;

    /// The model id, when one is configured.
    fn model(&self) -> Option<&str>;

    /// One vector per input, in input order.
    ///
    /// # Errors
    /// Any [`Error`]; [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for
    /// an empty input list.
    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings>;
}

/// Reads a [`ChatStream`] to its end and joins the text, keeping the last finish reason
/// and usage.
///
/// # Errors
/// The first error item of the stream.
///
/// ```
/// use unified::{collect_stream, ChatModel, ChatRequest, MockChatModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let model = MockChatModel::new().reply("one two three");
/// let stream = model.chat_stream(ChatRequest::user("count")).await?;
/// assert_eq!(collect_stream(stream).await?.delta, "one two three");
/// # Ok(()) }
/// ```
pub async fn collect_stream(mut stream: ChatStream) -> Result<ChatChunk> {
    let mut out = ChatChunk::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        out.delta.push_str(&chunk.delta);
        if chunk.finish_reason.is_some() {
            out.finish_reason = chunk.finish_reason;
        }
        if chunk.usage.is_some() {
            out.usage = chunk.usage;
        }
    }
    Ok(out)
}
