//! A deliberately naive reference of the WHATWG `text/event-stream` interpretation, used as
//! an oracle for `llm_core::sse::SseDecoder` by the proptest suite
//! (`tests/proptest_decoding.rs`) and the `sse_decoder` fuzz target (`fuzz/`).
//!
//! It decodes a whole body at once (no chunking), so it cannot share the incremental
//! decoder's bugs. Plain `std` only: it is compiled into both crates with `#[path]`.

#![allow(dead_code)]

use std::time::Duration;

/// One dispatched event: type (`"message"` when none), data, its own `id` field, `retry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefEvent {
    /// The event type.
    pub event: String,
    /// The data lines joined with `\n`.
    pub data: String,
    /// The event's own `id` field (the last one without NUL).
    pub id: Option<String>,
    /// The event's own valid `retry` field.
    pub retry: Option<Duration>,
}

/// What the reference saw in a whole body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefOutcome {
    /// The events dispatched before the end (or before the first invalid UTF-8 value).
    pub events: Vec<RefEvent>,
    /// A `data`, `event` or `id` value was not UTF-8; `events` stops before that event.
    pub utf8_error: bool,
    /// The body ended inside a line or with undispatched `data` (only meaningful without
    /// `utf8_error`).
    pub incomplete: bool,
}

#[derive(Default)]
struct Pending {
    data: String,
    has_data: bool,
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
}

/// Decodes `body` in one go.
pub fn decode(body: &[u8]) -> RefOutcome {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut out = RefOutcome::default();
    let mut pending = Pending::default();
    let mut rest = body;
    while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
        let line = &rest[..end];
        let mut next = end + 1;
        if rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n') {
            next += 1;
        }
        rest = &rest[next..];
        if line.is_empty() {
            if pending.has_data {
                out.events.push(RefEvent {
                    event: pending
                        .event
                        .take()
                        .filter(|e| !e.is_empty())
                        .unwrap_or_else(|| "message".to_owned()),
                    data: std::mem::take(&mut pending.data),
                    id: pending.id.take(),
                    retry: pending.retry.take(),
                });
            }
            pending = Pending::default();
            continue;
        }
        if line[0] == b':' {
            continue;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        let text = || std::str::from_utf8(value).ok().map(str::to_owned);
        match name {
            b"data" => {
                let Some(value) = text() else {
                    out.utf8_error = true;
                    return out;
                };
                if pending.has_data {
                    pending.data.push('\n');
                }
                pending.data.push_str(&value);
                pending.has_data = true;
            }
            b"event" => {
                let Some(value) = text() else {
                    out.utf8_error = true;
                    return out;
                };
                pending.event = Some(value);
            }
            b"id" if !value.contains(&0) => {
                let Some(value) = text() else {
                    out.utf8_error = true;
                    return out;
                };
                pending.id = Some(value);
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                if let Ok(ms) = std::str::from_utf8(value).unwrap_or("x").parse::<u64>() {
                    pending.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }
    out.incomplete = !rest.is_empty() || pending.has_data;
    out
}
