//! The blocking facade every provider crate shares: the runtime a blocking client owns, the
//! one `run` that flattens errors and refuses to block inside an async runtime, and one
//! iterator over any stream.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;

use crate::chat::{ChatCompletion, ChatCompletionStream, TextStream};
use crate::{Error, ErrorKind, Result};

mod resource;

pub use resource::{BlockingClient, Completions, Models};

/// An owned tokio runtime (one worker thread) for a blocking facade.
///
/// [`block_on`](Self::block_on) returns a typed error, instead of tokio's panic, when it is
/// called inside an async runtime, and dropping it there does not panic either.
///
/// ```
/// use llm_core::BlockingRuntime;
///
/// let runtime = BlockingRuntime::new("the blocking example client")?;
/// assert_eq!(runtime.block_on(async { 1 + 1 })?, 2);
/// # Ok::<(), llm_core::Error>(())
/// ```
pub struct BlockingRuntime {
    runtime: Option<tokio::runtime::Runtime>,
    client: &'static str,
}

impl fmt::Debug for BlockingRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingRuntime")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BlockingRuntime {
    /// Starts the runtime; `client` names the blocking client in error messages.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the runtime cannot start, or when called inside an async
    /// runtime (a blocking client there would stall it: use the async client).
    pub fn new(client: &'static str) -> Result<Self> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(inside_runtime(client));
        }
        // One worker thread drives connections between calls, so dropping a blocking
        // stream closes its connection at once (a current-thread runtime would only
        // notice at the next call).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("llm-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::with_source(ErrorKind::Config, "the blocking runtime could not start", e)
            })?;
        Ok(Self {
            runtime: Some(runtime),
            client,
        })
    }

    /// Runs `future` to completion on this thread.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when called inside an async runtime (where blocking would
    /// stall it), including from `spawn_blocking` threads, which tokio cannot tell apart.
    ///
    /// ```
    /// let runtime = llm_core::BlockingRuntime::new("the blocking example client").unwrap();
    /// let outer = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// outer.block_on(async {
    ///     let err = runtime.block_on(async {}).unwrap_err();
    ///     assert_eq!(err.kind(), llm_core::ErrorKind::Config);
    ///     drop(runtime); // dropping inside a runtime does not panic
    /// });
    /// ```
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(inside_runtime(self.client));
        }
        match &self.runtime {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(Error::with_message(
                ErrorKind::Config,
                "the blocking runtime has shut down",
            )),
        }
    }
}

impl BlockingRuntime {
    /// Runs a fallible `future` to completion: its error, or the refusal of
    /// [`block_on`](Self::block_on), as one flat `Result`. Every blocking call of every
    /// provider goes through this.
    ///
    /// # Errors
    /// The future's error, or [`ErrorKind::Config`] inside an async runtime.
    ///
    /// ```
    /// let runtime = llm_core::BlockingRuntime::new("the blocking example client")?;
    /// assert_eq!(runtime.run(async { Ok::<_, llm_core::Error>(3) })?, 3);
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn run<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        self.block_on(future)?
    }
}

/// A stream of `Result<T>` read as a blocking [`Iterator`] on a [`BlockingRuntime`]: the
/// blocking clients' streams. It is fused (after `None` or an error that ends the stream,
/// `next` keeps returning `None`), and inside an async runtime it yields one
/// [`ErrorKind::Config`] error instead of blocking.
///
/// ```
/// use std::sync::Arc;
/// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
/// use llm_core::{BlockingRuntime, BlockingStream};
///
/// let runtime = Arc::new(BlockingRuntime::new("the blocking example client")?);
/// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
/// let mut chunks = BlockingStream::new(stream, runtime);
/// assert_eq!(chunks.next().transpose()?.map(|c| c.content().to_owned()).as_deref(), Some("Hi"));
/// assert!(chunks.next().is_none());
/// # Ok::<(), llm_core::Error>(())
/// ```
pub struct BlockingStream<S> {
    stream: Option<Pin<Box<S>>>,
    runtime: Arc<BlockingRuntime>,
}

impl<S> fmt::Debug for BlockingStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingStream")
            .field("open", &self.stream.is_some())
            .finish_non_exhaustive()
    }
}

impl<S> BlockingStream<S> {
    /// Iterates `stream` on `runtime`.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    /// let runtime = Arc::new(llm_core::BlockingRuntime::new("the blocking example client")?);
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// assert_eq!(llm_core::BlockingStream::new(stream, runtime).count(), 1);
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn new(stream: S, runtime: Arc<BlockingRuntime>) -> Self {
        Self {
            stream: Some(Box::pin(stream)),
            runtime,
        }
    }
}

impl<T, S: Stream<Item = Result<T>>> Iterator for BlockingStream<S> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let stream = self.stream.as_mut()?;
        let next = self
            .runtime
            .block_on(std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)));
        let item = match next {
            Ok(item) => item,
            Err(refused) => Some(Err(refused)),
        };
        if !matches!(item, Some(Ok(_))) {
            // The end, an error or a refusal: drop the body now (closing the connection).
            self.stream = None;
        }
        item
    }
}

impl<T, S: Stream<Item = Result<T>>> std::iter::FusedIterator for BlockingStream<S> {}

impl BlockingStream<ChatCompletionStream> {
    /// The response's metadata (see [`ChatCompletionStream::meta`]), while the stream is
    /// open: read it before iterating to the end.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    /// let runtime = Arc::new(llm_core::BlockingRuntime::new("the blocking example client")?);
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// // A stream made from a chunk has no response behind it.
    /// assert!(llm_core::BlockingStream::new(stream, runtime).meta().is_none());
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn meta(&self) -> Option<&crate::ResponseMeta> {
        self.stream.as_ref().and_then(|stream| stream.meta())
    }

    /// Reads the rest of the stream and joins it into one [`ChatCompletion`] (see
    /// [`ChatCompletionStream::collect_completion`]).
    ///
    /// # Errors
    /// The first `Err` item of the stream, or [`ErrorKind::Config`] inside an async runtime.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    /// let runtime = Arc::new(llm_core::BlockingRuntime::new("the blocking example client")?);
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// let completion = llm_core::BlockingStream::new(stream, runtime).collect_completion()?;
    /// assert_eq!(completion.content(), "Hi");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn collect_completion(mut self) -> Result<ChatCompletion> {
        match self.stream.take() {
            Some(stream) => self
                .runtime
                .run(Pin::into_inner(stream).collect_completion()),
            None => Ok(ChatCompletion::default()),
        }
    }

    /// Just the text: an iterator of the non-empty content pieces of the first choice.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    /// let runtime = Arc::new(llm_core::BlockingRuntime::new("the blocking example client")?);
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// let text: String = llm_core::BlockingStream::new(stream, runtime).text().collect::<Result<_, _>>()?;
    /// assert_eq!(text, "Hi");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn text(mut self) -> BlockingStream<TextStream> {
        BlockingStream {
            stream: self
                .stream
                .take()
                .map(|stream| Box::pin(Pin::into_inner(stream).text())),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// The refusal to block inside an async runtime.
fn inside_runtime(client: &str) -> Error {
    Error::with_message(
        ErrorKind::Config,
        format!("{client} was called inside an async runtime; use the async client there"),
    )
}

impl Drop for BlockingRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            }
        }
    }
}
