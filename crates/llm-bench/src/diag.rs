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
