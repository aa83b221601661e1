//! A `tracing` subscriber that records events as text, to check what reaches the logs
//! (for example that no response body or key does).
//!
//! ```
//! use llm_testkit::logs::LogRecorder;
//!
//! let logs = LogRecorder::new("my_crate");
//! let guard = tracing::subscriber::set_default(logs.clone());
//! tracing::debug!(target: "my_crate::retry", attempt = 2, "retrying");
//! tracing::debug!(target: "other", "not recorded");
//! drop(guard);
//! let events = logs.events();
//! assert_eq!(events.len(), 1);
//! assert!(events[0].contains("attempt=2") && events[0].contains("retrying"));
//! ```

use std::fmt::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Records the events whose target starts with a prefix, each as `name=value ` pairs
/// (values in `Debug` form). Clones share the record. Spans are accepted and ignored.
#[derive(Debug, Clone)]
pub struct LogRecorder {
    target: &'static str,
    events: Arc<Mutex<Vec<String>>>,
}

impl LogRecorder {
    /// Records events whose target starts with `target` (`""` records every event).
    ///
    /// ```
    /// assert!(llm_testkit::logs::LogRecorder::new("llm_core").events().is_empty());
    /// ```
    pub fn new(target: &'static str) -> Self {
        Self {
            target,
            events: Arc::default(),
        }
    }

    /// The events recorded so far, in order.
    ///
    /// ```
    /// let logs = llm_testkit::logs::LogRecorder::new("");
    /// tracing::subscriber::with_default(logs.clone(), || tracing::info!(n = 1));
    /// assert_eq!(logs.events(), ["n=1 "]);
    /// ```
    pub fn events(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for LogRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        if !event.metadata().target().starts_with(self.target) {
            return;
        }
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(fields.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
