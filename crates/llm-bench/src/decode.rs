//! Section 1: SSE decode throughput on the same bytes, cut into the same chunks, for
//! `llm_core::sse::EventStream` (ours), `eventsource-stream`, `sseer`, and a `memchr`
//! line count (a ceiling: it finds line ends and does nothing else).

use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use bytes::Bytes;
use futures_util::stream::{self, Stream};

use crate::payload;
use crate::stats::Summary;

/// One kind of input.
#[derive(Debug, Clone)]
pub struct Input {
    /// Row label.
    pub name: &'static str,
    /// One event, repeated to make the body.
    pub event: String,
}

/// The inputs of the section.
pub fn inputs() -> Vec<Input> {
    vec![
        Input {
            name: "58 B token",
            event: payload::small_event(),
        },
        Input {
            name: "270 B chat chunk",
            event: payload::chat_event(),
        },
        Input {
            name: "64 KiB event",
            event: payload::large_event(64 * 1024),
        },
        Input {
            name: "1 MiB event",
            event: payload::large_event(1024 * 1024),
        },
    ]
}

/// How the body is cut into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunking {
    /// One chunk per event.
    PerEvent,
    /// Fixed-size reads of this many bytes.
    Reads(usize),
}

impl Chunking {
    /// The chunkings of the section.
    pub const ALL: [Chunking; 4] = [
        Chunking::PerEvent,
        Chunking::Reads(16 * 1024),
        Chunking::Reads(64 * 1024),
        Chunking::Reads(1460),
    ];

    /// Column label.
    pub fn name(self) -> String {
        match self {
            Chunking::PerEvent => "per event".to_owned(),
            Chunking::Reads(n) if n % 1024 == 0 => format!("{} KiB reads", n / 1024),
            Chunking::Reads(n) => format!("{n} B reads"),
        }
    }

    /// The chunks this chunking cuts `body` into (events of `event_len` bytes), for the
    /// diagnostics.
    pub fn split_for_profile(self, body: &Bytes, event_len: usize) -> Vec<Bytes> {
        self.split(body, event_len)
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

/// The decoders compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// `llm_core::sse::EventStream` over the chunks.
    Ours,
    /// `eventsource_stream::EventStream`.
    EventsourceStream,
    /// `sseer::EventStream`.
    Sseer,
    /// `memchr` count of `\n` (no decoding at all).
    MemchrCeiling,
}

impl Decoder {
    /// All of them, in column order.
    pub const ALL: [Decoder; 4] = [
        Decoder::Ours,
        Decoder::EventsourceStream,
        Decoder::Sseer,
        Decoder::MemchrCeiling,
    ];

    /// Column label.
    pub fn name(self) -> &'static str {
        match self {
            Decoder::Ours => "ours (llm-core)",
            Decoder::EventsourceStream => "eventsource-stream",
            Decoder::Sseer => "sseer",
            Decoder::MemchrCeiling => "memchr ceiling",
        }
    }
}

/// One measured row: per decoder, throughput in bytes/s over the repetitions.
#[derive(Debug, Clone)]
pub struct Row {
    /// Input label.
    pub input: &'static str,
    /// Chunking label.
    pub chunking: String,
    /// The chunking itself.
    pub chunking_kind: Chunking,
    /// Bytes per repetition.
    pub bytes: usize,
    /// Events per repetition.
    pub events: usize,
    /// Bytes per second of each timed round, per decoder (same order as [`Decoder::ALL`]; a
    /// slow decoder may have fewer rounds). All rows of one input took turns round by round, so round `i`
    /// of any two of them ran under about the same load.
    pub rounds: Vec<(Decoder, Vec<f64>)>,
}

impl Row {
    /// The throughput summary (bytes/s) of `decoder` over its rounds.
    pub fn get(&self, decoder: Decoder) -> Summary {
        Summary::of(self.rounds_of(decoder))
    }

    /// The bytes per second of `decoder` in each timed round (empty when not measured).
    pub fn rounds_of(&self, decoder: Decoder) -> &[f64] {
        self.rounds
            .iter()
            .find(|(d, _)| *d == decoder)
            .map_or(&[], |(_, r)| r.as_slice())
    }
}

/// Drives a ready-only stream to its end with a no-op waker (every source here is a
/// `stream::iter`, never pending). Returns (events, data bytes).
fn drain<S, T, E>(stream: S, mut len: impl FnMut(&T) -> usize) -> Result<(usize, usize), String>
where
    S: Stream<Item = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut stream = pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    let (mut events, mut bytes) = (0usize, 0usize);
    loop {
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(Ok(item))) => {
                events += 1;
                bytes += len(black_box(&item));
            }
            Poll::Ready(Some(Err(e))) => return Err(e.to_string()),
            Poll::Ready(None) => return Ok((events, bytes)),
            Poll::Pending => return Err("a ready-only stream returned Pending".to_owned()),
        }
    }
}

/// Runs `decoder` once over `chunks`; returns the events it saw.
///
/// # Errors
/// A decode error (none is expected on these inputs).
pub fn run_once(decoder: Decoder, chunks: &[Bytes]) -> Result<usize, String> {
    run_owned(decoder, chunks.to_vec())
}

/// Runs `decoder` once over `chunks`, which it consumes (the timed loop clones the
/// chunk list before starting the clock, so reference-count traffic of the harness's
/// own copy is not timed; the decoders still drop each chunk they are given).
///
/// # Errors
/// A decode error (none is expected on these inputs).
pub fn run_owned(decoder: Decoder, chunks: Vec<Bytes>) -> Result<usize, String> {
    let (events, _) = match decoder {
        Decoder::Ours => drain(
            llm_core::sse::EventStream::new(stream::iter(
                chunks.into_iter().map(Ok::<Bytes, llm_core::Error>),
            )),
            |e: &llm_core::sse::Event| e.data().len(),
        )?,
        Decoder::EventsourceStream => drain(
            eventsource_stream::EventStream::new(stream::iter(
                chunks.into_iter().map(Ok::<Bytes, std::io::Error>),
            )),
            |e: &eventsource_stream::Event| e.data.len(),
        )?,
        Decoder::Sseer => drain(
            sseer::EventStream::new(stream::iter(
                chunks.into_iter().map(Ok::<Bytes, std::io::Error>),
            )),
            |e: &sseer::event::Event| e.data.len(),
        )?,
        Decoder::MemchrCeiling => {
            let lines: usize = chunks
                .iter()
                .map(|c| memchr::memchr_iter(b'\n', black_box(c)).count())
                .sum();
            (lines / 2, 0)
        }
    };
    Ok(events)
}

/// Runs the section: every input x chunking x decoder, up to `reps` timed repetitions
/// each (after one untimed warm-up that checks the count), over about `target_bytes` of
/// input per repetition. The cells of one input take turns round by round (each cell that
/// still has repetitions left runs once per round), so comparisons between decoders and
/// between chunkings pair runs made under about the same load.
///
/// # Errors
/// When a decoder fails or counts a different number of events than expected.
pub fn run(target_bytes: usize, reps: usize) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for input in inputs() {
        // Large events get half the bytes (the slowest contender is quadratic on them).
        let target = if input.event.len() > 64 * 1024 {
            target_bytes / 2
        } else {
            target_bytes
        };
        let count = target.div_ceil(input.event.len()).max(4);
        let body = Bytes::from(input.event.repeat(count));
        // Per chunking: its chunks and, per decoder, its repetitions and samples.
        let mut cells = Vec::new();
        for chunking in Chunking::ALL {
            let chunks = chunking.split(&body, input.event.len());
            let mut decoders = Vec::new();
            for decoder in Decoder::ALL {
                // The first run checks the count and warms up; its time sets how many
                // timed repetitions fit a budget of about 3 s per cell (at least one).
                let start = Instant::now();
                let events = run_once(decoder, &chunks)?;
                let first = start.elapsed().as_secs_f64();
                if events != count {
                    return Err(format!(
                        "{} decoded {events} events of {} ({}, {}), expected {count}",
                        decoder.name(),
                        input.name,
                        chunking.name(),
                        body.len()
                    ));
                }
                let cell_reps = reps.min(((3.0 / first) as usize).max(1));
                decoders.push((decoder, cell_reps, Vec::with_capacity(cell_reps)));
            }
            cells.push((chunking, chunks, decoders));
        }
        for round in 0..reps {
            for (_, chunks, decoders) in &mut cells {
                for (decoder, cell_reps, samples) in decoders.iter_mut() {
                    if round < *cell_reps {
                        let owned = chunks.clone();
                        let start = Instant::now();
                        black_box(run_owned(*decoder, owned)?);
                        samples.push(body.len() as f64 / start.elapsed().as_secs_f64());
                    }
                }
            }
        }
        for (chunking, _, decoders) in cells {
            rows.push(Row {
                input: input.name,
                chunking: chunking.name(),
                chunking_kind: chunking,
                bytes: body.len(),
                events: count,
                rounds: decoders
                    .into_iter()
                    .map(|(d, _, samples)| (d, samples))
                    .collect(),
            });
        }
    }
    Ok(rows)
}
