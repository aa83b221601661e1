//! [`ChatCompletionStream`]: streamed chat chunks over the core SSE event stream.

use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;
use futures_util::future::BoxFuture;
use llm_core::sse::Event;
use llm_core::{Error, ErrorKind, Events, Result, StreamResponse, Transport};

use crate::types::{ChatCompletion, ChatCompletionChunk, ChunkAccumulator};
use crate::wire::chat::WireCompletion;

/// The chunks of a streamed chat completion, from
/// [`Completions::create_stream`](crate::chat::Completions::create_stream).
///
/// - It pulls: nothing runs in the background and nothing is buffered beyond the event
///   being decoded; dropping the stream closes the connection.
/// - A `[DONE]` event ends it; so does the end of the body after a complete event.
/// - Every failure is an `Err` item, after which the stream ends: a chunk that is not valid
///   JSON is [`ErrorKind::Decode`], an error object sent by the server is
///   [`ErrorKind::Stream`], a body cut mid-event is [`ErrorKind::Stream`], a reset
///   connection is [`ErrorKind::Connection`], and a silence longer than the stream idle
///   timeout is [`ErrorKind::Timeout`]. A broken stream never looks like a clean end.
/// - Events with other `event:` names whose data is not a chunk (keep-alives, pings) are
///   skipped.
/// - A `text/plain` answer (the sister SDK reads raw text) is delivered as one chunk
///   holding the whole text, read within the response size cap; a JSON answer (a server
///   that ignored `stream: true`) is delivered as one chunk holding the whole completion.
///
/// ```no_run
/// use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage};
/// use futures_util::StreamExt;
///
/// # async fn run() -> aligneai::Result<()> {
/// let client = AligneAI::from_env()?;
/// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Hi")]);
/// let mut text = client.chat().completions().create_stream(request).await?.text();
/// while let Some(piece) = text.next().await {
///     print!("{}", piece?);
/// }
/// # Ok(()) }
/// ```
pub struct ChatCompletionStream {
    state: State,
    /// Removes the credential from errors built out of streamed payloads (a server may
    /// echo the key into an error event or a fallback body).
    redactor: Transport,
}

enum State {
    /// A `text/event-stream` body.
    Events(Pin<Box<Events>>),
    /// A JSON or raw text body, read whole and delivered as at most one chunk.
    Body(BoxFuture<'static, Result<Option<ChatCompletionChunk>>>),
    Done,
}

/// What one SSE event means.
#[derive(Debug)]
enum Mapped {
    Chunk(ChatCompletionChunk),
    Skip,
    Done,
}

impl fmt::Debug for ChatCompletionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Events(_) => "events",
            State::Body(_) => "body",
            State::Done => "done",
        };
        f.debug_struct("ChatCompletionStream")
            .field("state", &state)
            .finish()
    }
}

impl ChatCompletionStream {
    /// Chooses how to read `response`: SSE by `Content-Type`, raw text for `text/plain`,
    /// otherwise by sniffing the first byte (`{`/`[` means one JSON completion).
    pub(crate) async fn from_response(
        mut response: StreamResponse,
        redactor: Transport,
    ) -> Result<Self> {
        let status = response.status();
        let is_text = response.content_type().is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/plain")
        });
        let state = if response.is_event_stream() {
            State::Events(Box::pin(response.events()))
        } else if is_text {
            State::Body(Box::pin(async move {
                let bytes = response.bytes().await?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
                    Error::decode("the streamed text is not valid UTF-8", e).with_status(status)
                })?;
                Ok((!text.is_empty()).then(|| ChatCompletionChunk::from_text(text)))
            }))
        } else if response.sniff_event_stream().await? {
            State::Events(Box::pin(response.events()))
        } else {
            State::Body(Box::pin(async move {
                let bytes = response.bytes().await?;
                let wire: WireCompletion = llm_core::decode_json(&bytes, status)?;
                Ok(Some(ChatCompletionChunk::from_completion(
                    wire.into_completion(),
                )))
            }))
        };
        Ok(Self { state, redactor })
    }

    /// Reads the rest of the stream and joins the chunks into one [`ChatCompletion`]
    /// (content concatenated per choice, last `finish_reason` and `usage` kept).
    ///
    /// # Errors
    /// The first `Err` item of the stream.
    ///
    /// ```no_run
    /// # use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage};
    /// # async fn run() -> aligneai::Result<()> {
    /// # let client = AligneAI::from_env()?;
    /// # let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// let stream = client.chat().completions().create_stream(request).await?;
    /// let completion = stream.collect_completion().await?;
    /// println!("{}", completion.text().unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub async fn collect_completion(mut self) -> Result<ChatCompletion> {
        let mut acc = ChunkAccumulator::default();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            acc.push(chunk?);
        }
        Ok(acc.finish())
    }

    /// Just the text: a stream of the non-empty content pieces of the first choice.
    ///
    /// ```no_run
    /// # use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage};
    /// use futures_util::TryStreamExt;
    /// # async fn run() -> aligneai::Result<()> {
    /// # let client = AligneAI::from_env()?;
    /// # let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// let stream = client.chat().completions().create_stream(request).await?;
    /// let pieces: Vec<String> = stream.text().try_collect().await?;
    /// # let _ = pieces; Ok(()) }
    /// ```
    pub fn text(self) -> TextStream {
        TextStream { inner: self }
    }

    /// Maps one SSE event.
    fn map_event(event: Event) -> Result<Mapped> {
        let data = event.data().trim();
        if data.is_empty() {
            return Ok(Mapped::Skip);
        }
        if data == "[DONE]" {
            return Ok(Mapped::Done);
        }
        if event.event() == "error" {
            return Err(stream_error(data));
        }
        let wire: WireCompletion = match serde_json::from_str(data) {
            Ok(wire) => wire,
            // An unknown event type with a payload we do not know: skip it.
            Err(_) if event.event() != "message" => return Ok(Mapped::Skip),
            Err(e) => {
                return Err(Error::decode(
                    "a streamed chat chunk is not the expected JSON",
                    e,
                ))
            }
        };
        if let Some(message) = wire.stream_error() {
            return Err(stream_error(&message));
        }
        Ok(Mapped::Chunk(wire.into_chunk()))
    }
}

fn stream_error(message: &str) -> Error {
    let message: String = message.chars().take(500).collect();
    Error::with_message(
        ErrorKind::Stream,
        format!("the server sent an error in the stream: {message}"),
    )
}

impl Stream for ChatCompletionStream {
    type Item = Result<ChatCompletionChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match &mut self.state {
                State::Done => return Poll::Ready(None),
                State::Body(body) => {
                    let result = ready!(body.as_mut().poll(cx));
                    self.state = State::Done;
                    let result = result.map_err(|err| self.redactor.redact(err));
                    return Poll::Ready(result.transpose());
                }
                State::Events(events) => {
                    let item = ready!(events.as_mut().poll_next(cx));
                    let mapped = match item {
                        None => Ok(Mapped::Done),
                        Some(Err(err)) => Err(err),
                        Some(Ok(event)) => Self::map_event(event),
                    };
                    match mapped {
                        Ok(Mapped::Skip) => continue,
                        Ok(Mapped::Chunk(chunk)) => return Poll::Ready(Some(Ok(chunk))),
                        Ok(Mapped::Done) => {
                            // Drops the body, releasing the connection.
                            self.state = State::Done;
                            return Poll::Ready(None);
                        }
                        Err(err) => {
                            self.state = State::Done;
                            return Poll::Ready(Some(Err(self.redactor.redact(err))));
                        }
                    }
                }
            }
        }
    }
}

/// The text pieces of a [`ChatCompletionStream`], from [`ChatCompletionStream::text`]:
/// the non-empty content of the first choice of each chunk. Errors are passed through.
#[derive(Debug)]
pub struct TextStream {
    inner: ChatCompletionStream,
}

impl Stream for TextStream {
    type Item = Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                Some(Ok(chunk)) => {
                    let text = chunk
                        .choices
                        .into_iter()
                        .next()
                        .and_then(|c| c.delta.content)
                        .filter(|t| !t.is_empty());
                    if let Some(text) = text {
                        return Poll::Ready(Some(Ok(text)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_stream<T: Stream + Send + Unpin + 'static>() {}

    #[test]
    fn streams_are_send_unpin_static() {
        assert_stream::<ChatCompletionStream>();
        assert_stream::<TextStream>();
    }

    #[test]
    fn event_mapping() {
        let map =
            |event: &str, data: &str| ChatCompletionStream::map_event(Event::new(event, data));
        assert!(matches!(map("", "[DONE]"), Ok(Mapped::Done)));
        assert!(matches!(map("", " "), Ok(Mapped::Skip)));
        assert!(matches!(map("ping", "{not json"), Ok(Mapped::Skip)));
        assert!(map("", "{not json").unwrap_err().is_decode());
        assert_eq!(
            map("error", "boom").err().map(|e| e.kind()),
            Some(ErrorKind::Stream)
        );
        assert_eq!(
            map("", r#"{"error":"overloaded"}"#).err().map(|e| e.kind()),
            Some(ErrorKind::Stream)
        );
        match map("", r#"{"choices":[{"delta":{"content":"x"}}]}"#) {
            Ok(Mapped::Chunk(chunk)) => assert_eq!(chunk.text(), Some("x")),
            _ => panic!("expected a chunk"),
        }
    }
}
