//! Section 5: delay between an event's send time (stamped by the paced server with
//! `CLOCK_MONOTONIC`) and its delivery to the consumer; for raw `reqwest` chunks (the
//! arrival floor) and for the SDK streams, read concurrently. "Added latency" is taken
//! per event: the SDK's delay minus the raw chunk's delay for the same event index.

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
    /// Median of the per-event added delay over the raw chunk's arrival, ns.
    pub added_p50: f64,
    /// 99th percentile of the per-event added delay, ns.
    pub added_p99: f64,
    /// Why the row has no figures (e.g. the contender failed on this framing).
    pub note: Option<String>,
}

/// Raw chunks: every `"created":<stamp>` found in a chunk counts as arriving with it.
/// Returns (stamp, arrival) pairs in order.
async fn raw_arrivals(clients: &Clients, path: &str) -> Result<Vec<(u64, u64)>, BoxError> {
    let url = format!("{}{}ai/completions", clients.root, path);
    let response = clients
        .http
        .post(url)
        .header("content-type", "application/json")
        .body(clients::raw_stream_body())
        .send()
        .await?;
    let mut body = response.bytes_stream();
    let mut out = Vec::new();
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
                out.push((stamp, now));
            }
        }
    }
    Ok(out)
}

/// An SDK stream: (stamp, delivery) pairs in order.
async fn sdk_deliveries(
    clients: &Clients,
    contender: Contender,
    path: &str,
) -> Result<Vec<(u64, u64)>, BoxError> {
    let mut out = Vec::new();
    clients::stream(clients, contender, path, &mut |_, created| {
        out.push((created, sys::monotonic_ns()));
        None
    })
    .await?;
    Ok(out)
}

/// Per-round samples of one contender.
#[derive(Debug, Clone, Default)]
struct Rounds {
    p50: Vec<f64>,
    p99: Vec<f64>,
    added_p50: Vec<f64>,
    added_p99: Vec<f64>,
    events: usize,
    note: Option<String>,
}

/// Runs the section. Per ending and round, the three contenders read their own
/// connection **at the same time** (one task, `join`), and the server sends event `i` on
/// all three connections in the same timer tick (same start time). So a scheduling
/// hiccup of the client delays the raw chunk and the SDK event alike, and the added
/// delay is taken **per event**: (SDK delivery - stamp) - (raw arrival - stamp) for the
/// same index. Row quantiles are medians over the rounds.
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
        let mut per: Vec<Rounds> = vec![Rounds::default(); CONTENDERS.len()];
        for _ in 0..reps {
            // Far enough ahead for the SDK clients to be built and connected.
            let start = sys::monotonic_ns() + 300_000_000;
            let path = format!(
                "paced/{n}/{interval_us}/{}/{start}/",
                ending.name().to_ascii_lowercase()
            );
            let (raw, es, ours) = futures_util::future::join3(
                raw_arrivals(clients, &path),
                sdk_deliveries(clients, Contender::EventsourceSerde, &path),
                sdk_deliveries(clients, Contender::Ours, &path),
            )
            .await;
            let raw = raw?;
            if raw.len() != n {
                return Err(format!("raw saw {} of {n} paced events", raw.len()).into());
            }
            for (slot, (contender, result)) in
                per.iter_mut()
                    .zip(CONTENDERS.into_iter().zip([Ok(raw.clone()), es, ours]))
            {
                let note = match &result {
                    Err(err) => Some(format!("failed: {err}")),
                    Ok(d) if d.len() != n => Some(format!("delivered {} of {n} events", d.len())),
                    Ok(_) => None,
                };
                if note.is_some() && contender == Contender::Ours {
                    return Err(
                        format!("{} ({}): {note:?}", contender.name(), ending.name()).into(),
                    );
                }
                let got = result.unwrap_or_default();
                slot.events += got.len();
                if note.is_some() {
                    slot.note = note;
                    continue;
                }
                let mut abs: Vec<f64> = got
                    .iter()
                    .map(|(s, t)| t.saturating_sub(*s) as f64)
                    .collect();
                let mut added: Vec<f64> = got
                    .iter()
                    .zip(&raw)
                    .map(|((s, t), (rs, rt))| {
                        t.saturating_sub(*s) as f64 - rt.saturating_sub(*rs) as f64
                    })
                    .collect();
                slot.p50.push(stats::quantile(&mut abs, 0.50));
                slot.p99.push(stats::quantile(&mut abs, 0.99));
                slot.added_p50.push(stats::quantile(&mut added, 0.50));
                slot.added_p99.push(stats::quantile(&mut added, 0.99));
            }
        }
        for (r, contender) in per.into_iter().zip(CONTENDERS) {
            let med = |v: &[f64]| stats::Summary::of(v).median;
            rows.push(Row {
                ending,
                contender,
                events: r.events,
                p50: med(&r.p50),
                p99: med(&r.p99),
                added_p50: med(&r.added_p50),
                added_p99: med(&r.added_p99),
                note: r.note,
            });
        }
    }
    Ok(rows)
}
