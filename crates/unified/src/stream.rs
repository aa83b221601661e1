//! The mid-stream contract, written once for every model: a stream that breaks after it has
//! delivered chunks ends with [`ErrorKind::StreamInterrupted`] carrying what was received
//! ([`PartialResponse`]); a stream that fails before its first chunk ends with the plain
//! error (nothing was received, so retrying or falling back is safe).

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use llm_core::reqwest::header::HeaderMap;

use crate::{ChatChunk, ChatResponse, ChatStream, Error, ErrorKind, RawResponse, Result, Usage};

/// The most answer text a [`PartialResponse`] keeps (1 MiB); the rest is counted but not
/// kept, and [`PartialResponse::text_truncated`] says so.
pub const PARTIAL_TEXT_CAP: usize = 1024 * 1024;

/// The most text [`collect_stream`] joins (32 MiB, the provider clients' default
/// `max_response_size`); a longer answer is [`ErrorKind::ResponseTooLarge`].
pub const COLLECT_TEXT_CAP: usize = llm_core::DEFAULT_MAX_RESPONSE_SIZE;

/// What a stream had delivered when it broke, inside an
/// [`ErrorKind::StreamInterrupted`] error: read it with
/// [`Error::partial`](crate::Error::partial)`::<PartialResponse>()`.
///
/// ```
/// use unified::{collect_stream, ChatModel, ChatRequest, ErrorKind, MockChatModel, MockReply, PartialResponse};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let model = MockChatModel::new().then(MockReply::stream(["Bern ", "is "]).then_fail(ErrorKind::Connection));
/// let stream = model.chat_stream(ChatRequest::user("capital?")).await.unwrap();
/// let err = collect_stream(stream).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::StreamInterrupted);
/// let partial = err.partial::<PartialResponse>().unwrap();
/// assert_eq!((partial.response.text.as_str(), partial.chunks), ("Bern is ", 2));
/// assert!(err.is_retryable()); // the cause was a broken connection
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PartialResponse {
    /// The answer so far: its text (at most [`PARTIAL_TEXT_CAP`] bytes), the finish reason
    /// and usage if they had arrived, the provider and model.
    pub response: ChatResponse,
    /// How many chunks reached the caller before the break.
    pub chunks: usize,
    /// True when the text passed [`PARTIAL_TEXT_CAP`] and only its start was kept.
    pub text_truncated: bool,
}

/// Applies the mid-stream contract to any stream of chunks: the first chunk is stamped with
/// `provider` and `model` (unless it names them), and an error after at least one chunk
/// becomes [`ErrorKind::StreamInterrupted`] carrying a [`PartialResponse`], the cause, and
/// the request id from `response_headers`. An error before the first chunk, or one that is
/// already `StreamInterrupted`, passes unchanged. The stream ends after its first error.
///
/// The models of this crate apply it already; use it in your own
/// [`ChatModel`](crate::ChatModel) implementation.
///
/// ```
/// use futures_util::StreamExt;
/// use unified::{guard_stream, ChatChunk, ChatStream, Error, ErrorKind, PartialResponse};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let raw: ChatStream = Box::pin(futures_util::stream::iter(vec![
///     Ok(ChatChunk::text("Hel")),
///     Err(Error::timeout("idle for 60s")),
/// ]));
/// let mut stream = guard_stream(raw, "mine", "my-model", None);
/// assert_eq!(stream.next().await.unwrap().unwrap().model.as_deref(), Some("my-model"));
/// let err = stream.next().await.unwrap().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::StreamInterrupted);
/// assert!(err.interruption_cause().unwrap().is_timeout());
/// assert_eq!(err.partial::<PartialResponse>().unwrap().response.text, "Hel");
/// assert!(stream.next().await.is_none());
/// # }
/// ```
pub fn guard_stream(
    stream: ChatStream,
    provider: &str,
    model: &str,
    response_headers: Option<HeaderMap>,
) -> ChatStream {
    Box::pin(Guard {
        inner: Some(stream),
        provider: provider.to_owned(),
        model: model.to_owned(),
        headers: response_headers,
        text: String::new(),
        text_truncated: false,
        chunks: 0,
        finish_reason: None,
        usage: None,
    })
}

struct Guard {
    inner: Option<ChatStream>,
    provider: String,
    model: String,
    headers: Option<HeaderMap>,
    text: String,
    text_truncated: bool,
    chunks: usize,
    finish_reason: Option<crate::FinishReason>,
    usage: Option<Usage>,
}

impl Guard {
    fn record(&mut self, chunk: &mut ChatChunk) {
        if self.chunks == 0 {
            match &chunk.model {
                Some(model) => self.model.clone_from(model),
                None => chunk.model = Some(self.model.clone()),
            }
            match &chunk.provider {
                Some(provider) => self.provider.clone_from(provider),
                None => chunk.provider = Some(self.provider.clone()),
            }
        }
        self.chunks = self.chunks.saturating_add(1);
        if !self.text_truncated {
            let room = PARTIAL_TEXT_CAP.saturating_sub(self.text.len());
            if chunk.delta.len() <= room {
                self.text.push_str(&chunk.delta);
            } else {
                self.text.push_str(prefix(&chunk.delta, room));
                self.text_truncated = true;
            }
        }
        if chunk.finish_reason.is_some() {
            self.finish_reason.clone_from(&chunk.finish_reason);
        }
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
    }

    fn interrupted(&mut self, cause: Error) -> Error {
        let message = format!(
            "the stream broke after {} chunk(s) ({} bytes of text): {cause}",
            self.chunks,
            self.text.len()
        );
        let partial = PartialResponse {
            response: ChatResponse {
                text: std::mem::take(&mut self.text),
                finish_reason: self.finish_reason.take(),
                usage: self.usage.take(),
                provider: self.provider.clone(),
                model: self.model.clone(),
                raw: RawResponse::None,
                meta: None,
            },
            chunks: self.chunks,
            text_truncated: self.text_truncated,
        };
        Error::stream_interrupted(message, cause, self.headers.take(), partial)
    }
}

/// The longest prefix of `text` of at most `max` bytes, cut on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    text.get(..end).unwrap_or("")
}

impl Stream for Guard {
    type Item = Result<ChatChunk>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match ready!(inner.as_mut().poll_next(cx)) {
            Some(Ok(mut chunk)) => {
                this.record(&mut chunk);
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(err)) => {
                this.inner = None;
                if this.chunks == 0 || err.kind() == ErrorKind::StreamInterrupted {
                    Poll::Ready(Some(Err(err)))
                } else {
                    Poll::Ready(Some(Err(this.interrupted(err))))
                }
            }
            None => {
                this.inner = None;
                Poll::Ready(None)
            }
        }
    }
}

/// Reads a [`ChatStream`] to its end and joins it into a [`ChatResponse`]: the text, the
/// last finish reason and usage, the provider and model named by the first chunk.
///
/// # Errors
/// The stream's error. After at least one chunk it is
/// [`ErrorKind::StreamInterrupted`] with the partial answer inside
/// ([`Error::partial`](crate::Error::partial)`::<`[`PartialResponse`]`>()`), for any
/// stream (the contract is applied here too, for streams of your own models).
/// [`ErrorKind::ResponseTooLarge`] when the text passes [`COLLECT_TEXT_CAP`].
///
/// ```
/// use unified::{collect_stream, ChatModel, ChatRequest, FinishReason, MockChatModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let model = MockChatModel::new().reply("one two three");
/// let stream = model.chat_stream(ChatRequest::user("count")).await?;
/// let response = collect_stream(stream).await?;
/// assert_eq!(response.text, "one two three");
/// assert_eq!(response.finish_reason, Some(FinishReason::Stop));
/// assert_eq!((response.provider.as_str(), response.model.as_str()), ("mock", "mock-chat"));
/// # Ok(()) }
/// ```
pub async fn collect_stream(stream: ChatStream) -> Result<ChatResponse> {
    let mut stream = guard_stream(stream, "", "", None);
    let mut out = ChatResponse {
        text: String::new(),
        finish_reason: None,
        usage: None,
        provider: String::new(),
        model: String::new(),
        raw: RawResponse::None,
        meta: None,
    };
    let mut first = true;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if first {
            first = false;
            out.provider = chunk.provider.unwrap_or_default();
            out.model = chunk.model.unwrap_or_default();
            out.meta = chunk.meta;
        }
        if out.text.len().saturating_add(chunk.delta.len()) > COLLECT_TEXT_CAP {
            return Err(Error::with_message(
                ErrorKind::ResponseTooLarge,
                format!("the streamed answer is longer than {COLLECT_TEXT_CAP} bytes"),
            ));
        }
        out.text.push_str(&chunk.delta);
        if chunk.finish_reason.is_some() {
            out.finish_reason = chunk.finish_reason;
        }
        if chunk.usage.is_some() {
            out.usage = chunk.usage;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn stream(items: Vec<Result<ChatChunk>>) -> ChatStream {
        Box::pin(futures_util::stream::iter(items))
    }

    #[tokio::test]
    async fn error_before_the_first_chunk_passes_unchanged() {
        let s = stream(vec![Err(Error::timeout("t"))]);
        let err = collect_stream(guard_stream(s, "p", "m", None))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
    }

    #[tokio::test]
    async fn interruption_is_not_wrapped_twice() {
        let s = stream(vec![
            Ok(ChatChunk::text("a")),
            Ok(ChatChunk::text("b")),
            Err(Error::with_message(ErrorKind::Connection, "reset")),
        ]);
        let err = collect_stream(guard_stream(s, "p", "m", None))
            .await
            .unwrap_err();
        let partial = err.partial::<PartialResponse>().unwrap();
        assert_eq!(partial.chunks, 2);
        assert_eq!(partial.response.text, "ab");
        assert_eq!(partial.response.provider, "p");
        assert_eq!(
            err.interruption_cause().unwrap().kind(),
            ErrorKind::Connection
        );
    }

    #[test]
    fn prefix_cuts_on_char_boundaries() {
        assert_eq!(prefix("héllo", 2), "h");
        assert_eq!(prefix("héllo", 3), "hé");
        assert_eq!(prefix("abc", 10), "abc");
    }
}
