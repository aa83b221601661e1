//! Reading response bodies within limits, and streamed responses.

use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use reqwest::header::{HeaderMap, CONTENT_TYPE};

use super::IdleTimeout;
use crate::sse::EventStream;
use crate::{Error, ErrorKind, Result};

/// A boxed body of byte chunks.
pub type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// The events of a streamed response: SSE-decoded, with the stream idle timeout applied.
pub type Events = IdleTimeout<EventStream<Replay>>;

/// Reads the whole body, failing with [`ErrorKind::ResponseTooLarge`] past `cap` bytes
/// (without reading further).
pub(crate) async fn read_capped(response: &mut reqwest::Response, cap: usize) -> Result<Bytes> {
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(too_large(cap));
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > cap {
        return Err(too_large(cap));
    }
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    // The chunks are kept as they come (slices of the connection's read buffer) and joined
    // once at the end into a buffer of the exact size, as reqwest's `Response::bytes`
    // does. Copying each chunk into a growing buffer, or one sized by `Content-Length`,
    // costs the same instructions but made the heap top shrink and grow again around
    // each response (glibc trimming; `llm-bench` embeddings rows, 4-6 % more CPU).
    let mut len = first.len();
    let mut chunks = vec![first];
    let mut next = Some(second);
    while let Some(chunk) = next {
        len = len.saturating_add(chunk.len());
        if len > cap {
            return Err(too_large(cap));
        }
        chunks.push(chunk);
        next = response.chunk().await?;
    }
    let mut buf = BytesMut::with_capacity(len);
    for chunk in &chunks {
        buf.extend_from_slice(chunk);
    }
    Ok(buf.freeze())
}

/// The first bytes of an error body, and why the read stopped early (if it did).
#[derive(Debug)]
pub(crate) struct Prefix {
    /// What arrived, at most the cap.
    pub(crate) bytes: Bytes,
    /// `Some` when the body stalled past the bound or the connection broke.
    pub(crate) problem: Option<String>,
}

/// Reads at most `cap` bytes of an error body within `limit`; the rest is not read. A body
/// that stalls or breaks gives what arrived so far and a description of the problem (never
/// an error: the status already says what happened).
pub(crate) async fn read_prefix(
    response: &mut reqwest::Response,
    cap: usize,
    limit: Duration,
) -> Prefix {
    let mut buf = BytesMut::new();
    let read = async {
        while buf.len() < cap {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let take = chunk.len().min(cap.saturating_sub(buf.len()));
                    buf.extend_from_slice(chunk.get(..take).unwrap_or_default());
                }
                Ok(None) => return None,
                Err(_) => {
                    return Some("the connection broke while reading the error body".to_owned())
                }
            }
        }
        None
    };
    let problem = tokio::time::timeout(limit, read)
        .await
        .unwrap_or_else(|_| Some(format!("the error body did not arrive within {limit:?}")));
    Prefix {
        bytes: buf.freeze(),
        problem,
    }
}

fn too_large(cap: usize) -> Error {
    Error::with_message(
        ErrorKind::ResponseTooLarge,
        format!("the response body is larger than the limit of {cap} bytes"),
    )
}

/// A successful response to a streaming request, headers read, body not yet.
///
/// Servers sometimes answer a streaming request with one plain JSON body (PeakPrivacy does
/// when anonymisation forces streaming off); [`is_event_stream`](Self::is_event_stream)
/// and [`sniff_event_stream`](Self::sniff_event_stream) tell the two apart.
#[derive(Debug)]
pub struct StreamResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Replay,
    pub(crate) idle_timeout: Duration,
    /// The call's total deadline, which bounds the whole stream.
    pub(crate) deadline: Option<Instant>,
    /// When a body read whole must be complete (attempt timeout and total deadline).
    pub(crate) read_deadline: Option<Instant>,
    pub(crate) max_event_size: usize,
    pub(crate) max_response_size: usize,
    /// How many attempts the call made, the successful one included.
    pub(crate) attempts: u32,
    /// Time from the first attempt's start until the response headers arrived.
    pub(crate) elapsed: Duration,
}

impl StreamResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response's metadata: status, headers (credential redacted), request id,
    /// attempts until the headers arrived, and the time that took.
    pub fn meta(&self) -> super::ResponseMeta {
        super::ResponseMeta::new(
            self.status,
            self.headers.clone(),
            self.attempts,
            self.elapsed,
        )
    }

    /// The `Content-Type` header, when present and valid text.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// True when the `Content-Type` says `text/event-stream`.
    pub fn is_event_stream(&self) -> bool {
        self.content_type()
            .is_some_and(|ct| ct.trim_start().starts_with("text/event-stream"))
    }

    /// Decides what the body of a streaming call is, whatever the `Content-Type` claims:
    /// `application/json` is JSON; a body whose first non-blank byte is `{` or `[` is JSON
    /// (even when labelled `text/event-stream`: a server answering with one completion or
    /// one error object must not look like an empty stream); otherwise `text/event-stream`
    /// is SSE, a `text/plain` body is SSE when it starts with an SSE field (`data:`,
    /// `event:`, `id:`, `retry:` or a `:` comment) and plain text when not, and anything
    /// else is SSE. The peeked bytes are kept for reading. The peek is bounded by the idle
    /// timeout and the call's deadlines.
    ///
    /// # Errors
    /// A connection error, or the idle timeout while peeking.
    pub async fn sniff(&mut self) -> Result<BodyKind> {
        let content_type = self.content_type().map(str::to_ascii_lowercase);
        if content_type
            .as_deref()
            .is_some_and(|ct| ct.contains("application/json"))
        {
            return Ok(BodyKind::Json);
        }
        let start = within(
            self.idle_timeout,
            self.read_deadline,
            self.body.peek_start(7, self.max_response_size),
        )
        .await
        .ok_or_else(|| Error::timeout("no response body within the stream idle timeout"))??;
        // No event stream starts with `{` or `[` (it would be a field of that name): such
        // a body is one JSON answer, whatever the Content-Type says.
        if matches!(start.first(), Some(b'{' | b'[')) {
            return Ok(BodyKind::Json);
        }
        if self.is_event_stream() {
            return Ok(BodyKind::EventStream);
        }
        let is_text = content_type
            .as_deref()
            .is_some_and(|ct| ct.trim_start().starts_with("text/plain"));
        let sse_field = [&b"data:"[..], b"event:", b"id:", b"retry:", b":"]
            .iter()
            .any(|field| start.starts_with(field));
        Ok(if is_text && !sse_field && !start.is_empty() {
            BodyKind::Text
        } else {
            BodyKind::EventStream
        })
    }

    /// True when [`sniff`](Self::sniff) finds an event stream.
    ///
    /// # Errors
    /// As [`sniff`](Self::sniff).
    pub async fn sniff_event_stream(&mut self) -> Result<bool> {
        Ok(self.sniff().await? == BodyKind::EventStream)
    }

    /// The body as SSE events, with the stream idle timeout applied.
    pub fn events(self) -> Events {
        let events = EventStream::with_max_event_size(self.body, self.max_event_size);
        IdleTimeout::new(events, self.idle_timeout)
    }

    /// The body as raw SSE events, without timers (callers that map events apply the idle
    /// timeout to what they deliver, and the deadline from [`limits`](Self::limits)).
    pub fn event_stream(self) -> EventStream<Replay> {
        EventStream::with_max_event_size(self.body, self.max_event_size)
    }

    /// The stream idle timeout, total deadline and size limit of this call.
    pub fn limits(&self) -> StreamLimits {
        StreamLimits {
            idle_timeout: self.idle_timeout,
            deadline: self.deadline,
            max_response_size: self.max_response_size,
        }
    }

    /// Reads the whole body (capped at the client's maximum response size), each read
    /// bounded by the stream idle timeout and the whole read by the attempt timeout and
    /// the call's total deadline.
    ///
    /// # Errors
    /// Connection, timeout or [`ErrorKind::ResponseTooLarge`] errors.
    pub async fn bytes(mut self) -> Result<Bytes> {
        let mut buf = BytesMut::new();
        loop {
            let next = within(
                self.idle_timeout,
                self.read_deadline,
                self.body.next_chunk(),
            )
            .await
            .ok_or_else(|| Error::timeout("the response body stalled or took too long"))?;
            match next? {
                Some(chunk) => {
                    if buf.len().saturating_add(chunk.len()) > self.max_response_size {
                        return Err(too_large(self.max_response_size));
                    }
                    buf.extend_from_slice(&chunk);
                }
                None => return Ok(buf.freeze()),
            }
        }
    }
}

/// The limits a streamed answer is read under (see [`StreamResponse::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamLimits {
    /// The longest silence between two delivered items.
    pub idle_timeout: Duration,
    /// The call's total deadline, if any.
    pub deadline: Option<Instant>,
    /// The most bytes of answer to hold in memory (also for collected text).
    pub max_response_size: usize,
}

/// Runs `future` within `idle` and before `deadline`; `None` when either passes first.
/// Durations too large to represent mean "no limit" (`Duration::MAX` never panics).
async fn within<F: std::future::Future>(
    idle: Duration,
    deadline: Option<Instant>,
    future: F,
) -> Option<F::Output> {
    let idle_end = Instant::now().checked_add(idle);
    let end = match (idle_end, deadline) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match end {
        Some(end) => tokio::time::timeout_at(end, future).await.ok(),
        None => Some(future.await),
    }
}

/// What the body of a streaming call turned out to be (see [`StreamResponse::sniff`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// Server-Sent Events.
    EventStream,
    /// One JSON document (a server that answered without streaming).
    Json,
    /// Plain text (a server that streams raw text).
    Text,
}

pin_project_lite::pin_project! {
    /// A response body whose first chunk may have been peeked and is replayed first.
    pub struct Replay {
        peeked: Option<Bytes>,
        #[pin]
        body: ByteStream,
    }
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("peeked", &self.peeked.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

impl Replay {
    pub(crate) fn new(body: ByteStream) -> Self {
        Self { peeked: None, body }
    }

    async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        if let Some(chunk) = self.peeked.take() {
            return Ok(Some(chunk));
        }
        std::future::poll_fn(|cx| self.body.as_mut().poll_next(cx))
            .await
            .transpose()
            .map_err(Error::from)
    }

    /// Up to `len` bytes from the first non-whitespace byte on (fewer at the end of the
    /// body), buffering what was read so it is replayed whole. More than `cap` bytes of
    /// leading whitespace is [`ErrorKind::ResponseTooLarge`], so a server sending only
    /// blanks cannot grow memory without bound.
    async fn peek_start(&mut self, len: usize, cap: usize) -> Result<Bytes> {
        let mut buf = BytesMut::from(&self.peeked.take().unwrap_or_default()[..]);
        // Leading whitespace scanned so far: each byte is looked at once.
        let mut start = 0;
        let result = loop {
            let rest = buf.get(start..).unwrap_or_default();
            let blanks = rest
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            start = start.saturating_add(blanks);
            if start > cap {
                break Err(too_large(cap));
            }
            let available = buf.len().saturating_sub(start);
            if available >= len {
                break Ok((start, len));
            }
            match std::future::poll_fn(|cx| self.body.as_mut().poll_next(cx)).await {
                Some(Ok(more)) => buf.extend_from_slice(&more),
                Some(Err(err)) => break Err(Error::from(err)),
                None => break Ok((start, available)),
            }
        };
        let peeked = buf.freeze();
        self.peeked = (!peeked.is_empty()).then(|| peeked.clone());
        let (start, n) = result?;
        Ok(peeked.slice(start..start.saturating_add(n)))
    }
}

impl Stream for Replay {
    type Item = reqwest::Result<Bytes>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.project();
        if let Some(chunk) = this.peeked.take() {
            return std::task::Poll::Ready(Some(Ok(chunk)));
        }
        this.body.poll_next(cx)
    }
}
