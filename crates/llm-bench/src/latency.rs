//! Section 5: delay between an event's send time (stamped by the paced server with
//! `CLOCK_MONOTONIC`) and its delivery to the consumer; for raw `reqwest` chunks (the
//! arrival floor) and for the SDK streams. "Added latency" is the SDK's quantile minus
//! the raw chunks' quantile in the same framing.

use futures_util::StreamExt;

use crate::clients::{self, BoxError, Clients, Contender};
use crate::payload::LineEnding;
use crate::stats;
use crate::sys;

/// Who is measured (the raw row is the floor).
pub const CONTENDERS: [Contender; 3] = [
    Contender::RawBytes,
    Contender::EventsourceSerde,
    Contender::Ours,
];

/// The line endings.
pub const ENDINGS: [LineEnding; 3] = [LineEnding::Lf, LineEnding::CrLf, LineEnding::Cr];

/// One row: p50 and p99 delay in ns.
#[derive(Debug, Clone)]
pub struct Row {
    /// Line ending.
    pub ending: LineEnding,
    /// Who.
    pub contender: Contender,
    /// Events measured.
    pub events: usize,
    /// Median delay, ns.
    pub p50: f64,
    /// 99th percentile delay, ns.
    pub p99: f64,
    /// Why the row has no figures (e.g. the contender failed on this framing).
    pub note: Option<String>,
}

/// Raw chunks: every `"created":<stamp>` found in a chunk counts as arriving with it.
async fn raw_delays(clients: &Clients, path: &str) -> Result<Vec<f64>, BoxError> {
    let url = format!("{}{}ai/completions", clients.root, path);
    let response = clients
        .http
        .post(url)
        .header("content-type", "application/json")
        .body(clients::raw_stream_body())
        .send()
        .await?;
    let mut body = response.bytes_stream();
    let mut delays = Vec::new();
    let finder = memchr::memmem::Finder::new(b"\"created\":");
    while let Some(chunk) = body.next().await {
        let now = sys::monotonic_ns();
        let chunk = chunk?;
        for at in finder.find_iter(&chunk) {
            let digits = &chunk[at + 10..];
            let end = digits
                .iter()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(digits.len());
            if let Some(stamp) = std::str::from_utf8(&digits[..end])
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
            {
                delays.push(now.saturating_sub(stamp) as f64);
            }
        }
    }
    Ok(delays)
}

/// Per-round p50s, p99s, events seen and a failure note, for one contender.
type Rounds = (Vec<f64>, Vec<f64>, usize, Option<String>);

/// Runs the section: per ending, `reps` rounds in which each contender streams `n`
/// events paced every `interval_us`; a row's quantiles are the medians over the rounds.
///
/// # Errors
/// A failed stream or a wrong event count (eventsource-stream failures are noted).
pub async fn run(
    clients: &Clients,
    n: usize,
    interval_us: u64,
    reps: usize,
) -> Result<Vec<Row>, BoxError> {
    let mut rows = Vec::new();
    for ending in ENDINGS {
        let path = format!(
            "paced/{n}/{interval_us}/{}/",
            ending.name().to_ascii_lowercase()
        );
        let mut per: Vec<Rounds> = vec![Rounds::default(); CONTENDERS.len()];
        for _ in 0..reps {
            for (slot, contender) in per.iter_mut().zip(CONTENDERS) {
                let result = if contender == Contender::RawBytes {
                    raw_delays(clients, &path).await
                } else {
                    let mut delays = Vec::with_capacity(n);
                    clients::stream(clients, contender, &path, &mut |_, created| {
                        delays.push(sys::monotonic_ns().saturating_sub(created) as f64);
                        None
                    })
                    .await
                    .map(|_| delays)
                };
                let note = match &result {
                    Err(err) => Some(format!("failed: {err}")),
                    Ok(d) if d.len() != n => Some(format!("delivered {} of {n} events", d.len())),
                    Ok(_) => None,
                };
                if note.is_some() && contender != Contender::EventsourceSerde {
                    return Err(
                        format!("{} ({}): {note:?}", contender.name(), ending.name()).into(),
                    );
                }
                let mut delays = result.unwrap_or_default();
                slot.2 += delays.len();
                if note.is_some() {
                    slot.3 = note;
                } else {
                    slot.0.push(stats::quantile(&mut delays, 0.50));
                    slot.1.push(stats::quantile(&mut delays, 0.99));
                }
            }
        }
        for ((p50, p99, events, note), contender) in per.into_iter().zip(CONTENDERS) {
            rows.push(Row {
                ending,
                contender,
                events,
                p50: stats::Summary::of(&p50).median,
                p99: stats::Summary::of(&p99).median,
                note,
            });
        }
    }
    Ok(rows)
}
