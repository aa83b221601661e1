//! Section 2: end-to-end streaming of `n` chat chunks from the loopback server; client
//! CPU per event (`getrusage`, whole process) and events per second (wall clock).

use std::time::Instant;

use crate::clients::{self, BoxError, Clients, Contender};
use crate::stats::Summary;
use crate::sys;

/// The contenders of the section, in row order.
pub const CONTENDERS: [Contender; 5] = [
    Contender::RawBytes,
    Contender::EventsourceSerde,
    Contender::AsyncOpenai,
    Contender::LlmCoreSerde,
    Contender::Ours,
];

/// The framings: one HTTP chunk (and one server write) per event, or 64 KiB chunks.
pub const FRAMINGS: [&str; 2] = ["event", "64k"];

/// One measured row.
#[derive(Debug, Clone)]
pub struct Row {
    /// `event` or `64k`.
    pub framing: &'static str,
    /// Who.
    pub contender: Contender,
    /// Client CPU (user + sys) per event in ns, of each measured round in round order (the
    /// rows of one framing line up round by round: their runs took turns under the same
    /// load).
    pub cpu_by_round: Vec<f64>,
    /// Events per second of each measured round, in round order.
    pub rate_by_round: Vec<f64>,
}

impl Row {
    /// Client CPU (user + sys) per event, in ns, over the rounds.
    pub fn cpu_ns(&self) -> Summary {
        Summary::of(&self.cpu_by_round)
    }

    /// Events per second over the rounds.
    pub fn events_per_s(&self) -> Summary {
        Summary::of(&self.rate_by_round)
    }
}

/// Runs the section: per framing, one untimed warm-up run of each contender, then `reps`
/// rounds in which every contender streams `n` events once, in row order. Taking turns
/// round by round (rather than all runs of one contender, then the next) puts every
/// contender under the same load of the shared machine, so the ratios between rows hold
/// even when that load changes during the section.
///
/// # Errors
/// When a stream fails or delivers the wrong number of events.
pub async fn run(clients: &Clients, n: usize, reps: usize) -> Result<Vec<Row>, BoxError> {
    let mut rows = Vec::new();
    for framing in FRAMINGS {
        let path = format!("sse/{framing}/{n}/lf/");
        let mut cpu = vec![Vec::new(); CONTENDERS.len()];
        let mut rate = vec![Vec::new(); CONTENDERS.len()];
        for round in 0..=reps {
            for (i, contender) in CONTENDERS.into_iter().enumerate() {
                let cpu0 = sys::process_cpu();
                let t0 = Instant::now();
                let count = clients::stream(clients, contender, &path, &mut |_, _| None).await?;
                let wall = t0.elapsed();
                let cpu_used = sys::process_cpu().saturating_sub(cpu0);
                check_count(contender, count, n)?;
                if round > 0 {
                    cpu[i].push(cpu_used.as_nanos() as f64 / n as f64);
                    rate[i].push(n as f64 / wall.as_secs_f64());
                }
            }
        }
        for (i, contender) in CONTENDERS.into_iter().enumerate() {
            rows.push(Row {
                framing,
                contender,
                cpu_by_round: std::mem::take(&mut cpu[i]),
                rate_by_round: std::mem::take(&mut rate[i]),
            });
        }
    }
    Ok(rows)
}

/// Checks that a run delivered all `n` events (for raw bytes: all their bytes).
///
/// # Errors
/// When it did not.
pub fn check_count(contender: Contender, count: usize, n: usize) -> Result<(), BoxError> {
    let expected = match contender {
        Contender::RawBytes => {
            n * crate::payload::chat_event().len() + crate::payload::DONE_EVENT.len()
        }
        _ => n,
    };
    if count == expected {
        Ok(())
    } else {
        Err(format!(
            "{} delivered {count}, expected {expected}",
            contender.name()
        )
        .into())
    }
}
