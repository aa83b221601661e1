//! An in-memory `tracing` subscriber that records spans: their fields (as created and as
//! recorded later), the events inside them, and whether they closed. To check what an
//! operation's span carries (names, attributes, retry events), and that no key or body
//! reaches it.
//!
//! Install it for one thread with `tracing::subscriber::set_default` (a `#[tokio::test]`
//! runs on one thread): it keeps one stack of entered spans.
//!
//! ```
//! use llm_testkit::spans::SpanRecorder;
//!
//! let spans = SpanRecorder::new();
//! tracing::subscriber::with_default(spans.clone(), || {
//!     let span = tracing::info_span!("chat", otel.name = "chat m", gen_ai.usage.input_tokens = tracing::field::Empty);
//!     span.record("gen_ai.usage.input_tokens", 7_u64);
//!     span.in_scope(|| tracing::info!(attempt = 1, "retrying request"));
//! });
//! let recorded = spans.spans();
//! assert_eq!(recorded.len(), 1);
//! assert_eq!(recorded[0].field("otel.name"), Some("chat m"));
//! assert_eq!(recorded[0].field("gen_ai.usage.input_tokens"), Some("7"));
//! assert_eq!(recorded[0].events[0].message(), Some("retrying request"));
//! assert!(recorded[0].closed);
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// One recorded span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedSpan {
    /// The span's static name (`tracing`'s, not `otel.name`).
    pub name: String,
    /// The span's target.
    pub target: String,
    /// The span's level (`INFO`, `DEBUG`, ...).
    pub level: String,
    /// Every field with a value, as text (strings as they are, other values `Debug`).
    pub fields: BTreeMap<String, String>,
    /// The events recorded inside the span, in order.
    pub events: Vec<RecordedEvent>,
    /// The index (in [`SpanRecorder::spans`]) of the parent span, if any.
    pub parent: Option<usize>,
    /// Whether the span has closed (its last handle dropped).
    pub closed: bool,
}

impl RecordedSpan {
    /// A field's value as text, if the span has it.
    ///
    /// ```
    /// let span = llm_testkit::spans::RecordedSpan::default();
    /// assert_eq!(span.field("otel.name"), None);
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The events whose message is `message`.
    ///
    /// ```
    /// let span = llm_testkit::spans::RecordedSpan::default();
    /// assert!(span.events_named("retrying request").is_empty());
    /// ```
    pub fn events_named(&self, message: &str) -> Vec<&RecordedEvent> {
        self.events
            .iter()
            .filter(|event| event.message() == Some(message))
            .collect()
    }
}

/// One recorded event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedEvent {
    /// The event's level.
    pub level: String,
    /// Every field as text; the message is the field `message`.
    pub fields: BTreeMap<String, String>,
}

impl RecordedEvent {
    /// The event's message, if it has one.
    ///
    /// ```
    /// assert_eq!(llm_testkit::spans::RecordedEvent::default().message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.field("message")
    }

    /// A field's value as text.
    ///
    /// ```
    /// assert_eq!(llm_testkit::spans::RecordedEvent::default().field("attempt"), None);
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Records every span and the events inside spans. Clones share the record.
#[derive(Debug, Clone, Default)]
pub struct SpanRecorder {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    spans: Vec<RecordedSpan>,
    /// Open handles per span (index into `spans`).
    handles: HashMap<usize, usize>,
    /// Entered spans, innermost last.
    stack: Vec<usize>,
}

impl SpanRecorder {
    /// An empty recorder.
    ///
    /// ```
    /// assert!(llm_testkit::spans::SpanRecorder::new().spans().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The spans recorded so far, in creation order.
    ///
    /// ```
    /// let spans = llm_testkit::spans::SpanRecorder::new();
    /// tracing::subscriber::with_default(spans.clone(), || drop(tracing::info_span!("a")));
    /// assert_eq!(spans.spans()[0].name, "a");
    /// ```
    pub fn spans(&self) -> Vec<RecordedSpan> {
        self.lock().spans.clone()
    }

    /// The spans whose `otel.name` is `name`.
    ///
    /// ```
    /// let spans = llm_testkit::spans::SpanRecorder::new();
    /// tracing::subscriber::with_default(spans.clone(), || drop(tracing::info_span!("chat", otel.name = "chat m")));
    /// assert_eq!(spans.named("chat m").len(), 1);
    /// ```
    pub fn named(&self, name: &str) -> Vec<RecordedSpan> {
        self.spans()
            .into_iter()
            .filter(|span| span.field("otel.name") == Some(name))
            .collect()
    }

    /// Everything recorded (names, fields, events) as one text, to search for what must
    /// never appear (a key, a body).
    ///
    /// ```
    /// let spans = llm_testkit::spans::SpanRecorder::new();
    /// tracing::subscriber::with_default(spans.clone(), || drop(tracing::info_span!("a", k = "v")));
    /// assert!(spans.text().contains("k=v"));
    /// ```
    pub fn text(&self) -> String {
        let mut text = String::new();
        for span in self.spans() {
            text.push_str(&span.name);
            for (name, value) in &span.fields {
                text.push_str(&format!(" {name}={value}"));
            }
            for event in &span.events {
                for (name, value) in &event.fields {
                    text.push_str(&format!(" {name}={value}"));
                }
            }
            text.push('\n');
        }
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// The parent span: the explicit one, else (for a contextual span or event) the
    /// innermost entered span.
    fn parent(&self, explicit: Option<&Id>, contextual: bool) -> Option<usize> {
        match explicit {
            Some(parent) => index_of(parent),
            None if contextual => self.stack.last().copied(),
            None => None,
        }
    }
}

/// Collects fields as text.
struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// A span id from an index (ids start at 1).
fn id_of(index: usize) -> Id {
    Id::from_u64(u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1))
}

/// The index of a span id.
fn index_of(id: &Id) -> Option<usize> {
    usize::try_from(id.into_u64().checked_sub(1)?).ok()
}

impl Subscriber for SpanRecorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut state = self.lock();
        let parent = state.parent(attributes.parent(), attributes.is_contextual());
        let metadata = attributes.metadata();
        let mut span = RecordedSpan {
            name: metadata.name().to_owned(),
            target: metadata.target().to_owned(),
            level: metadata.level().to_string(),
            parent,
            ..RecordedSpan::default()
        };
        attributes.record(&mut Fields(&mut span.fields));
        let index = state.spans.len();
        state.spans.push(span);
        state.handles.insert(index, 1);
        id_of(index)
    }

    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut state = self.lock();
        if let Some(span) = index_of(id).and_then(|i| state.spans.get_mut(i)) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut state = self.lock();
        let parent = state.parent(event.parent(), event.is_contextual());
        let mut recorded = RecordedEvent {
            level: event.metadata().level().to_string(),
            ..RecordedEvent::default()
        };
        event.record(&mut Fields(&mut recorded.fields));
        if let Some(span) = parent.and_then(|i| state.spans.get_mut(i)) {
            span.events.push(recorded);
        }
    }

    fn enter(&self, id: &Id) {
        if let Some(index) = index_of(id) {
            self.lock().stack.push(index);
        }
    }

    fn exit(&self, id: &Id) {
        let mut state = self.lock();
        if let Some(position) = state
            .stack
            .iter()
            .rposition(|entered| Some(*entered) == index_of(id))
        {
            state.stack.remove(position);
        }
    }

    fn clone_span(&self, id: &Id) -> Id {
        if let Some(index) = index_of(id) {
            let mut state = self.lock();
            if let Some(handles) = state.handles.get_mut(&index) {
                *handles = handles.saturating_add(1);
            }
        }
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        let Some(index) = index_of(&id) else {
            return false;
        };
        let mut state = self.lock();
        let left = match state.handles.get_mut(&index) {
            Some(handles) => {
                *handles = handles.saturating_sub(1);
                *handles
            }
            None => return false,
        };
        if left > 0 {
            return false;
        }
        state.handles.remove(&index);
        if let Some(span) = state.spans.get_mut(index) {
            span.closed = true;
        }
        true
    }
}
