//! Diagnostics (not part of the table): the cost of parsing one 270-byte chat chunk into
//! each type the contenders use, to tell decoder cost from JSON cost.

use std::hint::black_box;
use std::time::Instant;

use crate::payload;

fn time<T>(label: &str, iters: usize, mut f: impl FnMut() -> T) -> (String, f64) {
    for _ in 0..iters / 10 {
        black_box(f());
    }
    let t0 = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    (
        label.to_owned(),
        t0.elapsed().as_nanos() as f64 / iters as f64,
    )
}

/// ns per parse of the chat chunk JSON into several types.
pub fn parse_costs(iters: usize) -> Vec<(String, f64)> {
    let event = payload::chat_event();
    let json = event
        .trim_start_matches("data: ")
        .trim_end_matches('\n')
        .to_owned();
    let j = json.as_str();
    vec![
        time("serde IgnoredAny (validate only)", iters, || {
            serde_json::from_str::<serde::de::IgnoredAny>(j).is_ok()
        }),
        time("serde_json::Value", iters, || {
            serde_json::from_str::<serde_json::Value>(j).is_ok()
        }),
        time("peakprivacy::ChatCompletionChunk (from_str)", iters, || {
            serde_json::from_str::<peakprivacy::ChatCompletionChunk>(j).is_ok()
        }),
        time(
            "ChatCompletionChunk::from_json (ours, streams)",
            iters,
            || peakprivacy::ChatCompletionChunk::from_json(j).is_ok(),
        ),
        time(
            "Value then from_value::<ChatCompletionChunk>",
            iters,
            || {
                serde_json::from_str::<serde_json::Value>(j)
                    .ok()
                    .and_then(|v| {
                        serde_json::from_value::<peakprivacy::ChatCompletionChunk>(v).ok()
                    })
                    .is_some()
            },
        ),
        time(
            "async-openai CreateChatCompletionStreamResponse",
            iters,
            || {
                serde_json::from_str::<
                async_openai::types::chat::CreateChatCompletionStreamResponse,
            >(j)
            .is_ok()
            },
        ),
    ]
}

/// Runs one decode cell `iters` times (for profilers such as callgrind); returns events.
///
/// # Errors
/// Decode errors.
pub fn profile_decode(
    input: usize,
    chunking: usize,
    decoder: usize,
    iters: usize,
) -> Result<usize, String> {
    use crate::decode::{inputs, Chunking, Decoder};
    let input = inputs().into_iter().nth(input).ok_or("no such input")?;
    let chunking = *Chunking::ALL.get(chunking).ok_or("no such chunking")?;
    let decoder = *Decoder::ALL.get(decoder).ok_or("no such decoder")?;
    let body = bytes::Bytes::from(input.event.repeat(16));
    let chunks = chunking.split_for_profile(&body, input.event.len());
    let mut events = 0;
    for _ in 0..iters {
        events += crate::decode::run_once(decoder, &chunks)?;
    }
    Ok(events)
}

/// Times one input through `decoder` in every chunking of section 1 (same bodies), the
/// chunkings taking turns for `reps` rounds so that load from other processes hits them
/// alike; returns per chunking its label and the throughput summary (bytes/s). The
/// maximum (the run least disturbed) is the figure to compare on a shared machine.
///
/// ```
/// // 58-byte events through the memchr ceiling, one round.
/// let rows = llm_bench::diag::time_decode(0, 3, 1).unwrap();
/// let names: Vec<&str> = rows.iter().map(|(name, _)| name.as_str()).collect();
/// assert_eq!(names, ["per event", "16 KiB reads", "64 KiB reads", "1460 B reads"]);
/// assert!(rows.iter().all(|(_, bytes_per_s)| bytes_per_s.n == 1 && bytes_per_s.max > 0.0));
/// assert!(llm_bench::diag::time_decode(9, 0, 1).is_err()); // no such input
/// ```
///
/// # Errors
/// Decode errors, or an unknown input or decoder number.
pub fn time_decode(
    input: usize,
    decoder: usize,
    reps: usize,
) -> Result<Vec<(String, crate::stats::Summary)>, String> {
    use crate::decode::{inputs, run_once, run_owned, Chunking, Decoder};
    let input = inputs().into_iter().nth(input).ok_or("no such input")?;
    let decoder = *Decoder::ALL.get(decoder).ok_or("no such decoder")?;
    // The body size of section 1 (full run).
    let target: usize = if input.event.len() > 64 * 1024 {
        4 << 20
    } else {
        8 << 20
    };
    let count = target.div_ceil(input.event.len()).max(4);
    let body = bytes::Bytes::from(input.event.repeat(count));
    let chunkings: Vec<Vec<bytes::Bytes>> = Chunking::ALL
        .iter()
        .map(|c| c.split_for_profile(&body, input.event.len()))
        .collect();
    for chunks in &chunkings {
        run_once(decoder, chunks)?;
    }
    let mut samples = vec![Vec::with_capacity(reps); chunkings.len()];
    for _ in 0..reps {
        for (chunks, samples) in chunkings.iter().zip(&mut samples) {
            let owned = chunks.clone();
            let start = Instant::now();
            black_box(run_owned(decoder, owned)?);
            samples.push(body.len() as f64 / start.elapsed().as_secs_f64());
        }
    }
    Ok(Chunking::ALL
        .iter()
        .zip(samples)
        .map(|(c, s)| (c.name(), crate::stats::Summary::of(&s)))
        .collect())
}
