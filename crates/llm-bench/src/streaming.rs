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
    /// Client CPU (user + sys) per event, in ns.
    pub cpu_ns: Summary,
    /// Events per second.
    pub events_per_s: Summary,
}

/// Runs the section: per framing and contender, one untimed warm-up run, then `reps`
/// measured runs of `n` events.
///
/// # Errors
/// When a stream fails or delivers the wrong number of events.
pub async fn run(clients: &Clients, n: usize, reps: usize) -> Result<Vec<Row>, BoxError> {
    let mut rows = Vec::new();
    for framing in FRAMINGS {
        let path = format!("sse/{framing}/{n}/lf/");
        for contender in CONTENDERS {
            let mut cpu = Vec::new();
            let mut rate = Vec::new();
            for rep in 0..=reps {
                let cpu0 = sys::process_cpu();
                let t0 = Instant::now();
                let count = clients::stream(clients, contender, &path, &mut |_, _| None).await?;
                let wall = t0.elapsed();
                let cpu_used = sys::process_cpu().saturating_sub(cpu0);
                check_count(contender, count, n)?;
                if rep > 0 {
                    cpu.push(cpu_used.as_nanos() as f64 / n as f64);
                    rate.push(n as f64 / wall.as_secs_f64());
                }
            }
            rows.push(Row {
                framing,
                contender,
                cpu_ns: Summary::of(&cpu),
                events_per_s: Summary::of(&rate),
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
