//! Server-Sent Events: an incremental `text/event-stream` decoder following the WHATWG
//! rules, and a [`Stream`](futures_core::Stream) of events over a response body.
//!
//! - [`SseDecoder`] is push-based and synchronous: feed it chunks with
//!   [`push`](SseDecoder::push), take events with [`next_event`](SseDecoder::next_event),
//!   and call [`finish`](SseDecoder::finish) at the end of the body.
//! - [`EventStream`] wraps a body stream (e.g. `reqwest::Response::bytes_stream()`) and
//!   yields `Result<Event, Error>`.
//! - An [`Event`] whose one `data:` line lies inside one input chunk keeps its data as a
//!   slice of that chunk's `Bytes` (validated as UTF-8 once, never copied); data of several
//!   lines, or of a line that spans chunks, is copied together. See
//!   [`Event::data_bytes`].
//!
//! ```
//! use bytes::Bytes;
//! use llm_core::sse::SseDecoder;
//!
//! let mut decoder = SseDecoder::new();
//! decoder.push(Bytes::from_static(b"\xEF\xBB\xBFevent: ping\r\ndata:  two spaces\r\n\r\n"));
//! let event = decoder.next_event().unwrap().unwrap();
//! assert_eq!(event.event(), "ping");
//! assert_eq!(event.data(), " two spaces"); // only one leading space is stripped
//! ```

mod decoder;
mod event;
mod stream;

#[cfg(test)]
mod block_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod zero_copy_tests;

pub use decoder::SseDecoder;
pub use event::Event;
pub use stream::EventStream;
