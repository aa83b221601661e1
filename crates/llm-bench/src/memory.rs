//! Section 3: resident memory while the consumer stalls mid-stream, and over a long
//! stream consumed at full speed. Each measurement runs in a fresh child process (this
//! binary re-executed with `--child`), so earlier sections' allocations do not blur it.

use std::process::Command;
use std::time::Duration;

use crate::clients::{self, BoxError, Clients, Contender};
use crate::stats::Summary;
use crate::sys;

/// The contenders of the section.
pub const CONTENDERS: [Contender; 2] = [Contender::Ours, Contender::AsyncOpenai];

/// After how many events the consumer stalls.
pub const STALL_AFTER: usize = 1000;

/// One stall measurement row.
#[derive(Debug, Clone)]
pub struct StallRow {
    /// Who.
    pub contender: Contender,
    /// Events in the stream.
    pub events: usize,
    /// Stream size in bytes.
    pub bytes: usize,
    /// RSS growth during the stall, bytes.
    pub growth: Summary,
}

/// One full-speed measurement row.
#[derive(Debug, Clone)]
pub struct FlatRow {
    /// Who.
    pub contender: Contender,
    /// Events in the stream.
    pub events: usize,
    /// RSS growth from the 10% point to the largest later sample, bytes.
    pub growth: Summary,
    /// The largest RSS sample minus the RSS before the request, bytes.
    pub peak: Summary,
}

/// Child side of a stall run: stream `n` events (64 KiB framing), stall `stall` after
/// [`STALL_AFTER`] events, print `RESULT <growth bytes>`.
///
/// # Errors
/// Stream failures.
pub async fn child_stall(
    port: u16,
    contender: Contender,
    n: usize,
    stall: Duration,
) -> Result<(), BoxError> {
    let clients = Clients::new(&format!("http://127.0.0.1:{port}/"))?;
    let (mut before, mut after) = (0u64, 0u64);
    let path = format!("sse/64k/{n}/lf/");
    clients::stream(&clients, contender, &path, &mut |i, _| {
        if i == STALL_AFTER {
            before = sys::rss_bytes().unwrap_or(0);
            Some(stall)
        } else {
            if i == STALL_AFTER + 1 {
                // The first event after the stall: whatever was buffered meanwhile is
                // still held (only one event has been taken out since).
                after = sys::rss_bytes().unwrap_or(0);
            }
            None
        }
    })
    .await?;
    println!("RESULT {}", after.saturating_sub(before));
    Ok(())
}

/// Child side of a full-speed run: stream `n` events, sampling RSS 20 times; prints
/// `RESULT <growth from the 10% sample> <peak minus the RSS before the request>`.
///
/// # Errors
/// Stream failures.
pub async fn child_flat(
    port: u16,
    contender: Contender,
    n: usize,
    framing: &str,
) -> Result<(), BoxError> {
    let clients = Clients::new(&format!("http://127.0.0.1:{port}/"))?;
    let every = (n / 20).max(1);
    let baseline = sys::rss_bytes()?;
    let mut samples: Vec<u64> = Vec::new();
    let path = format!("sse/{framing}/{n}/lf/");
    clients::stream(&clients, contender, &path, &mut |i, _| {
        if i % every == 0 {
            samples.push(sys::rss_bytes().unwrap_or(0));
        }
        None
    })
    .await?;
    samples.push(sys::rss_bytes().unwrap_or(0));
    let base = samples.get(2).copied().unwrap_or(0);
    let peak = samples.iter().copied().max().unwrap_or(0);
    let later_peak = samples.iter().skip(2).copied().max().unwrap_or(0);
    println!(
        "RESULT {} {}",
        later_peak.saturating_sub(base),
        peak.saturating_sub(baseline)
    );
    Ok(())
}

fn run_child(args: &[String]) -> Result<Vec<f64>, BoxError> {
    let exe = std::env::current_exe()?;
    let out = Command::new(exe).arg("--child").args(args).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "child {args:?} failed: {}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or_else(|| format!("child {args:?} printed no RESULT: {stdout}"))?;
    Ok(line
        .split_whitespace()
        .filter_map(|v| v.parse::<f64>().ok())
        .collect())
}

/// Runs the stall measurements for each contender and stream length.
///
/// # Errors
/// A failed child.
pub fn run_stall(
    port: u16,
    lengths: &[usize],
    stall: Duration,
    reps: usize,
) -> Result<Vec<StallRow>, BoxError> {
    let event_len = crate::payload::chat_event().len();
    let mut rows = Vec::new();
    for &n in lengths {
        for contender in CONTENDERS {
            let mut growth = Vec::new();
            for _ in 0..reps {
                let r = run_child(&[
                    "stall".to_owned(),
                    format!("{contender:?}"),
                    port.to_string(),
                    n.to_string(),
                    stall.as_millis().to_string(),
                ])?;
                growth.push(r.first().copied().unwrap_or(f64::NAN));
            }
            rows.push(StallRow {
                contender,
                events: n,
                bytes: n * event_len,
                growth: Summary::of(&growth),
            });
        }
    }
    Ok(rows)
}

/// Runs the full-speed measurements.
///
/// # Errors
/// A failed child.
pub fn run_flat(port: u16, n: usize, reps: usize) -> Result<Vec<FlatRow>, BoxError> {
    let mut rows = Vec::new();
    for contender in CONTENDERS {
        let (mut growth, mut peak) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            let r = run_child(&[
                "flat".to_owned(),
                format!("{contender:?}"),
                port.to_string(),
                n.to_string(),
            ])?;
            growth.push(r.first().copied().unwrap_or(f64::NAN));
            peak.push(r.get(1).copied().unwrap_or(f64::NAN));
        }
        rows.push(FlatRow {
            contender,
            events: n,
            growth: Summary::of(&growth),
            peak: Summary::of(&peak),
        });
    }
    Ok(rows)
}
