//! SSE decoding throughput: `llm_core::sse` (the synchronous `SseDecoder` and the
//! `EventStream`) against `eventsource-stream`, on the same bytes cut into the same chunks.
//!
//! Rows: {58-byte token events, 64 KiB events} x {one chunk per event, 16 KiB reads,
//! 1460-byte reads (one TCP segment)}; about 4 MB of input per iteration.
//!
//! Run: `cargo bench -p llm-core --bench sse_decode -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use eventsource_stream::Eventsource;
use futures_executor::block_on;
use futures_util::{stream, StreamExt};
use llm_core::sse::{EventStream, SseDecoder};

/// Bytes of input per iteration (about).
const TARGET_INPUT: usize = 4 * 1024 * 1024;

/// A chat-completion token event of exactly 58 bytes, `\n\n` included.
fn token_event() -> String {
    let build = |pad: usize| {
        format!(
            "data: {{\"choices\":[{{\"delta\":{{\"content\":\"hello{}\"}}}}]}}\n\n",
            " ".repeat(pad)
        )
    };
    let pad = 58 - build(0).len();
    let event = build(pad);
    assert_eq!(event.len(), 58);
    event
}

/// A 64 KiB event: one `data:` line of JSON-ish ASCII, `\n\n` included.
fn large_event() -> String {
    const SIZE: usize = 64 * 1024;
    let mut payload = String::from("{\"text\":\"");
    let filler = "The quick brown fox jumps over the lazy dog. ";
    while payload.len() < SIZE - "data: ".len() - "\"}\n\n".len() {
        payload.push_str(filler);
    }
    payload.truncate(SIZE - "data: ".len() - "\"}\n\n".len());
    let event = format!("data: {payload}\"}}\n\n");
    assert_eq!(event.len(), SIZE);
    event
}

struct Input {
    name: &'static str,
    event: String,
}

#[derive(Clone, Copy)]
enum Chunking {
    PerEvent,
    Reads(usize),
}

impl Chunking {
    fn name(self) -> &'static str {
        match self {
            Chunking::PerEvent => "per_event",
            Chunking::Reads(16384) => "16KiB_reads",
            Chunking::Reads(1460) => "1460B_reads",
            Chunking::Reads(_) => "reads",
        }
    }

    fn split(self, body: &Bytes, event_len: usize) -> Vec<Bytes> {
        let step = match self {
            Chunking::PerEvent => event_len,
            Chunking::Reads(n) => n,
        };
        (0..body.len())
            .step_by(step)
            .map(|start| body.slice(start..(start + step).min(body.len())))
            .collect()
    }
}

fn ours_sync(chunks: &[Bytes]) -> usize {
    let mut decoder = SseDecoder::new();
    let mut events = 0;
    for chunk in chunks {
        decoder.push(chunk.clone());
        while let Some(event) = decoder.next_event().unwrap() {
            black_box(&event);
            events += 1;
        }
    }
    decoder.finish().unwrap();
    events
}

fn ours_stream(chunks: &[Bytes]) -> usize {
    let body = stream::iter(chunks.iter().cloned().map(Ok::<_, llm_core::Error>));
    block_on(EventStream::new(body).fold(0, |n, event| {
        black_box(&event.unwrap());
        async move { n + 1 }
    }))
}

fn eventsource_stream(chunks: &[Bytes]) -> usize {
    let body = stream::iter(
        chunks
            .iter()
            .cloned()
            .map(Ok::<_, std::convert::Infallible>),
    );
    block_on(body.eventsource().fold(0, |n, event| {
        black_box(&event.unwrap());
        async move { n + 1 }
    }))
}

fn bench(c: &mut Criterion) {
    let inputs = [
        Input {
            name: "token_58B",
            event: token_event(),
        },
        Input {
            name: "event_64KiB",
            event: large_event(),
        },
    ];
    for input in &inputs {
        let count = TARGET_INPUT.div_ceil(input.event.len());
        let body = Bytes::from(input.event.repeat(count));
        let mut group = c.benchmark_group(format!("sse_decode/{}", input.name));
        group.throughput(Throughput::BytesDecimal(body.len() as u64));
        group.sample_size(10);
        for chunking in [
            Chunking::PerEvent,
            Chunking::Reads(16 * 1024),
            Chunking::Reads(1460),
        ] {
            let chunks = chunking.split(&body, input.event.len());
            assert_eq!(ours_sync(&chunks), count);
            assert_eq!(ours_stream(&chunks), count);
            assert_eq!(eventsource_stream(&chunks), count);
            let row = chunking.name();
            group.bench_with_input(BenchmarkId::new("ours_sync", row), &chunks, |b, chunks| {
                b.iter(|| ours_sync(chunks))
            });
            group.bench_with_input(
                BenchmarkId::new("ours_stream", row),
                &chunks,
                |b, chunks| b.iter(|| ours_stream(chunks)),
            );
            group.bench_with_input(
                BenchmarkId::new("eventsource_stream", row),
                &chunks,
                |b, chunks| b.iter(|| eventsource_stream(chunks)),
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
