//! Blocking streams: iterators over the async streams.

use std::fmt;
use std::sync::Arc;

use futures_util::StreamExt;

use super::Runtime;
use crate::{ChatCompletion, ChatCompletionChunk, Result, TextStream};

/// The chunks of a streamed completion as an iterator (each `next` blocks until the next
/// chunk); the same rules as the async [`crate::ChatCompletionStream`] apply. Inside an async runtime,
/// `next` yields one [`ErrorKind::Config`](crate::ErrorKind::Config) error and then ends.
pub struct ChatCompletionStream {
    stream: crate::ChatCompletionStream,
    runtime: Arc<Runtime>,
    done: bool,
}

impl fmt::Debug for ChatCompletionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::ChatCompletionStream")
            .field("stream", &self.stream)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ChatCompletionStream {
    pub(super) fn new(stream: crate::ChatCompletionStream, runtime: Arc<Runtime>) -> Self {
        Self {
            stream,
            runtime,
            done: false,
        }
    }

    /// Reads the rest and joins it into one completion.
    ///
    /// # Errors
    /// The first error of the stream.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// # let request = aligneai::ChatCompletionRequest::new("m", [aligneai::ChatMessage::user("Hi")]);
    /// let completion = client.chat().completions().create_stream(request)?.collect_completion()?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn collect_completion(self) -> Result<ChatCompletion> {
        let runtime = self.runtime;
        runtime.block_on(self.stream.collect_completion())?
    }

    /// Just the text pieces, as an iterator.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// # let request = aligneai::ChatCompletionRequest::new("m", [aligneai::ChatMessage::user("Hi")]);
    /// for piece in client.chat().completions().create_stream(request)?.text() {
    ///     print!("{}", piece?);
    /// }
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn text(self) -> TextIter {
        TextIter {
            stream: self.stream.text(),
            runtime: self.runtime,
            done: false,
        }
    }
}

impl Iterator for ChatCompletionStream {
    type Item = Result<ChatCompletionChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.runtime.block_on(self.stream.next()) {
            Ok(item) => item,
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}

/// The text pieces of a streamed completion, from [`ChatCompletionStream::text`].
pub struct TextIter {
    stream: TextStream,
    runtime: Arc<Runtime>,
    done: bool,
}

impl fmt::Debug for TextIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextIter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Iterator for TextIter {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.runtime.block_on(self.stream.next()) {
            Ok(item) => item,
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}
