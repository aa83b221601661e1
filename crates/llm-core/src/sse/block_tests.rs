//! Tests of a `data` line that spans chunks, which is searched, validated and copied in
//! blocks of [`STREAM_BLOCK`] bytes: cuts at and around every block boundary, multi-byte
//! characters and invalid UTF-8 straddling them, and the size cap.

#![allow(clippy::unwrap_used)]

use std::ops::RangeInclusive;

use bytes::Bytes;

use super::decoder::STREAM_BLOCK;
use super::{Event, SseDecoder};
use crate::{Error, ErrorKind};

/// Text of 1- to 4-byte characters, 27 bytes a period, so that consecutive cut positions
/// fall at every byte of every character.
const PATTERN: &str = "h\u{e9}llo \u{1F600} w\u{f6}rld \u{20AC}x ";

/// `PATTERN` repeated to at least `len` bytes (whole characters).
fn text(len: usize) -> String {
    let mut text = String::with_capacity(len + PATTERN.len());
    while text.len() < len {
        text.push_str(PATTERN);
    }
    text
}

/// Every event and error kind of `chunks` fed one by one to a decoder capped at `max`,
/// then the result of `finish`.
fn outcome(chunks: &[&[u8]], max: usize) -> (Vec<Result<Event, ErrorKind>>, Result<(), Error>) {
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
    (out, decoder.finish())
}

/// Positions within `width` bytes of each of the first `blocks` block boundaries after
/// `start` (and `start` itself).
fn near_boundaries(start: usize, blocks: usize, width: usize) -> Vec<RangeInclusive<usize>> {
    (0..=blocks)
        .map(|k| {
            let boundary = start + k * STREAM_BLOCK;
            boundary.saturating_sub(width)..=boundary + width
        })
        .collect()
}

fn msg(data: &str) -> Event {
    Event::new("message", data)
}

#[test]
fn a_long_line_in_two_chunks_cut_near_every_block_boundary() {
    let text = text(3 * STREAM_BLOCK);
    let input = format!("data: {text}\r\n\r\ndata: ok\n\n");
    let input = input.as_bytes();
    let expected = vec![Ok(msg(&text)), Ok(msg("ok"))];
    // The second chunk's blocks start at the cut: cuts near the start of the line and near
    // the boundaries of the first chunk's blocks put every byte of every character at a
    // block boundary, in the first chunk or the second.
    for range in near_boundaries(6, 2, 2 * PATTERN.len()) {
        for cut in range {
            let (events, finish) = outcome(&[&input[..cut], &input[cut..]], usize::MAX);
            assert_eq!(events, expected, "cut at {cut}");
            finish.unwrap();
        }
    }
}

#[test]
fn a_long_line_in_three_chunks() {
    let text = text(3 * STREAM_BLOCK);
    let input = format!("data:{text}\ndata: two\n\n");
    let input = input.as_bytes();
    let expected = vec![Ok(msg(&format!("{text}\ntwo")))];
    for first in [1, 5, 6, 7, 100] {
        for middle in (STREAM_BLOCK - PATTERN.len()..=STREAM_BLOCK + PATTERN.len()).chain([
            1,
            2,
            3,
            2 * STREAM_BLOCK + 1,
        ]) {
            let second = first + middle;
            let chunks = [&input[..first], &input[first..second], &input[second..]];
            let (events, finish) = outcome(&chunks, usize::MAX);
            assert_eq!(events, expected, "chunks cut at {first} and {second}");
            finish.unwrap();
        }
    }
}

#[test]
fn a_long_line_in_small_and_odd_reads() {
    let text = text(2 * STREAM_BLOCK + 100);
    let input = format!("data: {text}\r\rdata: ok\r\r");
    let expected = vec![Ok(msg(&text)), Ok(msg("ok"))];
    for size in [
        1,
        3,
        1460,
        STREAM_BLOCK - 1,
        STREAM_BLOCK + 1,
        3 * STREAM_BLOCK,
    ] {
        let chunks: Vec<&[u8]> = input.as_bytes().chunks(size).collect();
        let (events, finish) = outcome(&chunks, usize::MAX);
        assert_eq!(events, expected, "reads of {size}");
        finish.unwrap();
    }
}

#[test]
fn invalid_utf8_near_a_block_boundary_fails_the_event_only() {
    // A 3-byte sequence cut short by an ASCII byte, about one block into the second chunk.
    let mut line = b"data: ".to_vec();
    line.extend_from_slice(text(STREAM_BLOCK + 40).as_bytes());
    let bad = line.len();
    line.extend_from_slice(b"\xE2\x82x");
    line.extend_from_slice(text(100).as_bytes());
    line.extend_from_slice(b"\n\ndata: ok\n\n");
    // With the second chunk starting at `cut`, its first block ends at `cut + BLOCK`:
    // place that end before, inside and after the bad sequence.
    for cut in bad - STREAM_BLOCK - 4..=bad - STREAM_BLOCK + 4 {
        let (events, finish) = outcome(&[&line[..cut], &line[cut..]], usize::MAX);
        assert_eq!(
            events,
            vec![Err(ErrorKind::Decode), Ok(msg("ok"))],
            "cut at {cut}"
        );
        finish.unwrap();
    }
}

#[test]
fn a_line_ending_inside_a_character_at_a_block_boundary_is_an_error() {
    let mut line = b"data: ".to_vec();
    line.extend_from_slice(text(STREAM_BLOCK).as_bytes());
    let end = line.len();
    line.extend_from_slice(b"\xF0\x9F\x98\n\ndata: ok\n\n");
    for cut in end - STREAM_BLOCK - 4..=end - STREAM_BLOCK + 4 {
        let (events, finish) = outcome(&[&line[..cut], &line[cut..]], usize::MAX);
        assert_eq!(
            events,
            vec![Err(ErrorKind::Decode), Ok(msg("ok"))],
            "cut at {cut}"
        );
        finish.unwrap();
    }
}

#[test]
fn the_size_cap_on_a_streamed_line_does_not_depend_on_blocks() {
    let text = text(2 * STREAM_BLOCK + 10);
    let input = format!("data: {text}\n\ndata: ok\n\n");
    let input = input.as_bytes();
    // The cap counts the `data: ` prefix and the value.
    let size = "data: ".len() + text.len();
    for max in [
        STREAM_BLOCK - 1,
        STREAM_BLOCK + 6,
        2 * STREAM_BLOCK,
        size - 1,
        size,
    ] {
        let first = if max >= size {
            Ok(msg(&text))
        } else {
            Err(ErrorKind::ResponseTooLarge)
        };
        for range in near_boundaries(6, 2, 3) {
            for cut in range {
                let (events, finish) = outcome(&[&input[..cut], &input[cut..]], max);
                assert_eq!(
                    events,
                    vec![first.clone(), Ok(msg("ok"))],
                    "max {max}, cut at {cut}"
                );
                finish.unwrap();
            }
        }
    }
}

#[test]
fn the_size_cap_stops_a_streamed_line_within_one_chunk() {
    // One chunk of several blocks with no line end: the error comes from this chunk, and
    // the end of the line in the next chunk is skipped with the rest of the event.
    let mut decoder = SseDecoder::with_max_event_size(2 * STREAM_BLOCK);
    decoder.push(Bytes::from_static(b"data: x"));
    assert_eq!(decoder.next_event().unwrap(), None);
    decoder.push(Bytes::from(vec![b'y'; 3 * STREAM_BLOCK]));
    let err = decoder.next_event().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    decoder.push(Bytes::from_static(b"zz\ndata: same event\n\ndata: ok\n\n"));
    assert_eq!(decoder.next_event().unwrap(), Some(msg("ok")));
    decoder.finish().unwrap();
}
