//! One dispatched Server-Sent Event.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use bytestring::ByteString;

/// The event type used when an event has no (or an empty) `event:` field.
const DEFAULT_EVENT_TYPE: &str = "message";

/// One event of a `text/event-stream` body, as dispatched by a blank line.
///
/// ```
/// use llm_core::sse::Event;
/// use std::time::Duration;
///
/// let event = Event::new("delta", "{\"text\":\"hi\"}")
///     .with_id("7")
///     .with_retry(Duration::from_millis(1500));
/// assert_eq!(event.event(), "delta");
/// assert_eq!(event.data(), "{\"text\":\"hi\"}");
/// assert_eq!(event.id(), Some("7"));
/// assert_eq!(event.retry(), Some(Duration::from_millis(1500)));
/// ```
///
/// The data of a decoded event whose one `data:` line lay inside one input chunk is a
/// slice of that chunk (validated as UTF-8 once, not copied): see
/// [`data_bytes`](Self::data_bytes). Such an event keeps its chunk's memory alive while it
/// lives; to keep many small events for long, take their data with
/// [`into_data`](Self::into_data), which copies it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `None` for the default type, `"message"` (so equal events compare equal).
    event: Option<String>,
    data: Data,
    id: Option<String>,
    retry: Option<Duration>,
}

impl Event {
    /// An event of type `event` (an empty type means `"message"`, as on the wire) carrying
    /// `data`; for tests and emulators.
    ///
    /// ```
    /// use llm_core::sse::Event;
    ///
    /// assert_eq!(Event::new("", "x"), Event::new("message", "x"));
    /// assert_eq!(Event::new("ping", "").event(), "ping");
    /// ```
    pub fn new(event: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            event: normalize(Some(event.into())),
            data: Data::Owned(data.into()),
            id: None,
            retry: None,
        }
    }

    /// Builds an event from decoded parts; `event` is `None` for the default type.
    pub(crate) fn from_parts(
        event: Option<String>,
        data: Data,
        id: Option<String>,
        retry: Option<Duration>,
    ) -> Self {
        Self {
            event: normalize(event),
            data,
            id,
            retry,
        }
    }

    /// Sets the `id` field of this event.
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// assert_eq!(Event::new("message", "x").with_id("42").id(), Some("42"));
    /// ```
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the `retry` field (the reconnection time) of this event.
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// use std::time::Duration;
    /// let event = Event::new("message", "x").with_retry(Duration::from_secs(3));
    /// assert_eq!(event.retry(), Some(Duration::from_secs(3)));
    /// ```
    #[must_use]
    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The event type: the last `event:` field of the event, or `"message"` when it had none
    /// (or an empty one).
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// assert_eq!(Event::new("", "x").event(), "message");
    /// ```
    pub fn event(&self) -> &str {
        self.event.as_deref().unwrap_or(DEFAULT_EVENT_TYPE)
    }

    /// The data: the values of all `data:` lines of the event joined with `"\n"`.
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// assert_eq!(Event::new("message", "a\nb").data(), "a\nb");
    /// ```
    pub fn data(&self) -> &str {
        self.data.as_str()
    }

    /// The data as [`Bytes`]. When the event's one `data:` line arrived inside one input
    /// chunk, this shares that chunk's memory (a reference count, no copy); when the data
    /// was assembled (several `data:` lines, a line split across chunks, or an event built
    /// with [`Event::new`]) it is copied. [`into_data_bytes`](Self::into_data_bytes) never
    /// copies.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::sse::SseDecoder;
    ///
    /// let chunk = Bytes::from_static(b"data: {\"text\":\"hi\"}\n\n");
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(chunk.clone());
    /// let data = decoder.next_event().unwrap().unwrap().data_bytes();
    /// assert_eq!(data, "{\"text\":\"hi\"}");
    /// // The same memory as the chunk, 6 bytes in (after `data: `):
    /// assert_eq!(data.as_ptr(), chunk[6..].as_ptr());
    /// ```
    pub fn data_bytes(&self) -> Bytes {
        match &self.data {
            Data::Shared(data) => data.as_bytes().clone(),
            Data::Owned(data) => Bytes::copy_from_slice(data.as_bytes()),
        }
    }

    /// Takes the data as [`Bytes`] without copying it: the slice of the input chunk when
    /// the data lay inside one chunk (see [`data_bytes`](Self::data_bytes)), else the
    /// assembled buffer itself.
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// let data = Event::new("message", "a\nb").into_data_bytes();
    /// assert_eq!(data, "a\nb");
    /// ```
    pub fn into_data_bytes(self) -> Bytes {
        match self.data {
            Data::Shared(data) => data.into_bytes(),
            Data::Owned(data) => Bytes::from(data),
        }
    }

    /// The value of this event's own `id:` field (the last one, if it had several), or
    /// `None` when it had none.
    ///
    /// The spec's "last event ID", which carries over to later events, is kept by the
    /// decoder: see [`SseDecoder::last_event_id`](crate::sse::SseDecoder::last_event_id).
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// assert_eq!(Event::new("message", "x").id(), None);
    /// ```
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The reconnection time of this event's valid `retry:` field (milliseconds on the
    /// wire), if it had one.
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// assert_eq!(Event::new("message", "x").retry(), None);
    /// ```
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Takes the data as a `String`. This moves the buffer of assembled data (several
    /// `data:` lines, a line split across chunks, [`Event::new`]) and copies data that is a
    /// slice of an input chunk (see [`data_bytes`](Self::data_bytes)), which also lets go
    /// of that chunk; [`into_data_bytes`](Self::into_data_bytes) never copies.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::sse::{Event, SseDecoder};
    ///
    /// let data: String = Event::new("message", "[DONE]").into_data();
    /// assert_eq!(data, "[DONE]");
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(Bytes::from_static(b"data: [DONE]\n\n"));
    /// let data: String = decoder.next_event().unwrap().unwrap().into_data(); // a copy
    /// assert_eq!(data, "[DONE]");
    /// ```
    pub fn into_data(self) -> String {
        match self.data {
            Data::Shared(data) => data.to_string(),
            Data::Owned(data) => data,
        }
    }
}

/// The data of an event: a validated UTF-8 slice of an input chunk, or an assembled
/// `String`. Equality and `Debug` look at the text only, so an event compares (and prints)
/// the same whichever way it was built.
#[derive(Clone)]
pub(crate) enum Data {
    /// One `data:` line that lay inside one input chunk (`ByteString` keeps the UTF-8
    /// validated once, so reading it as `&str` does not check again).
    Shared(ByteString),
    /// Data copied together from several lines or chunks, or given to [`Event::new`].
    Owned(String),
}

impl Data {
    fn as_str(&self) -> &str {
        match self {
            Data::Shared(data) => data,
            Data::Owned(data) => data,
        }
    }
}

impl PartialEq for Data {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Data {}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The stored form of an event type: `None` for the default (empty or `"message"`).
fn normalize(event: Option<String>) -> Option<String> {
    event.filter(|event| !event.is_empty() && event != DEFAULT_EVENT_TYPE)
}
