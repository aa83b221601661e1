//! Blocking streams: iterators over the async streams.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;

use super::Runtime;
use crate::stream::{first_text, Collector};
use crate::{ChatCompletion, ChatCompletionChunk, Result};

/// A streamed answer as an [`Iterator`] of `Result<ChatCompletionChunk>`, from
/// [`Completions::create_stream`](super::Completions::create_stream). Each `next()` blocks
/// until the next chunk arrives; the same rules as [`crate::ChatCompletionStream`] apply
/// (an `Err` item ends it). Dropping it closes the connection.
///
/// ```no_run
/// use peakprivacy::{ChatCompletionRequest, Message};
///
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
/// for chunk in client.chat().completions().create_stream(request)? {
///     print!("{}", chunk?.content());
/// }
/// # Ok::<(), peakprivacy::Error>(())
/// ```
pub struct ChatCompletionStream {
    inner: Option<crate::ChatCompletionStream>,
    runtime: Arc<Runtime>,
}

impl fmt::Debug for ChatCompletionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::ChatCompletionStream")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl ChatCompletionStream {
    pub(super) fn new(inner: crate::ChatCompletionStream, runtime: Arc<Runtime>) -> Self {
        Self {
            inner: Some(inner),
            runtime,
        }
    }

    /// Reads the whole stream into one [`ChatCompletion`]; see
    /// [`crate::ChatCompletionStream::collect_completion`].
    ///
    /// # Errors
    /// The first `Err` item of the stream.
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message};
    ///
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]);
    /// let completion = client.chat().completions().create_stream(request)?.collect_completion()?;
    /// println!("{}", completion.content());
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn collect_completion(self) -> Result<ChatCompletion> {
        let mut collector = Collector::default();
        for chunk in self {
            collector.push(chunk?);
        }
        Ok(collector.finish())
    }

    /// Just the text: an iterator of the non-empty `content` pieces of the first choice.
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message};
    ///
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
    /// for piece in client.chat().completions().create_stream(request)?.text() {
    ///     print!("{}", piece?);
    /// }
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn text(self) -> TextIter {
        TextIter { inner: self }
    }
}

impl Iterator for ChatCompletionStream {
    type Item = Result<ChatCompletionChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.inner.as_mut()?;
        let next = self.runtime.block_on(std::future::poll_fn(|cx| {
            Pin::new(&mut *stream).poll_next(cx)
        }));
        match next {
            Ok(Some(Ok(chunk))) => Some(Ok(chunk)),
            Ok(None) => {
                self.inner = None;
                None
            }
            Ok(Some(Err(err))) | Err(err) => {
                self.inner = None;
                Some(Err(err))
            }
        }
    }
}

impl std::iter::FusedIterator for ChatCompletionStream {}

/// The text pieces of a blocking stream, from [`ChatCompletionStream::text`]: an
/// [`Iterator`] of `Result<String>` skipping chunks without text.
///
/// ```no_run
/// use peakprivacy::{ChatCompletionRequest, Message};
///
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
/// let text: String = client
///     .chat()
///     .completions()
///     .create_stream(request)?
///     .text()
///     .collect::<peakprivacy::Result<String>>()?;
/// # let _ = text; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug)]
pub struct TextIter {
    inner: ChatCompletionStream,
}

impl Iterator for TextIter {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.inner.next()? {
                Ok(chunk) => {
                    if let Some(text) = first_text(chunk) {
                        return Some(Ok(text));
                    }
                }
                Err(err) => return Some(Err(err)),
            }
        }
    }
}

impl std::iter::FusedIterator for TextIter {}
