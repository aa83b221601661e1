//! One dispatched Server-Sent Event.

use std::time::Duration;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `None` for the default type, `"message"` (so equal events compare equal).
    event: Option<String>,
    data: String,
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
            data: data.into(),
            id: None,
            retry: None,
        }
    }

    /// Builds an event from decoded parts; `event` is `None` for the default type.
    pub(crate) fn from_parts(
        event: Option<String>,
        data: String,
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
        &self.data
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

    /// Takes the data without copying it.
    ///
    /// ```
    /// use llm_core::sse::Event;
    /// let data: String = Event::new("message", "[DONE]").into_data();
    /// assert_eq!(data, "[DONE]");
    /// ```
    pub fn into_data(self) -> String {
        self.data
    }
}

/// The stored form of an event type: `None` for the default (empty or `"message"`).
fn normalize(event: Option<String>) -> Option<String> {
    event.filter(|event| !event.is_empty() && event != DEFAULT_EVENT_TYPE)
}
