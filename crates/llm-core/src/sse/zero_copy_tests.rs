//! Tests that an event's data shares the input chunk's memory when its one `data` line
//! lies inside that chunk, and that assembled data (several lines, lines across chunks)
//! is still exact.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::Range;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use super::{Event, EventStream, SseDecoder};
use crate::Error;

/// The address range of `bytes`.
fn span(bytes: &[u8]) -> Range<usize> {
    let start = bytes.as_ptr() as usize;
    start..start + bytes.len()
}

/// Whether `inner` lies within `outer`'s memory.
fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (inner, outer) = (span(inner), span(outer));
    outer.start <= inner.start && inner.end <= outer.end
}

/// All events of `chunks`, pushed one by one.
fn events_of(chunks: &[Bytes]) -> Vec<Event> {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    for chunk in chunks {
        decoder.push(chunk.clone());
        while let Some(event) = decoder.next_event().unwrap() {
            events.push(event);
        }
    }
    decoder.finish().unwrap();
    events
}

#[test]
fn a_data_line_inside_one_chunk_shares_the_chunk() {
    let chunk = Bytes::from(b"event: delta\r\nid: 3\r\ndata:  x\xC3\xA9y\r\n\r\n".to_vec());
    let events = events_of(std::slice::from_ref(&chunk));
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.data(), " x\u{e9}y"); // one space stripped, UTF-8 intact
    assert_eq!(event.event(), "delta");
    assert_eq!(event.id(), Some("3"));
    // `data_bytes`, `data` and `into_data_bytes` all point into the chunk: no copy.
    let data = event.data_bytes();
    assert_eq!(span(&data), span(&chunk[27..32]));
    assert!(within(event.data().as_bytes(), &chunk));
    let taken = event.clone().into_data_bytes();
    assert_eq!(span(&taken), span(&data));
    // `into_data` copies it out.
    let owned = event.clone().into_data();
    assert_eq!(owned, " x\u{e9}y");
    assert!(!within(owned.as_bytes(), &chunk));
    // A shared event equals the same event built by hand.
    assert_eq!(
        *event,
        Event::new("delta", " x\u{e9}y").with_id("3"),
        "equality looks at the text only"
    );
    assert_eq!(
        format!("{event:?}"),
        format!("{:?}", Event::new("delta", " x\u{e9}y").with_id("3"))
    );
}

#[test]
fn every_event_of_a_chunk_shares_it() {
    let chunk = Bytes::from_static(b"data: one\n\ndata: two\r\rdata:three\r\n\r\n: c\n\n");
    let events = events_of(std::slice::from_ref(&chunk));
    let data: Vec<&str> = events.iter().map(Event::data).collect();
    assert_eq!(data, ["one", "two", "three"]);
    for event in &events {
        assert!(within(&event.data_bytes(), &chunk), "{event:?}");
    }
}

#[test]
fn events_from_a_stream_share_their_chunks() {
    let chunks = [
        Bytes::from_static(b"data: {\"a\":1}\n\n"),
        Bytes::from_static(b"data: {\"b\":2}\n\ndata: [DONE]\n\n"),
    ];
    let body = stream::iter(chunks.clone().map(Ok::<_, Error>));
    let events: Vec<Event> = futures_executor::block_on(EventStream::new(body).collect::<Vec<_>>())
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let data: Vec<&str> = events.iter().map(Event::data).collect();
    assert_eq!(data, ["{\"a\":1}", "{\"b\":2}", "[DONE]"]);
    assert!(within(&events[0].data_bytes(), &chunks[0]));
    assert!(within(&events[1].data_bytes(), &chunks[1]));
    assert!(within(&events[2].data_bytes(), &chunks[1]));
}

#[test]
fn several_data_lines_are_copied_and_joined_exactly() {
    let chunk = Bytes::from_static(b"data: a\ndata\ndata: b\r\nid: 1\ndata:c\n\n");
    let events = events_of(std::slice::from_ref(&chunk));
    assert_eq!(events, vec![Event::new("", "a\n\nb\nc").with_id("1")]);
    assert!(!within(&events[0].data_bytes(), &chunk));
    assert_eq!(events[0].clone().into_data(), "a\n\nb\nc");
    assert_eq!(events[0].clone().into_data_bytes(), "a\n\nb\nc");
}

#[test]
fn a_line_across_chunks_is_copied_exactly() {
    // Split inside the prefix, inside the value, inside a UTF-8 character, and between
    // the CR and LF of the line end.
    let input = "data: h\u{e9}llo \u{1F600}\r\n\r\ndata: next\n\n".as_bytes();
    for cut in 1..input.len() - 1 {
        let chunks = [
            Bytes::copy_from_slice(&input[..cut]),
            Bytes::copy_from_slice(&input[cut..]),
        ];
        let events = events_of(&chunks);
        let data: Vec<&str> = events.iter().map(Event::data).collect();
        assert_eq!(data, ["h\u{e9}llo \u{1F600}", "next"], "cut at {cut}");
        // The first event is shared only when its whole line, line end included, is in
        // the first chunk.
        let line_end = "data: h\u{e9}llo \u{1F600}".len();
        assert_eq!(
            within(&events[0].data_bytes(), &chunks[0]),
            cut > line_end,
            "cut at {cut}"
        );
        // The same for the second event, in whichever chunk holds its line.
        let second = "data: h\u{e9}llo \u{1F600}\r\n\r\n".len();
        let second_end = second + "data: next".len();
        let shared = if cut <= second {
            within(&events[1].data_bytes(), &chunks[1])
        } else {
            within(&events[1].data_bytes(), &chunks[0])
        };
        assert_eq!(shared, cut <= second || cut > second_end, "cut at {cut}");
    }
}

#[test]
fn a_shared_first_line_then_a_second_line_across_chunks() {
    let chunks = [
        Bytes::from_static(b"data: first\ndata: sec"),
        Bytes::from_static(b"ond\ndata: third\n\n"),
    ];
    let events = events_of(&chunks);
    assert_eq!(events, vec![Event::new("", "first\nsecond\nthird")]);
}

#[test]
fn the_size_cap_counts_shared_data() {
    // 5 bytes shared, then a 9-byte line: 14 > 13.
    let mut decoder = SseDecoder::with_max_event_size(13);
    decoder.push(Bytes::from_static(b"data:12345\ndata:6789\n\ndata: ok\n\n"));
    let err = decoder.next_event().unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::ResponseTooLarge);
    assert_eq!(decoder.next_event().unwrap().unwrap().data(), "ok");
    let mut decoder = SseDecoder::with_max_event_size(14);
    decoder.push(Bytes::from_static(b"data:12345\ndata:6789\n\n"));
    assert_eq!(decoder.next_event().unwrap().unwrap().data(), "12345\n6789");
}

#[test]
fn event_new_data_is_copied_by_data_bytes_and_moved_by_into_data() {
    let event = Event::new("message", "x".repeat(100));
    let text = span(event.data().as_bytes());
    let copy = event.data_bytes();
    assert_eq!(copy, "x".repeat(100));
    assert_ne!(span(&copy), text);
    let data = event.into_data();
    assert_eq!(span(data.as_bytes()), text, "moved, not copied");
}
