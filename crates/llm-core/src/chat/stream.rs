//! [`ChatCompletionStream`]: a provider's SSE events mapped to typed chunks, the
//! non-SSE answers (one JSON completion, plain text) folded into the same stream, and its
//! helpers ([`TextStream`], collection into a [`ChatCompletion`]).
//!
//! Every stream rule lives here, once, for every provider: `[DONE]`, `event: error` (with
//! or without data), error payloads, unknown event types, several chunks in one event,
//! redaction of the credential, fusing and `size_hint`.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::{FusedStream, Stream};

use super::{ChatCompletion, ChatCompletionChunk, Choice, Message};
use crate::sse::Event;
use crate::sse::EventStream;
use crate::telemetry::Operation;
use crate::{
    ApiError, BodyKind, Error, ErrorKind, IdleTimeout, Replay, ResponseMeta, Result,
    StreamResponse, Transport,
};

/// The streamed answer of a provider's `chat().completions().create_stream(..)`: a
/// [`Stream`] of `Result<ChatCompletionChunk>`.
///
/// It is pulled straight from the response body (no background task, no unbounded buffer)
/// and is `Send + Unpin + 'static`. Dropping it closes the connection.
///
/// What it accepts (neither provider documents its stream format):
/// - `data: {json}` events whose chunk carries `message`, `delta` or both (or a plain
///   `text`);
/// - an optional `data: [DONE]` sentinel, or the end of the body without one;
/// - comments (`: keep-alive`), `event:`/`id:`/`retry:` fields, CR/LF/CRLF line ends,
///   events of other types whose data is not a chunk (pings), which are skipped;
/// - several JSON chunks on consecutive `data:` lines of one event;
/// - a final chunk with only a finish reason or usage (it is yielded, not dropped);
/// - instead of a stream, one plain JSON completion (yielded as one chunk) or a
///   `text/plain` body (yielded as one chunk holding the text).
///
/// What it reports as `Err` items, after which it ends:
/// - a `data:` payload that is not a valid chunk ([`ErrorKind::Decode`]);
/// - an `event: error` (with or without data), or a payload with an `error` field and no
///   `choices` ([`ErrorKind::Stream`], the server's message kept, the credential removed);
/// - a body cut mid-event ([`ErrorKind::Stream`]), a reset connection
///   ([`ErrorKind::Connection`]) or the idle timeout ([`ErrorKind::Timeout`]).
///
/// ```
/// use futures_util::StreamExt;
/// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
///
/// # futures_executor::block_on(async {
/// let mut stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
/// assert_eq!(stream.next().await.unwrap()?.content(), "Hi");
/// assert!(stream.next().await.is_none());
/// # Ok::<(), llm_core::Error>(()) }).unwrap();
/// ```
pub struct ChatCompletionStream {
    /// The SSE chunks, under the idle timeout (which counts delivered chunks only).
    chunks: Option<Pin<Box<IdleTimeout<SseChunks>>>>,
    /// Chunks of an answer delivered whole.
    pending: VecDeque<ChatCompletionChunk>,
    /// The call's total deadline, when it has one.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The most answer text [`collect_completion`](Self::collect_completion) holds.
    max_collected: usize,
    /// The response's metadata, for a stream read from a response.
    meta: Option<ResponseMeta>,
    /// The operation's telemetry, ended with the stream.
    operation: Option<Operation>,
}

impl fmt::Debug for ChatCompletionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatCompletionStream")
            .field("open", &self.chunks.is_some())
            .field("pending", &self.pending.len())
            .field("deadline", &self.deadline.is_some())
            .finish()
    }
}

impl ChatCompletionStream {
    /// Reads a streaming response of whatever kind [`StreamResponse::sniff`] finds: SSE
    /// events are mapped to chunks; a JSON body is decoded as one [`ChatCompletion`] and
    /// yielded as one chunk; a plain-text body is read whole into one text chunk.
    /// `redactor` removes its credential from every error.
    ///
    /// # Errors
    /// For a non-SSE body: connection, timeout, size and [`ErrorKind::Decode`] errors of
    /// reading it (an SSE body reports its errors as stream items instead).
    pub async fn from_response(mut response: StreamResponse, redactor: &Transport) -> Result<Self> {
        let status = response.status();
        let meta = response.meta();
        let kind = match response.sniff().await {
            Ok(kind) => kind,
            Err(err) => return Err(redactor.redact(err)),
        };
        let limits = response.limits();
        if kind != BodyKind::EventStream {
            let chunk = read_whole(response, status, kind == BodyKind::Text)
                .await
                .map_err(|err| redactor.redact(err))?;
            let mut stream = chunk.map_or_else(Self::empty, Self::from_chunk);
            stream.meta = Some(meta);
            return Ok(stream);
        }
        let chunks = SseChunks {
            events: response.event_stream(),
            pending: VecDeque::new(),
            redactor: redactor.clone(),
            done: false,
        };
        Ok(Self {
            chunks: Some(Box::pin(IdleTimeout::new(chunks, limits.idle_timeout))),
            pending: VecDeque::new(),
            deadline: limits
                .deadline
                .map(|deadline| Box::pin(tokio::time::sleep_until(deadline))),
            max_collected: limits.max_response_size,
            meta: Some(meta),
            operation: None,
        })
    }

    /// The stream with `operation`'s telemetry: each chunk is recorded on it, and it ends
    /// (its span closes) when the stream ends, fails or is dropped.
    pub(crate) fn with_operation(mut self, operation: Operation) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Records a polled item on the operation; the last one ends it.
    fn observe(&mut self, item: Option<&Result<ChatCompletionChunk>>) {
        let Some(operation) = self.operation.as_mut() else {
            return;
        };
        match item {
            Some(Ok(chunk)) => operation.record_chunk(chunk),
            Some(Err(error)) => operation.record_error(error),
            None => self.operation = None,
        }
    }

    /// The metadata of the response this stream reads (status, headers with the credential
    /// redacted, request id, attempts until the headers arrived, elapsed time); `None` for
    /// a stream made from a chunk.
    ///
    /// ```
    /// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// assert!(stream.meta().is_none());
    /// ```
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.meta.as_ref()
    }

    /// A finished stream holding one chunk (a whole answer delivered at once).
    ///
    /// ```
    /// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// let completion = futures_executor::block_on(stream.collect_completion())?;
    /// assert_eq!(completion.content(), "Hi");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn from_chunk(chunk: ChatCompletionChunk) -> Self {
        Self {
            pending: VecDeque::from([chunk]),
            ..Self::empty()
        }
    }

    /// A finished stream without chunks.
    fn empty() -> Self {
        Self {
            chunks: None,
            pending: VecDeque::new(),
            deadline: None,
            max_collected: usize::MAX,
            meta: None,
            operation: None,
        }
    }

    /// Reads the whole stream and joins it into one [`ChatCompletion`]: the text of each
    /// choice concatenated, the last finish reason and usage kept, `object` set to
    /// `"chat.completion"`.
    ///
    /// The collected text is bounded by the client's `max_response_size`: an endless stream
    /// ends in an error instead of growing memory without bound.
    ///
    /// # Errors
    /// The first `Err` item of the stream, or [`ErrorKind::ResponseTooLarge`] when the
    /// collected text passes `max_response_size`.
    ///
    /// ```
    /// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    ///
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hello"));
    /// let completion = futures_executor::block_on(stream.collect_completion())?;
    /// assert_eq!(completion.content(), "Hello");
    /// assert_eq!(completion.object, "chat.completion");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub async fn collect_completion(mut self) -> Result<ChatCompletion> {
        let mut collector = Collector::new(self.max_collected);
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            collector.push(chunk?)?;
        }
        Ok(collector.finish())
    }

    /// Just the text: a stream of the non-empty `content` pieces of the first choice.
    ///
    /// ```
    /// use futures_util::TryStreamExt;
    /// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
    ///
    /// let stream = ChatCompletionStream::from_chunk(ChatCompletionChunk::from_text("Hi"));
    /// let pieces: Vec<String> = futures_executor::block_on(stream.text().try_collect())?;
    /// assert_eq!(pieces, ["Hi"]);
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn text(self) -> TextStream {
        TextStream { inner: self }
    }

    /// Ends the stream and drops the body (releasing the connection).
    fn close(&mut self) {
        self.chunks = None;
        self.deadline = None;
    }
}

impl Stream for ChatCompletionStream {
    type Item = Result<ChatCompletionChunk>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let polled = this.poll_chunk(cx);
        if let Poll::Ready(item) = &polled {
            this.observe(item.as_ref());
        }
        polled
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let pending = self.pending.len();
        match self.chunks {
            Some(_) => (pending, None),
            None => (pending, Some(pending)),
        }
    }
}

impl ChatCompletionStream {
    /// The next chunk: a pending one, else the next of the body, else the end.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<ChatCompletionChunk>>> {
        let this = self;
        if let Some(chunk) = this.pending.pop_front() {
            return Poll::Ready(Some(Ok(chunk)));
        }
        let Some(chunks) = this.chunks.as_mut() else {
            return Poll::Ready(None);
        };
        match chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk))),
            Poll::Ready(other) => {
                this.close();
                Poll::Ready(other)
            }
            Poll::Pending => {
                let expired = this
                    .deadline
                    .as_mut()
                    .is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
                if !expired {
                    return Poll::Pending;
                }
                this.close();
                Poll::Ready(Some(Err(Error::timeout(
                    "the stream did not finish within the total timeout",
                ))))
            }
        }
    }
}

/// The chunks of an SSE body: each event mapped by [`map_event`], errors redacted. It
/// loops over events that carry no chunk, so the idle timer around it counts delivered
/// chunks only.
struct SseChunks {
    events: EventStream<Replay>,
    pending: VecDeque<ChatCompletionChunk>,
    redactor: Transport,
    done: bool,
}

impl Stream for SseChunks {
    type Item = Result<ChatCompletionChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(chunk) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(chunk)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let mapped = match ready!(Pin::new(&mut this.events).poll_next(cx)) {
                Some(Ok(event)) => map_event(event),
                Some(Err(err)) => Err(err),
                None => Ok(Mapped::Done),
            };
            match mapped {
                Ok(Mapped::Skip) => {}
                Ok(Mapped::Done) => this.done = true,
                Ok(Mapped::One(chunk)) => return Poll::Ready(Some(Ok(chunk))),
                Ok(Mapped::Many(chunks, done)) => {
                    this.pending.extend(chunks);
                    this.done = done;
                }
                Err(err) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(this.redactor.redact(err))));
                }
            }
        }
    }
}

impl FusedStream for ChatCompletionStream {
    fn is_terminated(&self) -> bool {
        self.chunks.is_none() && self.pending.is_empty()
    }
}

/// Reads a non-SSE answer whole: raw text (`is_text`) or one JSON completion.
async fn read_whole(
    response: StreamResponse,
    status: u16,
    is_text: bool,
) -> Result<Option<ChatCompletionChunk>> {
    let body = response.bytes().await?;
    if is_text {
        let text = String::from_utf8(body.to_vec()).map_err(|err| {
            Error::decode("the streamed text is not valid UTF-8", err).with_status(status)
        })?;
        return Ok((!text.is_empty()).then(|| ChatCompletionChunk::from_text(text)));
    }
    let completion = super::call::decode_completion(&body, status)?;
    Ok(Some(ChatCompletionChunk::from(completion)))
}

/// What one SSE event means for the caller.
enum Mapped {
    /// Nothing to yield (comment-only, blank data, an unrelated event type).
    Skip,
    /// The `[DONE]` sentinel.
    Done,
    /// One chunk (the common case).
    One(ChatCompletionChunk),
    /// Several chunks from consecutive `data:` lines of one event, and whether `[DONE]`
    /// followed them.
    Many(Vec<ChatCompletionChunk>, bool),
}

/// Maps one SSE event: `message` events (and unknown types carrying chunk-shaped JSON) are
/// chunks, `error` events are errors, anything else is skipped.
fn map_event(event: Event) -> Result<Mapped> {
    let data = trim(event.data());
    if event.event() == "error" {
        return Err(stream_error(data));
    }
    if data.is_empty() {
        return Ok(Mapped::Skip);
    }
    if data == "[DONE]" {
        return Ok(Mapped::Done);
    }
    let known_type = event.event() == "message";
    match parse_chunk(data) {
        Ok(Some(chunk)) => Ok(Mapped::One(chunk)),
        // JSON without `choices` in an event of another type (e.g. `event: ping`).
        Ok(None) if !known_type => Ok(Mapped::Skip),
        Ok(None) => Ok(Mapped::One(ChatCompletionChunk::default())),
        Err(_) if !known_type && !data.starts_with('{') => Ok(Mapped::Skip),
        Err(err) if data.contains('\n') => parse_lines(data).unwrap_or(Err(err)),
        Err(err) => Err(err),
    }
}

/// `data` without leading and trailing whitespace, as [`str::trim`], with a quick answer for
/// the usual data that starts and ends with printable ASCII: every whitespace character is
/// either ASCII up to a space, or starts with a byte of 0xC2 or more and ends with one of
/// 0x80 or more.
fn trim(data: &str) -> &str {
    let printable = |byte: Option<&u8>| byte.is_some_and(|&b| b > b' ' && b < 0x80);
    let bytes = data.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        data
    } else {
        data.trim()
    }
}

/// Parses one JSON chunk. `Ok(None)` is a JSON object without `choices` (nor `error`);
/// an object with `error` and no `choices` is the server reporting an error mid-stream.
fn parse_chunk(data: &str) -> Result<Option<ChatCompletionChunk>> {
    // Fast path, one pass straight into the typed chunk (`from_json`: the usual shape read
    // by hand, anything else by serde): every event of a healthy stream. A chunk that
    // parses with a non-empty `choices` did carry `choices`, so the general path below
    // would return the same value (it costs a `Value` tree plus a second pass, about 2x
    // the CPU of the whole event; see llm-bench). Anything else (no or empty `choices`,
    // an `error` object, invalid JSON) takes the general path, which tells those cases
    // apart. Only for objects: serde's derived struct decoding also accepts a JSON array
    // (fields by position), which the general path rejects.
    if data.starts_with('{') {
        if let Ok(chunk) = ChatCompletionChunk::from_json(data) {
            if !chunk.choices.is_empty() {
                return Ok(Some(chunk));
            }
        }
    }
    parse_chunk_value(data)
}

/// [`parse_chunk`] through a `serde_json::Value`, to look at the keys first.
fn parse_chunk_value(data: &str) -> Result<Option<ChatCompletionChunk>> {
    let decode = |err| Error::decode("a streamed chunk is not the expected JSON", err);
    let value: serde_json::Value = serde_json::from_str(data).map_err(decode)?;
    let Some(object) = value.as_object() else {
        return Err(Error::with_message(
            ErrorKind::Decode,
            "a streamed chunk is not a JSON object",
        ));
    };
    match (object.contains_key("choices"), object.contains_key("error")) {
        (false, true) => Err(stream_error(data)),
        (false, false) => Ok(None),
        (true, _) => serde_json::from_value(value).map(Some).map_err(decode),
    }
}

/// Several JSON chunks on the `data:` lines of one event (a server that separates chunks
/// by single newlines). `None` unless every line is a chunk, `[DONE]`, blank, or the
/// official client's skipped `/n` marker.
fn parse_lines(data: &str) -> Option<Result<Mapped>> {
    let mut chunks = Vec::new();
    let mut done = false;
    for line in data.lines().map(str::trim) {
        match line {
            "" | "/n" => {}
            "[DONE]" => done = true,
            _ if done => return None,
            _ => match parse_chunk(line) {
                Ok(Some(chunk)) => chunks.push(chunk),
                Ok(None) => chunks.push(ChatCompletionChunk::default()),
                Err(err) if err.kind() == ErrorKind::Stream => return Some(Err(err)),
                Err(_) => return None,
            },
        }
    }
    Some(Ok(Mapped::Many(chunks, done)))
}

/// An error the server reported inside a successful stream.
fn stream_error(data: &str) -> Error {
    let api = ApiError::parse(data.as_bytes());
    let message = match api.message.as_deref() {
        Some(message) => format!("the server reported an error mid-stream: {}", cap(message)),
        None => "the server reported an error mid-stream".to_owned(),
    };
    Error::with_message(ErrorKind::Stream, message)
}

/// At most 200 characters of a server message.
fn cap(message: &str) -> &str {
    match message.char_indices().nth(200) {
        Some((end, _)) => &message[..end],
        None => message,
    }
}

/// The text pieces of a [`ChatCompletionStream`], from
/// [`ChatCompletionStream::text`]: a [`Stream`] of `Result<String>` that skips chunks
/// without text (such as the final finish-reason chunk).
///
/// ```
/// use futures_util::StreamExt;
/// use llm_core::chat::{ChatCompletionChunk, ChatCompletionStream};
///
/// # futures_executor::block_on(async {
/// let mut text = ChatCompletionStream::from_chunk(ChatCompletionChunk::default()).text();
/// assert!(text.next().await.is_none()); // a chunk without text is skipped
/// # });
/// ```
#[derive(Debug)]
pub struct TextStream {
    inner: ChatCompletionStream,
}

impl Stream for TextStream {
    type Item = Result<String>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                Some(Ok(chunk)) => {
                    if let Some(text) = first_text(chunk) {
                        return Poll::Ready(Some(Ok(text)));
                    }
                }
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl FusedStream for TextStream {
    fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
    }
}

/// The non-empty text of the first choice of `chunk`.
pub(crate) fn first_text(chunk: ChatCompletionChunk) -> Option<String> {
    chunk
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.delta.content)
        .filter(|text| !text.is_empty())
}

/// Joins chunks into a [`ChatCompletion`], in time linear in the number of chunks (a map
/// from choice index to position, however many distinct indexes a server sends).
#[derive(Debug, Default)]
pub(crate) struct Collector {
    completion: ChatCompletion,
    positions: std::collections::HashMap<u32, usize>,
    /// Text bytes collected so far, and the most allowed.
    collected: usize,
    max_collected: usize,
}

impl Collector {
    pub(crate) fn new(max_collected: usize) -> Self {
        Self {
            max_collected,
            ..Self::default()
        }
    }

    /// Adds `chunk`.
    ///
    /// # Errors
    /// [`ErrorKind::ResponseTooLarge`] once the collected text passes the limit.
    pub(crate) fn push(&mut self, chunk: ChatCompletionChunk) -> Result<()> {
        let text: usize = chunk
            .choices
            .iter()
            .filter_map(|choice| choice.delta.content.as_ref())
            .map(String::len)
            .fold(0, usize::saturating_add);
        self.collected = self.collected.saturating_add(text);
        if self.collected > self.max_collected {
            return Err(Error::with_message(
                ErrorKind::ResponseTooLarge,
                format!(
                    "the collected answer is larger than the limit of {} bytes",
                    self.max_collected
                ),
            ));
        }
        let completion = &mut self.completion;
        if completion.id.is_empty() {
            completion.id = chunk.id;
        }
        if completion.model.is_empty() {
            completion.model = chunk.model;
        }
        if completion.created.is_none() {
            completion.created = chunk.created;
        }
        if chunk.usage.is_some() {
            completion.usage = chunk.usage;
        }
        for piece in chunk.choices {
            let next = completion.choices.len();
            let position = *self.positions.entry(piece.index).or_insert(next);
            if position == next {
                completion.choices.push(Choice {
                    index: piece.index,
                    message: Message::assistant(""),
                    finish_reason: None,
                });
            }
            let Some(choice) = completion.choices.get_mut(position) else {
                continue;
            };
            if let Some(role) = piece.delta.role {
                choice.message.role = role;
            }
            if let Some(text) = piece.delta.content {
                choice.message.content.push_str(&text);
            }
            if piece.finish_reason.is_some() {
                choice.finish_reason = piece.finish_reason;
            }
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> ChatCompletion {
        self.completion.object = "chat.completion".to_owned();
        self.completion.choices.sort_by_key(|choice| choice.index);
        self.completion
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn event(data: &str) -> Event {
        Event::new("message", data)
    }

    #[test]
    fn trim_is_str_trim() {
        let spaces = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace());
        for space in spaces.chain(['x', '{', '}', '\u{80}', '\u{e9}', '\u{FEFF}']) {
            for text in [
                format!("{space}{{}}"),
                format!("{{}}{space}"),
                format!("{space}"),
                format!("a{space}b"),
            ] {
                assert_eq!(trim(&text), text.trim(), "{text:?}");
            }
        }
        assert_eq!(trim(""), "");
    }

    #[test]
    fn maps_events() {
        assert!(matches!(map_event(event("")).unwrap(), Mapped::Skip));
        assert!(matches!(
            map_event(event(" [DONE] ")).unwrap(),
            Mapped::Done
        ));
        assert!(matches!(
            map_event(Event::new("ping", "{}")).unwrap(),
            Mapped::Skip
        ));
        assert!(matches!(
            map_event(Event::new("ping", "hi")).unwrap(),
            Mapped::Skip
        ));
        assert_eq!(
            map_event(event("{not json")).err().unwrap().kind(),
            ErrorKind::Decode
        );
        let err = map_event(event(r#"{"error":"Unauthenticated"}"#))
            .err()
            .unwrap();
        assert_eq!(err.kind(), ErrorKind::Stream);
        assert!(err.to_string().contains("Unauthenticated"));
        assert_eq!(
            map_event(Event::new("error", "boom")).err().unwrap().kind(),
            ErrorKind::Stream
        );
    }

    #[test]
    fn fast_path_agrees_with_the_general_path() {
        let cases = [
            r#"{"id":"a","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"x"},"message":{"role":"assistant","content":"y"},"finish_reason":null}]}"#,
            r#"{"choices":[{"message":{"content":"only message"}}],"created":"17","usage":{"total_tokens":3}}"#,
            r#"{"choices":[{"index":"2","delta":{"content":""},"finish_reason":"stop"}],"id":null}"#,
            r#"{"choices":[{"delta":{}}],"error":{"message":"both"}}"#,
            r#"{"choices":[],"id":"empty"}"#,
            r#"{"id":"no choices"}"#,
            r#"{"error":"Unauthenticated"}"#,
            r#"{"choices":[{"index":0}],"created":1e3}"#,
            r#"{"choices":"not a list"}"#,
            r#"[1,2]"#,
            r#"["id","chat.completion.chunk",1,"m",[{"delta":{"content":"positional"}}]]"#,
            "{not json",
        ];
        for data in cases {
            let fast = parse_chunk(data);
            let general = parse_chunk_value(data);
            match (&fast, &general) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{data}"),
                (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{data}"),
                _ => panic!("paths disagree on {data}: {fast:?} vs {general:?}"),
            }
        }
        let chunk = parse_chunk(cases[0]).unwrap().unwrap();
        assert_eq!(chunk.content(), "x");
    }

    #[test]
    fn several_chunks_in_one_event() {
        let data = "{\"choices\":[{\"message\":{\"content\":\"a\"}}]}\n/n\n{\"choices\":[{\"message\":{\"content\":\"b\"}}]}\n[DONE]";
        match map_event(event(data)).unwrap() {
            Mapped::Many(chunks, done) => {
                assert_eq!(chunks.len(), 2);
                assert_eq!(chunks[1].content(), "b");
                assert!(done);
            }
            _ => panic!("expected several chunks"),
        }
        let bad = "{\"choices\":[]}\n{broken";
        assert_eq!(
            map_event(event(bad)).err().unwrap().kind(),
            ErrorKind::Decode
        );
    }

    #[test]
    fn collector_joins_pieces() {
        let mut c = Collector::new(usize::MAX);
        for json in [
            r#"{"id":"1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"#,
            r#"{"id":"1","choices":[{"index":0,"message":{"content":"lo"}}]}"#,
            r#"{"id":"1","choices":[{"index":0,"finish_reason":"stop","delta":{}}],"usage":{"total_tokens":3}}"#,
        ] {
            c.push(serde_json::from_str(json).unwrap()).unwrap();
        }
        let done = c.finish();
        assert_eq!(done.content(), "Hello");
        assert_eq!(done.id, "1");
        assert_eq!(done.model, "m");
        assert_eq!(done.object, "chat.completion");
        assert_eq!(
            done.choices[0].finish_reason,
            Some(super::super::FinishReason::Stop)
        );
        assert_eq!(done.usage.unwrap().total_tokens, 3);
    }

    #[test]
    fn collector_is_linear_and_bounded() {
        // 100,000 distinct choice indexes: linear (a map), not a scan per chunk.
        let mut c = Collector::new(usize::MAX);
        for index in 0..100_000u32 {
            let json = format!(r#"{{"choices":[{{"index":{index},"delta":{{"content":"x"}}}}]}}"#);
            c.push(serde_json::from_str(&json).unwrap()).unwrap();
        }
        assert_eq!(c.finish().choices.len(), 100_000);
        let mut small = Collector::new(4);
        let chunk = || ChatCompletionChunk::from_text("abc");
        small.push(chunk()).unwrap();
        let err = small.push(chunk()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    }

    fn assert_traits<T: Send + Unpin + 'static>() {}

    #[test]
    fn streams_are_send_unpin_static() {
        assert_traits::<ChatCompletionStream>();
        assert_traits::<TextStream>();
    }
}
