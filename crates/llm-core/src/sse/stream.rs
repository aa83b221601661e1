//! [`EventStream`]: the decoder driven by a body stream.

use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_core::{FusedStream, Stream};
use pin_project_lite::pin_project;

use super::{Event, SseDecoder};
use crate::Error;

pin_project! {
    /// A [`Stream`] of the [`Event`]s of a `text/event-stream` body (a stream of byte
    /// chunks, such as `reqwest::Response::bytes_stream()`).
    ///
    /// - It pulls: the body is polled only when no complete event is buffered, so there is
    ///   no background task and no unbounded buffer, and a slow consumer slows the sender.
    /// - Body errors and decode errors are yielded as `Err` items; after the first `Err`
    ///   the stream ends (yields `None`).
    /// - At the end of the body, an incomplete pending event is an
    ///   [`ErrorKind::Stream`](crate::ErrorKind::Stream) error (the partial event itself is
    ///   not yielded).
    /// - The body is dropped as soon as the stream ends, and when the stream is dropped,
    ///   which releases the connection.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_util::{stream, StreamExt};
    /// use llm_core::sse::EventStream;
    ///
    /// # futures_executor::block_on(async {
    /// let chunks = ["data: {\"delta\":\"Hel", "lo\"}\n\n", "data: [DONE]\n\n"];
    /// let body = stream::iter(chunks.map(|c| Ok::<_, llm_core::Error>(Bytes::from(c))));
    /// let mut events = EventStream::new(body);
    /// while let Some(event) = events.next().await {
    ///     let event = event?;
    ///     if event.data() == "[DONE]" {
    ///         break;
    ///     }
    ///     assert_eq!(event.data(), "{\"delta\":\"Hello\"}");
    /// }
    /// # Ok::<(), llm_core::Error>(())
    /// # }).unwrap();
    /// ```
    pub struct EventStream<S> {
        #[pin]
        body: Option<S>,
        decoder: SseDecoder,
        done: bool,
    }
}

impl<S, E> EventStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<Error>,
{
    /// Decodes `body` with the [default size cap](SseDecoder::DEFAULT_MAX_EVENT_SIZE).
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_util::stream;
    /// use llm_core::sse::EventStream;
    ///
    /// let body = stream::iter([Ok::<_, llm_core::Error>(Bytes::from_static(b"data: x\n\n"))]);
    /// let events = EventStream::new(body);
    /// ```
    pub fn new(body: S) -> Self {
        Self::with_max_event_size(body, SseDecoder::DEFAULT_MAX_EVENT_SIZE)
    }

    /// Decodes `body`, failing any event larger than `bytes`.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_executor::block_on;
    /// use futures_util::{stream, StreamExt};
    /// use llm_core::{sse::EventStream, ErrorKind};
    ///
    /// let body = stream::iter([Ok::<_, llm_core::Error>(Bytes::from(vec![b'x'; 100]))]);
    /// let mut events = EventStream::with_max_event_size(body, 64);
    /// let err = block_on(events.next()).unwrap().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    /// assert!(block_on(events.next()).is_none());
    /// ```
    pub fn with_max_event_size(body: S, bytes: usize) -> Self {
        Self {
            body: Some(body),
            decoder: SseDecoder::with_max_event_size(bytes),
            done: false,
        }
    }
}

impl<S> EventStream<S> {
    /// The spec's "last event ID" seen so far (to send as `Last-Event-ID` on a reconnect).
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_executor::block_on;
    /// use futures_util::{stream, StreamExt};
    /// use llm_core::sse::EventStream;
    ///
    /// let body = stream::iter([Ok::<_, llm_core::Error>(Bytes::from_static(b"id: 9\ndata: x\n\n"))]);
    /// let mut events = EventStream::new(body);
    /// block_on(events.next());
    /// assert_eq!(events.last_event_id(), Some("9"));
    /// ```
    pub fn last_event_id(&self) -> Option<&str> {
        self.decoder.last_event_id()
    }

    /// The reconnection time of the last valid `retry` field seen, if any.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_util::stream;
    /// use llm_core::sse::EventStream;
    ///
    /// let body = stream::iter([Ok::<_, llm_core::Error>(Bytes::new())]);
    /// assert_eq!(EventStream::new(body).retry(), None);
    /// ```
    pub fn retry(&self) -> Option<std::time::Duration> {
        self.decoder.retry()
    }
}

impl<S, E> Stream for EventStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<Error>,
{
    type Item = Result<Event, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        loop {
            match this.decoder.next_event() {
                Ok(Some(event)) => return Poll::Ready(Some(Ok(event))),
                Ok(None) => {}
                Err(err) => return end(this.body, this.done, Some(err)),
            }
            let Some(body) = this.body.as_mut().as_pin_mut() else {
                *this.done = true;
                return Poll::Ready(None);
            };
            match ready!(body.poll_next(cx)) {
                Some(Ok(chunk)) => this.decoder.push(chunk),
                Some(Err(err)) => return end(this.body, this.done, Some(err.into())),
                None => {
                    let result = this.decoder.finish().err();
                    return end(this.body, this.done, result);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            (0, Some(0))
        } else {
            (0, None)
        }
    }
}

/// Ends the stream: drops the body (releasing the connection) and yields `err`, if any.
fn end<S>(
    mut body: Pin<&mut Option<S>>,
    done: &mut bool,
    err: Option<Error>,
) -> Poll<Option<Result<Event, Error>>> {
    body.set(None);
    *done = true;
    Poll::Ready(err.map(Err))
}

impl<S, E> FusedStream for EventStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<Error>,
{
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<S> fmt::Debug for EventStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("decoder", &self.decoder)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
