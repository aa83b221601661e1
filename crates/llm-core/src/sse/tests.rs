//! Tests of the SSE decoder and event stream.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{stream, StreamExt};
use proptest::prelude::*;

use super::{Event, EventStream, SseDecoder};
use crate::{Error, ErrorKind};

/// Decodes `chunks` fed one by one; returns the events and the result of `finish`.
fn decode_chunks(chunks: &[&[u8]]) -> (Vec<Event>, Result<(), Error>) {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    for chunk in chunks {
        decoder.push(Bytes::copy_from_slice(chunk));
        while let Some(event) = decoder.next_event().unwrap() {
            events.push(event);
        }
    }
    let finish = decoder.finish();
    (events, finish)
}

/// Decodes a complete stream in one chunk; asserts that `finish` is Ok.
fn decode(input: &[u8]) -> Vec<Event> {
    let (events, finish) = decode_chunks(&[input]);
    finish.unwrap();
    events
}

fn msg(data: &str) -> Event {
    Event::new("message", data)
}

// --- line endings ---

#[test]
fn lf_cr_and_crlf_line_ends() {
    let expected = vec![msg("a\nb"), Event::new("x", "c")];
    assert_eq!(
        decode(b"data: a\ndata: b\n\nevent: x\ndata: c\n\n"),
        expected
    );
    assert_eq!(
        decode(b"data: a\rdata: b\r\revent: x\rdata: c\r\r"),
        expected
    );
    assert_eq!(
        decode(b"data: a\r\ndata: b\r\n\r\nevent: x\r\ndata: c\r\n\r\n"),
        expected
    );
    // mixed
    assert_eq!(
        decode(b"data: a\rdata: b\r\n\nevent: x\ndata: c\r\r\n"),
        expected
    );
}

#[test]
fn crlf_split_across_chunks_is_one_line_end() {
    let (events, finish) = decode_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
    finish.unwrap();
    assert_eq!(events, vec![msg("a\nb")]);
    // An LF after a chunk-final CR that is followed by more: still one line end.
    let (events, finish) = decode_chunks(&[b"data: a\r", b"\n\r", b"\ndata: b\n\n"]);
    finish.unwrap();
    assert_eq!(events, vec![msg("a"), msg("b")]);
}

#[test]
fn cr_cr_is_two_line_ends_even_across_chunks() {
    let (events, finish) = decode_chunks(&[b"data: a\r", b"\r"]);
    finish.unwrap();
    assert_eq!(events, vec![msg("a")]);
}

#[test]
fn chunk_final_cr_emits_the_event_immediately() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(b"data: a\r\n\r"));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("a")));
    assert_eq!(decoder.next_event().unwrap(), None);
    decoder.push(Bytes::from_static(b"\n"));
    assert_eq!(decoder.next_event().unwrap(), None);
    decoder.push(Bytes::from_static(b"data: b\r\r"));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("b")));
    decoder.finish().unwrap();
}

#[test]
fn chunk_final_lf_emits_the_event_immediately() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(b"data: a\n"));
    assert_eq!(decoder.next_event().unwrap(), None);
    decoder.push(Bytes::from_static(b"\n"));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("a")));
}

// --- BOM ---

#[test]
fn bom_is_skipped_once() {
    assert_eq!(decode(b"\xEF\xBB\xBFdata: a\n\n"), vec![msg("a")]);
    // A second BOM is part of the first line: here the field name becomes "\u{feff}data".
    assert_eq!(decode(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n"), vec![]);
    // A BOM later in the stream is not skipped.
    assert_eq!(
        decode(b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"),
        vec![msg("a")]
    );
}

#[test]
fn bom_split_across_chunks() {
    for split in [
        &[&b"\xEF"[..], b"\xBB", b"\xBFdata: a\n\n"][..],
        &[b"\xEF\xBB", b"\xBFdata: a\n\n"],
        &[b"\xEF", b"\xBB\xBF", b"data: a\n\n"],
        &[b"\xEF\xBB\xBF", b"data: a\n\n"],
    ] {
        let (events, finish) = decode_chunks(split);
        finish.unwrap();
        assert_eq!(events, vec![msg("a")], "{split:?}");
    }
}

#[test]
fn partial_bom_is_kept_as_line_content() {
    // "\xEF\xBB" followed by something else: the bytes start the first line (a field with
    // an invalid name, ignored), they are not dropped.
    let (events, finish) = decode_chunks(&[b"\xEF\xBB", b"x: 1\ndata: a\n\n"]);
    finish.unwrap();
    assert_eq!(events, vec![msg("a")]);
    let (events, finish) = decode_chunks(&[b"\xEF", b"\n\ndata: a\n\n"]);
    finish.unwrap();
    assert_eq!(events, vec![msg("a")]);
    // An incomplete BOM at EOF is an incomplete line.
    let (_, finish) = decode_chunks(&[b"\xEF\xBB"]);
    assert_eq!(finish.unwrap_err().kind(), ErrorKind::Stream);
}

// --- fields ---

#[test]
fn comments_are_ignored() {
    assert_eq!(
        decode(b": hello\n:\ndata: a\n: in between\ndata: b\n\n: ping\n\n"),
        vec![msg("a\nb")]
    );
}

#[test]
fn only_one_leading_space_is_stripped() {
    assert_eq!(decode(b"data:a\n\n"), vec![msg("a")]);
    assert_eq!(decode(b"data: a\n\n"), vec![msg("a")]);
    assert_eq!(decode(b"data:  a\n\n"), vec![msg(" a")]);
    assert_eq!(decode(b"data:\ta\n\n"), vec![msg("\ta")]);
    assert_eq!(decode(b"data: a \n\n"), vec![msg("a ")]);
    assert_eq!(decode(b"event:  x\ndata\n\n"), vec![Event::new(" x", "")]);
}

#[test]
fn line_without_colon_is_a_field_with_empty_value() {
    assert_eq!(decode(b"data\n\n"), vec![msg("")]);
    assert_eq!(decode(b"data\ndata\n\n"), vec![msg("\n")]);
    assert_eq!(decode(b"data: a\nevent\n\n"), vec![msg("a")]);
    // "data " (trailing space, no colon) is an unknown field.
    assert_eq!(decode(b"data \n\n"), vec![]);
}

#[test]
fn multi_line_data_is_joined_with_lf() {
    assert_eq!(
        decode(b"data: {\ndata:  \"a\": 1\ndata: }\n\n"),
        vec![msg("{\n \"a\": 1\n}")]
    );
    assert_eq!(decode(b"data:\ndata:\n\n"), vec![msg("\n")]);
    assert_eq!(decode(b"data: a\ndata:\n\n"), vec![msg("a\n")]);
}

#[test]
fn event_type() {
    let events = decode(b"event: add\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n");
    assert_eq!(events[0].event(), "add");
    assert_eq!(events[1].event(), "message"); // the type does not carry over
    assert_eq!(events[2].event(), "message"); // an empty type is "message"
    let events = decode(b"event: a\nevent: b\ndata: x\n\n");
    assert_eq!(events, vec![Event::new("b", "x")]);
}

#[test]
fn id_field_and_last_event_id() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(
        b"id: 1\ndata: a\n\ndata: b\n\nid: 2\n\nid\ndata: c\n\n",
    ));
    let a = decoder.next_event().unwrap().unwrap();
    assert_eq!((a.id(), decoder.last_event_id()), (Some("1"), Some("1")));
    let b = decoder.next_event().unwrap().unwrap();
    assert_eq!((b.id(), decoder.last_event_id()), (None, Some("1")));
    // "id: 2" in an event without data still sets the last event ID at its blank line.
    let c = decoder.next_event().unwrap().unwrap();
    assert_eq!(decoder.last_event_id(), None); // reset by the empty `id`
    assert_eq!(c, msg("c").with_id(""));
    decoder.finish().unwrap();
}

#[test]
fn last_event_id_changes_at_dispatch_not_at_the_id_line() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(b"id: 1\ndata: a\n\nid: 2\ndata: b\n"));
    decoder.next_event().unwrap().unwrap();
    assert_eq!(decoder.next_event().unwrap(), None);
    assert_eq!(decoder.last_event_id(), Some("1"));
    decoder.push(Bytes::from_static(b"\n"));
    decoder.next_event().unwrap().unwrap();
    assert_eq!(decoder.last_event_id(), Some("2"));
}

#[test]
fn id_with_nul_is_ignored() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
    ));
    decoder.next_event().unwrap().unwrap();
    let b = decoder.next_event().unwrap().unwrap();
    assert_eq!(b.id(), None);
    assert_eq!(decoder.last_event_id(), Some("1"));
}

#[test]
fn retry_field() {
    let events = decode(b"retry: 1500\ndata: a\n\ndata: b\n\n");
    assert_eq!(events[0].retry(), Some(Duration::from_millis(1500)));
    assert_eq!(events[1].retry(), None);

    for invalid in [
        &b"retry: 1.5\n"[..],
        b"retry: -1\n",
        b"retry: 1s\n",
        b"retry:\n",
        b"retry\n",
        b"retry:  100\n",                    // the second space is not a digit
        b"retry: 99999999999999999999999\n", // does not fit
    ] {
        let mut input = invalid.to_vec();
        input.extend_from_slice(b"data: a\n\n");
        let mut decoder = SseDecoder::new();
        decoder.push(Bytes::from(input));
        let event = decoder.next_event().unwrap().unwrap();
        assert_eq!(event.retry(), None, "{invalid:?}");
        assert_eq!(decoder.retry(), None, "{invalid:?}");
    }

    // A retry in an event without data still sets the decoder's reconnection time.
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(b"retry: 10\n\n"));
    assert_eq!(decoder.next_event().unwrap(), None);
    assert_eq!(decoder.retry(), Some(Duration::from_millis(10)));
}

#[test]
fn unknown_fields_are_ignored() {
    assert_eq!(
        decode(b"foo: bar\ndata: a\nDATA: no\nData: no\n\n"),
        vec![msg("a")]
    );
}

#[test]
fn blank_line_without_data_dispatches_nothing_and_resets_the_type() {
    assert_eq!(decode(b"\n\n\n"), vec![]);
    assert_eq!(decode(b"event: x\n\ndata: a\n\n"), vec![msg("a")]);
    assert_eq!(decode(b"event: x\nid: 3\n\ndata: a\n\n")[0].id(), None);
}

// --- UTF-8 ---

#[test]
fn utf8_split_at_every_byte_of_a_four_byte_char() {
    let input = "data: a\u{1F600}b\nevent: \u{1F600}\n\n".as_bytes();
    let expected = vec![Event::new("\u{1F600}", "a\u{1F600}b")];
    let start = "data: a".len();
    for split in start..=start + 4 {
        let (events, finish) = decode_chunks(&[&input[..split], &input[split..]]);
        finish.unwrap();
        assert_eq!(events, expected, "split at {split}");
    }
    // and one byte per chunk
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let (events, finish) = decode_chunks(&bytes);
    finish.unwrap();
    assert_eq!(events, expected);
}

#[test]
fn invalid_utf8_is_a_decode_error_and_the_event_is_skipped() {
    for bad in [
        &b"data: a\xFFb\n\ndata: ok\n\n"[..],
        b"event: \xC3\n\ndata: ok\n\n",
        b"data: x\nid: \xE2\x82\ndata: y\n\ndata: ok\n\n",
    ] {
        let mut decoder = SseDecoder::new();
        decoder.push(Bytes::copy_from_slice(bad));
        let err = decoder.next_event().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{bad:?}");
        assert!(std::error::Error::source(&err).is_some());
        // The rest of the bad event is skipped; the next one decodes.
        assert_eq!(decoder.next_event().unwrap(), Some(msg("ok")), "{bad:?}");
        decoder.finish().unwrap();
    }
}

#[test]
fn invalid_utf8_in_a_data_line_spanning_chunks() {
    let input: &[u8] = b"data: abc\xE2\x82x def\n\ndata: ok\n\n";
    for split in 1..input.len() - 12 {
        let mut decoder = SseDecoder::new();
        decoder.push(Bytes::copy_from_slice(&input[..split]));
        let first = decoder.next_event();
        decoder.push(Bytes::copy_from_slice(&input[split..]));
        let err = match first {
            Err(err) => err,
            Ok(None) => decoder.next_event().unwrap_err(),
            Ok(Some(event)) => panic!("split {split}: {event:?}"),
        };
        assert_eq!(err.kind(), ErrorKind::Decode, "split {split}");
        assert_eq!(
            decoder.next_event().unwrap(),
            Some(msg("ok")),
            "split {split}"
        );
    }
}

#[test]
fn a_line_ending_inside_a_utf8_sequence_is_a_decode_error() {
    for chunks in [
        &[&b"data: a\xE2\x82"[..], b"\n\n"][..],
        &[b"data: a\xE2", b"\x82\n\n"],
        &[b"data: a\xE2\x82\n\n"],
    ] {
        let mut decoder = SseDecoder::new();
        let mut errors = 0;
        for chunk in chunks {
            decoder.push(Bytes::copy_from_slice(chunk));
            loop {
                match decoder.next_event() {
                    Ok(None) => break,
                    Ok(Some(event)) => panic!("{event:?}"),
                    Err(err) => {
                        assert_eq!(err.kind(), ErrorKind::Decode);
                        errors += 1;
                    }
                }
            }
        }
        assert_eq!(errors, 1, "{chunks:?}");
        decoder.finish().unwrap();
    }
}

#[test]
fn long_data_lines_across_many_chunks() {
    let text: String = "h\u{e9}llo \u{1F600} w\u{f6}rld ".repeat(200);
    let input = format!("data: {text}\ndata:{text}\r\n\r\n");
    let expected = vec![msg(&format!("{text}\n{text}"))];
    for size in [1, 2, 3, 5, 7, 64, 1460] {
        let chunks: Vec<&[u8]> = input.as_bytes().chunks(size).collect();
        let (events, finish) = decode_chunks(&chunks);
        finish.unwrap();
        assert_eq!(events, expected, "chunks of {size}");
    }
}

#[test]
fn size_cap_does_not_depend_on_chunking() {
    // The first line is 16 bytes; then "data" (4) on top of 10 bytes of data.
    let input = b"data: 0123456789\ndata\n\ndata: ok\n\n";
    for max in [14, 15, 16, 17] {
        for size in 1..input.len() {
            let mut decoder = SseDecoder::with_max_event_size(max);
            let mut outcome = Vec::new();
            for chunk in input.chunks(size) {
                decoder.push(Bytes::copy_from_slice(chunk));
                loop {
                    match decoder.next_event() {
                        Ok(Some(event)) => outcome.push(Ok(event)),
                        Ok(None) => break,
                        Err(err) => outcome.push(Err(err.kind())),
                    }
                }
            }
            let first = if max >= 16 {
                Ok(msg("0123456789\n"))
            } else {
                Err(ErrorKind::ResponseTooLarge)
            };
            assert_eq!(
                outcome,
                vec![first, Ok(msg("ok"))],
                "max {max}, chunks of {size}"
            );
        }
    }
}

#[test]
fn invalid_utf8_in_comments_and_unknown_fields_is_ignored() {
    assert_eq!(decode(b": \xFF\nx\xFF: \xFF\ndata: a\n\n"), vec![msg("a")]);
}

// --- size cap ---

#[test]
fn size_cap_on_a_single_chunk() {
    // The cap is on the pending line plus the data so far: "data: " counts.
    let mut decoder = SseDecoder::with_max_event_size(16);
    decoder.push(Bytes::from_static(
        b"data: 0123456789\n\ndata: 0123456789a\ndata: more\n\ndata: ok\n\n",
    ));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("0123456789")));
    let err = decoder.next_event().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(decoder.next_event().unwrap(), Some(msg("ok")));
    decoder.finish().unwrap();
}

#[test]
fn size_cap_counts_all_data_lines() {
    let mut decoder = SseDecoder::with_max_event_size(12);
    decoder.push(Bytes::from_static(b"data: 01234\ndata: 5678\n\n"));
    assert_eq!(
        decoder.next_event().unwrap_err().kind(),
        ErrorKind::ResponseTooLarge
    );
}

#[test]
fn size_cap_stops_buffering_a_long_line() {
    let mut decoder = SseDecoder::with_max_event_size(1000);
    let chunk = Bytes::from(vec![b'x'; 300]);
    decoder.push(Bytes::from_static(b"data: "));
    let mut pushed = 0;
    let err = loop {
        decoder.push(chunk.clone());
        pushed += 1;
        match decoder.next_event() {
            Ok(None) => assert!(pushed < 10, "no error after {pushed} chunks"),
            Ok(Some(event)) => panic!("unexpected {event:?}"),
            Err(err) => break err,
        }
    };
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(pushed, 4); // 6 + 3 * 300 fits; the fourth chunk would not
                           // The rest of the event (including the end of its line) is skipped.
    decoder.push(chunk);
    decoder.push(Bytes::from_static(
        b"\ndata: still the same event\n\ndata: ok\n\n",
    ));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("ok")));
    decoder.finish().unwrap();
}

#[test]
fn size_cap_on_a_long_comment_line() {
    let mut decoder = SseDecoder::with_max_event_size(4);
    decoder.push(Bytes::from_static(b": a long"));
    decoder.push(Bytes::from_static(b" comment\n"));
    assert_eq!(
        decoder.next_event().unwrap_err().kind(),
        ErrorKind::ResponseTooLarge
    );
}

// --- finish ---

#[test]
fn finish_reports_an_incomplete_event() {
    for incomplete in [
        &b"data: a\n"[..],
        b"data: a",
        b"data: a\n\ndata: b\n",
        b"data: a\n\n: partial comment",
        b"dat",
    ] {
        let (events, finish) = decode_chunks(&[incomplete]);
        assert!(events.len() <= 1);
        assert!(!events.iter().any(|e| e.data() == "b"));
        assert_eq!(
            finish.unwrap_err().kind(),
            ErrorKind::Stream,
            "{incomplete:?}"
        );
    }
    for complete in [
        &b""[..],
        b"data: a\n\n",
        b"data: a\r\n\r\n",
        b"data: a\n\n: comment\n",
        b"event: x\n", // no data: there is nothing to dispatch
        b"\xEF\xBB\xBF",
    ] {
        let (_, finish) = decode_chunks(&[complete]);
        finish.unwrap_or_else(|err| panic!("{complete:?}: {err}"));
    }
}

#[test]
fn finish_resets_for_a_new_stream() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(b"id: 5\ndata: a\n\ndata: partial"));
    decoder.next_event().unwrap().unwrap();
    assert!(decoder.finish().is_err());
    decoder.push(Bytes::from_static(b"\xEF\xBB\xBFdata: b\n\n"));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("b")));
    assert_eq!(decoder.last_event_id(), Some("5"));
    decoder.finish().unwrap();
}

// --- Event and Debug ---

#[test]
fn event_constructors_and_equality() {
    assert_eq!(Event::new("", "x"), msg("x"));
    assert_eq!(decode(b"event: message\ndata: x\n\n"), vec![msg("x")]);
    let event = msg("x").with_id("1").with_retry(Duration::from_secs(1));
    assert_eq!(decode(b"id: 1\nretry: 1000\ndata: x\n\n"), vec![event]);
}

#[test]
fn debug_does_not_print_event_contents() {
    let mut decoder = SseDecoder::new();
    decoder.push(Bytes::from_static(b"data: secret-ish\n"));
    decoder.next_event().unwrap();
    let debug = format!("{decoder:?}");
    assert!(!debug.contains("secret-ish"), "{debug}");
    assert!(debug.contains("pending_data_bytes: 10"), "{debug}");
}

// --- EventStream ---

fn body(
    items: Vec<Result<&'static [u8], Error>>,
) -> impl Stream<Item = Result<Bytes, Error>> + Unpin {
    stream::iter(items.into_iter().map(|r| r.map(Bytes::from_static)))
}

#[test]
fn event_stream_decodes_chunks() {
    let events: Vec<_> = futures_executor::block_on(
        EventStream::new(body(vec![
            Ok(b"data: a"),
            Ok(b"\r"),
            Ok(b"\n\r\n: c\nevent: e\ndata: b\n\n"),
        ]))
        .collect(),
    );
    let events: Vec<Event> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(events, vec![msg("a"), Event::new("e", "b")]);
}

#[test]
fn event_stream_yields_a_body_error_then_ends() {
    let mut events = EventStream::new(body(vec![
        Ok(b"data: a\n\ndata: b"),
        Err(Error::with_message(ErrorKind::Connection, "reset")),
        Ok(b"\n\ndata: never\n\n"),
    ]));
    futures_executor::block_on(async {
        assert_eq!(events.next().await.unwrap().unwrap(), msg("a"));
        let err = events.next().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection);
        assert!(events.next().await.is_none());
        assert!(events.next().await.is_none());
    });
    assert!(futures_core::FusedStream::is_terminated(&events));
}

#[test]
fn event_stream_reports_an_incomplete_event_at_eof() {
    let results: Vec<_> = futures_executor::block_on(
        EventStream::new(body(vec![Ok(b"data: a\n\ndata: b\n")])).collect(),
    );
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap(), &msg("a"));
    assert_eq!(results[1].as_ref().unwrap_err().kind(), ErrorKind::Stream);
}

#[test]
fn event_stream_ends_after_a_decode_error() {
    let results: Vec<_> = futures_executor::block_on(
        EventStream::new(body(vec![Ok(b"data: \xFF\n\ndata: b\n\n")])).collect(),
    );
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap_err().kind(), ErrorKind::Decode);
}

#[test]
fn event_stream_size_cap() {
    let results: Vec<_> = futures_executor::block_on(
        EventStream::with_max_event_size(body(vec![Ok(b"data: 12345\n\n")]), 4).collect(),
    );
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().unwrap_err().kind(),
        ErrorKind::ResponseTooLarge
    );
}

/// A body that counts its polls and records when it is dropped.
struct Probe {
    chunks: Vec<Bytes>,
    polls: Arc<AtomicUsize>,
    dropped: Arc<AtomicBool>,
}

impl Stream for Probe {
    type Item = Result<Bytes, Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Self::Item>> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if self.chunks.is_empty() {
            Poll::Pending // an open connection with nothing to read
        } else {
            Poll::Ready(Some(Ok(self.chunks.remove(0))))
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

#[test]
fn event_stream_pulls_only_when_needed_and_drop_releases_the_body() {
    let dropped = Arc::new(AtomicBool::new(false));
    let probe = Probe {
        chunks: vec![
            Bytes::from_static(b"data: a\n\ndata: b\n\ndata: c\n\n"),
            Bytes::from_static(b"data: d\n\n"),
        ],
        polls: Arc::default(),
        dropped: dropped.clone(),
    };
    let mut events = EventStream::new(probe);
    let mut cx = Context::from_waker(Waker::noop());
    let mut poll = |events: &mut EventStream<Probe>| events.poll_next_unpin(&mut cx);
    assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(e))) if e.data() == "a"));
    // "b" and "c" are buffered: the body is not polled for them.
    assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(e))) if e.data() == "b"));
    assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(e))) if e.data() == "c"));
    assert!(format!("{events:?}").contains("EventStream"));
    assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(e))) if e.data() == "d"));
    assert!(poll(&mut events).is_pending());
    assert!(!dropped.load(Ordering::SeqCst));
    drop(events);
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn event_stream_polls_the_body_once_per_chunk() {
    let polls = Arc::new(AtomicUsize::new(0));
    let probe = Probe {
        chunks: vec![
            Bytes::from_static(b"data: a\n\ndata: b\n\n"),
            Bytes::from_static(b"data: c\n\n"),
        ],
        polls: polls.clone(),
        dropped: Arc::new(AtomicBool::new(false)),
    };
    let mut events = EventStream::new(probe);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..3 {
        assert!(matches!(
            events.poll_next_unpin(&mut cx),
            Poll::Ready(Some(Ok(_)))
        ));
    }
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[test]
fn event_stream_drops_the_body_when_it_ends_with_an_error() {
    let dropped = Arc::new(AtomicBool::new(false));
    let probe = Probe {
        chunks: vec![Bytes::from_static(b"data: \xFF\n\n")],
        polls: Arc::default(),
        dropped: dropped.clone(),
    };
    let mut events = EventStream::new(probe);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(matches!(
        events.poll_next_unpin(&mut cx),
        Poll::Ready(Some(Err(_)))
    ));
    assert!(dropped.load(Ordering::SeqCst));
    assert!(matches!(events.poll_next_unpin(&mut cx), Poll::Ready(None)));
}

// --- properties ---

#[derive(Debug, Clone)]
struct GenEvent {
    event: Option<String>,
    id: Option<String>,
    data: Vec<String>,
    comment: bool,
}

/// Text without line ends (and without NUL, so ids stay valid).
fn line_text() -> impl Strategy<Value = String> {
    "[^\r\n\u{0}]{0,12}"
}

fn gen_event() -> impl Strategy<Value = GenEvent> {
    (
        proptest::option::of("[a-z]{1,8}"),
        proptest::option::of(line_text()),
        proptest::collection::vec(line_text(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(event, id, data, comment)| GenEvent {
            event,
            id,
            data,
            comment,
        })
}

fn serialise(events: &[GenEvent], endings: &[u8], bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut i = 0;
    let mut end = |out: &mut Vec<u8>| {
        let e: &[u8] = match endings[i % endings.len()] % 3 {
            // An LF right after a CR would merge with it into one CRLF line end.
            0 if out.last() == Some(&b'\r') => b"\r\n",
            0 => b"\n",
            1 => b"\r",
            _ => b"\r\n",
        };
        i += 1;
        out.extend_from_slice(e);
    };
    for ev in events {
        if ev.comment {
            out.extend_from_slice(b": note");
            end(&mut out);
        }
        if let Some(event) = &ev.event {
            out.extend_from_slice(format!("event: {event}").as_bytes());
            end(&mut out);
        }
        if let Some(id) = &ev.id {
            out.extend_from_slice(format!("id: {id}").as_bytes());
            end(&mut out);
        }
        for d in &ev.data {
            out.extend_from_slice(format!("data: {d}").as_bytes());
            end(&mut out);
        }
        end(&mut out);
    }
    out
}

fn expected(events: &[GenEvent]) -> Vec<Event> {
    events
        .iter()
        .map(|ev| {
            let mut e = Event::new(ev.event.clone().unwrap_or_default(), ev.data.join("\n"));
            if let Some(id) = &ev.id {
                e = e.with_id(id.clone());
            }
            e
        })
        .collect()
}

fn split_at_points(bytes: &[u8], mut points: Vec<usize>) -> Vec<&[u8]> {
    points.iter_mut().for_each(|p| *p %= bytes.len() + 1);
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for p in points {
        chunks.push(&bytes[start..p]);
        start = p;
    }
    chunks.push(&bytes[start..]);
    chunks
}

proptest! {
    #[test]
    fn any_chunking_gives_the_same_events(
        events in proptest::collection::vec(gen_event(), 0..6),
        endings in proptest::collection::vec(any::<u8>(), 1..8),
        bom in any::<bool>(),
        points in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let bytes = serialise(&events, &endings, bom);
        let (whole, finish) = decode_chunks(&[&bytes]);
        prop_assert!(finish.is_ok());
        prop_assert_eq!(&whole, &expected(&events));
        let (split, finish) = decode_chunks(&split_at_points(&bytes, points));
        prop_assert!(finish.is_ok());
        prop_assert_eq!(&split, &whole);
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        let (bytewise, finish) = decode_chunks(&bytewise);
        prop_assert!(finish.is_ok());
        prop_assert_eq!(&bytewise, &whole);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_chunking_does_not_matter(
        bytes in proptest::collection::vec(
            prop_oneof![
                4 => any::<u8>(),
                2 => Just(b'\n'),
                2 => Just(b'\r'),
                2 => Just(b':'),
                1 => Just(b' '),
            ],
            0..200,
        ),
        text in "(data|event|id|retry|:| |\r|\n|\u{1F600}|\u{E9}|[0-9a])*",
        points in proptest::collection::vec(any::<usize>(), 0..8),
        max in 0usize..64,
    ) {
        for input in [&bytes[..], text.as_bytes()] {
            let outcome = |chunks: &[&[u8]]| {
                let mut decoder = SseDecoder::with_max_event_size(max);
                let mut out = Vec::new();
                for chunk in chunks {
                    decoder.push(Bytes::copy_from_slice(chunk));
                    loop {
                        match decoder.next_event() {
                            Ok(Some(event)) => out.push(Ok(event)),
                            Ok(None) => break,
                            Err(err) => out.push(Err(err.kind())),
                        }
                    }
                }
                out.push(decoder.finish().map(|()| msg("<eof>")).map_err(|e| e.kind()));
                (out, decoder.last_event_id().map(str::to_owned))
            };
            let whole = outcome(&[input]);
            let split = outcome(&split_at_points(input, points.clone()));
            // Errors may be raised at a different line of the same event (the size cap
            // is checked while a line is buffered), but events never differ.
            let ok = |o: &(Vec<Result<Event, ErrorKind>>, Option<String>)| -> Vec<Event> {
                o.0.iter().filter_map(|r| r.as_ref().ok().cloned()).collect()
            };
            prop_assert_eq!(ok(&whole), ok(&split));
        }
    }
}
