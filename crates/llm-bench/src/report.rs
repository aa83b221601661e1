//! The printed report: machine and version header, one markdown table per section, and
//! the per-target verdicts computed from this run's medians.

use std::fmt::Write as _;
use std::process::Command;

use crate::clients::Contender;
use crate::decode::{self, Decoder};
use crate::stats::{paired_median, spread_over_rounds};
use crate::{latency, memory, nonstream, streaming};

const MIB: f64 = 1024.0 * 1024.0;

/// Everything one run measured (sections not run are empty).
#[derive(Debug, Default)]
pub struct Results {
    /// Section 1.
    pub decode: Vec<decode::Row>,
    /// Section 2.
    pub streaming: Vec<streaming::Row>,
    /// Streamed events per run in section 2.
    pub streaming_events: usize,
    /// Section 3, stall.
    pub stall: Vec<memory::StallRow>,
    /// Section 3, full speed.
    pub flat: Vec<memory::FlatRow>,
    /// Section 4.
    pub nonstream: nonstream::Measured,
    /// Section 5.
    pub latency: Vec<latency::Row>,
    /// Paced interval of section 5, in µs.
    pub latency_interval_us: u64,
}

fn cmd(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The versions of the contenders and main libraries, from the workspace `Cargo.lock`.
pub fn versions() -> Vec<(String, String)> {
    let lock_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock");
    let lock = std::fs::read_to_string(lock_path).unwrap_or_default();
    let wanted = [
        "llm-core",
        "peakprivacy",
        "aligneai",
        "async-openai",
        "eventsource-stream",
        "sseer",
        "reqwest",
        "hyper",
        "tokio",
        "serde_json",
        "memchr",
    ];
    let mut out = Vec::new();
    for block in lock.split("[[package]]") {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                l.strip_prefix(key).map(|v| {
                    v.trim()
                        .trim_start_matches('=')
                        .trim()
                        .trim_matches('"')
                        .to_owned()
                })
            })
        };
        if let (Some(name), Some(version)) = (field("name ="), field("version =")) {
            if wanted.contains(&name.as_str())
                && !out.iter().any(|(n, v)| *n == name && *v == version)
            {
                out.push((name, version));
            }
        }
    }
    out.sort_by_key(|(n, _)| wanted.iter().position(|w| w == n));
    out
}

/// The header: command, commit, machine, versions.
pub fn header(quick: bool, load_start: &str, server_pinning: &str) -> String {
    let mut s = String::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let nproc = crate::sys::online_cpus();
    let dirty = if cmd("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty() {
        ""
    } else {
        " (work tree has uncommitted changes)"
    };
    let _ = writeln!(
        s,
        "Command: `cargo run --release -p llm-bench --bin llm-bench{}`",
        if quick { " -- --quick" } else { "" }
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "- date: {}", cmd("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
    let _ = writeln!(
        s,
        "- git commit: {}{dirty}",
        cmd("git", &["rev-parse", "--short", "HEAD"])
    );
    let _ = writeln!(
        s,
        "- machine: {nproc} CPUs ({cpu}), Linux {kernel}, {}",
        cmd("rustc", &["-V"])
    );
    let _ = writeln!(
        s,
        "- pinning: server `{server_pinning}`, client (this process) sched_setaffinity core 1; client runtime: tokio current-thread"
    );
    let _ = writeln!(
        s,
        "- load average at start: {load_start}; at end: {}",
        loadavg()
    );
    let v: Vec<String> = versions().iter().map(|(n, v)| format!("{n} {v}")).collect();
    let _ = writeln!(s, "- versions: {}", v.join(", "));
    s
}

/// `/proc/loadavg`'s first three fields.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "MET"
    } else {
        "MISSED"
    }
}

/// The tables and verdicts.
pub fn body(r: &Results) -> String {
    let mut s = String::new();
    let mut verdicts: Vec<String> = Vec::new();

    if !r.decode.is_empty() {
        let _ = writeln!(
            s,
            "\n### 1. SSE decode throughput (MB/s, median (min-max); same bytes, same chunks; the cells of one input take turns round by round; ratios are medians of per-round ratios)\n"
        );
        let _ = writeln!(s, "| input | chunking | ours MB/s | ours events/s | eventsource-stream | sseer | memchr ceiling | ours / es | ours / sseer |");
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
        // Ours over another decoder on one row: the median of the per-round ratios.
        let ratio = |row: &decode::Row, other: Decoder| {
            paired_median(
                row.rounds_of(other),
                row.rounds_of(Decoder::Ours),
                |o, x| x / o,
            )
        };
        for row in &r.decode {
            let ours = row.get(Decoder::Ours);
            let ev_s = ours.median / row.bytes as f64 * row.events as f64;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} M | {} | {} | {} | {:.1}x | {:.2}x |",
                row.input,
                row.chunking,
                ours.fmt(1e6, 0),
                ev_s / 1e6,
                row.get(Decoder::EventsourceStream).fmt(1e6, 0),
                row.get(Decoder::Sseer).fmt(1e6, 0),
                row.get(Decoder::MemchrCeiling).fmt(1e6, 0),
                ratio(row, Decoder::EventsourceStream),
                ratio(row, Decoder::Sseer),
            );
        }
        let lowest = |other: Decoder, want: f64| {
            let min = r
                .decode
                .iter()
                .map(|row| ratio(row, other))
                .fold(f64::INFINITY, f64::min);
            let misses: Vec<String> = r
                .decode
                .iter()
                .filter(|row| ratio(row, other) < want)
                .map(|row| {
                    format!(
                        "{} / {} ({:.2}x)",
                        row.input,
                        row.chunking,
                        ratio(row, other)
                    )
                })
                .collect();
            let below = if misses.is_empty() {
                String::new()
            } else {
                format!("; below on: {}", misses.join(", "))
            };
            (misses.is_empty(), min, below)
        };
        let (met, min_es, below) = lowest(Decoder::EventsourceStream, 3.0);
        verdicts.push(format!("- SSE decode >= 3x eventsource-stream on every row: **{}** (lowest ratio {min_es:.1}x{below})", verdict(met)));
        let (met, min_ss, below) = lowest(Decoder::Sseer, 1.0);
        verdicts.push(format!(
            "- SSE decode >= sseer on every row: **{}** (lowest ratio {min_ss:.2}x{below})",
            verdict(met)
        ));
        let large: Vec<&decode::Row> = r
            .decode
            .iter()
            .filter(|row| row.bytes / row.events >= 64 * 1024)
            .collect();
        let min_large = large
            .iter()
            .map(|row| row.get(Decoder::Ours).median)
            .fold(f64::INFINITY, f64::min);
        verdicts.push(format!(
            "- Large events >= 1.5 GB/s: **{}** (slowest large-event row {:.2} GB/s)",
            verdict(min_large >= 1.5e9),
            min_large / 1e9
        ));
        let mut worst = (0.0f64, "");
        for input in decode::inputs() {
            let rows: Vec<&[f64]> = r
                .decode
                .iter()
                .filter(|row| row.input == input.name)
                .map(|row| row.rounds_of(Decoder::Ours))
                .collect();
            let spread = spread_over_rounds(&rows);
            if spread > worst.0 {
                worst = (spread, input.name);
            }
        }
        verdicts.push(format!("- <= 2x slowdown across chunkings: **{}** (worst: {} varies {:.2}x between its fastest and slowest chunking; median over rounds)", verdict(worst.0 <= 2.0), worst.1, worst.0));
    }

    if !r.streaming.is_empty() {
        let _ = writeln!(s, "\n### 2. End-to-end streaming ({} chat chunks of 270 B from the loopback server process; the contenders take turns round by round; over floor = median over rounds of the difference)\n", r.streaming_events);
        let _ = writeln!(
            s,
            "| framing | client | CPU ns/event | over floor | events/s, thousands (wall) | CPU-bound events/s, thousands (1e9 / CPU ns) |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|");
        for framing in streaming::FRAMINGS {
            let get = |c: Contender| {
                r.streaming
                    .iter()
                    .find(|x| x.framing == framing && x.contender == c)
            };
            let floor_row = get(Contender::RawBytes);
            // CPU over the floor: the median over rounds of (row - floor) in that round.
            let over_floor = |row: &streaming::Row| {
                floor_row.map_or(row.cpu_ns().median, |f| {
                    paired_median(&f.cpu_by_round, &row.cpu_by_round, |f, x| x - f)
                })
            };
            for row in r.streaming.iter().filter(|x| x.framing == framing) {
                let label = if framing == "event" {
                    "1 event / HTTP chunk"
                } else {
                    "64 KiB HTTP chunks"
                };
                let _ = writeln!(
                    s,
                    "| {label} | {} | {} | {:+.0} | {} | {:.0} |",
                    row.contender.name(),
                    row.cpu_ns().fmt(1.0, 0),
                    over_floor(row),
                    row.events_per_s().fmt(1e3, 0),
                    1e6 / row.cpu_ns().median
                );
            }
            if let (Some(ours), Some(oa)) = (get(Contender::Ours), get(Contender::AsyncOpenai)) {
                let floor = floor_row.map_or(0.0, |f| f.cpu_ns().median);
                let over = over_floor(ours);
                verdicts.push(format!("- Streaming CPU <= floor + 400 ns ({framing} framing): **{}** (ours {:.0} ns/event, {over:+.0} ns over the floor's {floor:.0}; median over rounds of the difference)", verdict(over <= 400.0), ours.cpu_ns().median));
                let ratio = paired_median(&oa.rate_by_round, &ours.rate_by_round, |o, x| x / o);
                let cpu_ratio = paired_median(&oa.cpu_by_round, &ours.cpu_by_round, |o, x| o / x);
                let want = if framing == "event" { 2.0 } else { 3.0 };
                if framing == "event" {
                    // Both clients pay the transport floor per event; 2x per event needs
                    // ours' cost over the floor <= (async-openai's - floor) / 2.
                    let oa_over = over_floor(oa);
                    let budget = (oa_over - floor) / 2.0;
                    let need = if budget > 0.0 {
                        format!("2x per event would need ours <= +{budget:.0} ns")
                    } else {
                        "2x per event is out of reach in this run: the floor alone is over half of async-openai's cost".to_owned()
                    };
                    verdicts.push(format!("- CPU over the transport floor, async-openai / ours (event framing): {:.2}x (async-openai {oa_over:+.0} ns, ours {over:+.0} ns; {need})", oa_over / over.max(1.0)));
                }
                // Wall-clock rates swing with the load other processes put on the two
                // cores; the target counts as met only when the CPU-bound ratio agrees.
                verdicts.push(format!("- Streaming events/s >= {want}x async-openai ({framing} framing): **{}** (wall {ratio:.2}x: {:.0}k vs {:.0}k events/s; CPU-bound {cpu_ratio:.2}x; ratios are medians over rounds; met only if both reach {want}x)", verdict(ratio >= want && cpu_ratio >= want), ours.events_per_s().median / 1e3, oa.events_per_s().median / 1e3));
            }
        }
    }

    if !r.stall.is_empty() || !r.flat.is_empty() {
        let _ = writeln!(
            s,
            "\n### 3. Memory (fresh child process per run, 64 KiB framing)\n"
        );
        let _ = writeln!(
            s,
            "| test | client | stream | RSS growth MiB | peak over pre-request RSS, MiB |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|");
        for row in &r.stall {
            let _ = writeln!(
                s,
                "| consumer stalls after {} events | {} | {} events, {:.0} MB | {} | |",
                memory::STALL_AFTER,
                row.contender.name(),
                row.events,
                row.bytes as f64 / 1e6,
                row.growth.fmt(MIB, 1)
            );
        }
        for row in &r.flat {
            let _ = writeln!(
                s,
                "| full speed, growth after the 10% mark | {} | {} events | {} | {} |",
                row.contender.name(),
                row.events,
                row.growth.fmt(MIB, 1),
                row.peak.fmt(MIB, 1)
            );
        }
        let ours_stall: Vec<&memory::StallRow> = r
            .stall
            .iter()
            .filter(|x| x.contender == Contender::Ours)
            .collect();
        if !ours_stall.is_empty() {
            let worst = ours_stall.iter().map(|x| x.growth.max).fold(0.0, f64::max);
            let oa = r
                .stall
                .iter()
                .filter(|x| x.contender == Contender::AsyncOpenai)
                .map(|x| format!("{:.0} MiB at {} events", x.growth.median / MIB, x.events))
                .collect::<Vec<_>>()
                .join(", ");
            verdicts.push(format!("- Stall growth <= 8 MiB regardless of length: **{}** (ours at most {:.1} MiB over {} stream lengths; async-openai {oa})", verdict(worst <= 8.0 * MIB), worst / MIB, ours_stall.len()));
        }
        if let Some(ours) = r.flat.iter().find(|x| x.contender == Contender::Ours) {
            verdicts.push(format!(
                "- Flat RSS over {} events (growth after the 10% mark < 4 MiB): **{}** ({:.1} MiB)",
                ours.events,
                verdict(ours.growth.max < 4.0 * MIB),
                ours.growth.median / MIB
            ));
        }
    }

    if !r.nonstream.rows.is_empty() {
        nonstream_tables(&mut s, &mut verdicts, &r.nonstream);
    }

    if !r.latency.is_empty() {
        let _ = writeln!(s, "\n### 5. Delivery delay after the server's write (paced, one event every {} µs; contenders read concurrently; added = per-event delay minus the raw chunk's; medians of per-round quantiles)\n", r.latency_interval_us);
        let _ = writeln!(s, "| line ends | client | events (all rounds) | p50 µs | p99 µs | added p50 µs | added p99 µs |");
        let _ = writeln!(s, "|---|---|---|---|---|---|---|");
        for ending in latency::ENDINGS {
            for row in r.latency.iter().filter(|x| x.ending == ending) {
                if let Some(note) = &row.note {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {note} | | | |",
                        ending.name(),
                        row.contender.name(),
                        row.events
                    );
                    continue;
                }
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {:.0} | {:.0} | {:+.0} | {:+.0} |",
                    ending.name(),
                    row.contender.name(),
                    row.events,
                    row.p50 / 1e3,
                    row.p99 / 1e3,
                    row.added_p50 / 1e3,
                    row.added_p99 / 1e3
                );
            }
            if let Some(ours) = r
                .latency
                .iter()
                .find(|x| x.ending == ending && x.contender == Contender::Ours)
            {
                let added = ours.added_p99 / 1e3;
                verdicts.push(format!(
                    "- Added p99 <= 200 µs ({}): **{}** ({added:+.0} µs per event over the raw chunk; p50 {:+.0} µs)",
                    ending.name(),
                    verdict(added <= 200.0),
                    ours.added_p50 / 1e3
                ));
            }
        }
    }

    let _ = writeln!(s, "\n### Verdicts (ratios from this run's medians)\n");
    for v in verdicts {
        let _ = writeln!(s, "{v}");
    }
    s
}

/// The embeddings decode target of issue 16: ours at most this much CPU over raw.
const EMBED_LIMIT_PCT: f64 = 3.0;

fn pct(ours: f64, raw: f64) -> f64 {
    (ours / raw - 1.0) * 100.0
}

/// Section 4: the summary table, the float-vs-base64 table, and their verdicts.
fn nonstream_tables(s: &mut String, verdicts: &mut Vec<String>, m: &nonstream::Measured) {
    use crate::payload::VectorEncoding::{Base64, Float};

    let _ = writeln!(
        s,
        "\n### 4. Non-streaming CPU per request (keep-alive, sequential)\n"
    );
    let _ = writeln!(
        s,
        "| request | requests/run | raw reqwest + serde_json µs | ours µs | ours / raw |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for row in &m.rows {
        let over = row.paired_ratio.map_or_else(
            || pct(row.ours.median, row.raw.median),
            |ratio| (ratio - 1.0) * 100.0,
        );
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {over:+.1}% |",
            row.kind.name(),
            row.requests,
            row.raw.fmt(1e3, 1),
            row.ours.fmt(1e3, 1),
        );
        let limit = if row.kind == nonstream::Kind::Chat {
            10.0
        } else {
            EMBED_LIMIT_PCT
        };
        verdicts.push(format!(
            "- Non-streaming {} <= +{limit:.0}% CPU over raw reqwest: **{}** ({over:+.1}%)",
            row.kind.name(),
            verdict(over <= limit),
        ));
    }
    if m.rows.iter().any(|row| row.paired_ratio.is_some()) {
        let _ = writeln!(
            s,
            "\nRaw and ours run in alternating short blocks ({} per run; every other block ours first) and each ratio is the median of per-block ratios; the embeddings row is the 8-vector float cell of table 4b.",
            nonstream::BLOCKS_PER_REP
        );
    }
    if m.embeddings.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n### 4b. Embeddings, JSON floats vs base64 ({} dimensions; CPU µs per request)\n",
        nonstream::DIMS
    );
    let _ = writeln!(
        s,
        "| vectors | blocks x requests | float body KB | base64 body KB | base64 / float bytes | raw float | ours float | ours / raw float | raw base64 | ours base64 | ours / raw base64 | ours base64 / ours float |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for row in &m.embeddings {
        let _ = writeln!(
            s,
            "| {} | {} x {} | {:.1} | {:.1} | {:.2} | {} | {} | {} | {} | {} | {} | {:.2} ({:.2}-{:.2}) |",
            row.vectors,
            row.blocks,
            row.requests,
            row.float_bytes as f64 / 1e3,
            row.base64_bytes as f64 / 1e3,
            row.base64_bytes as f64 / row.float_bytes as f64,
            row.raw_float.fmt(1e3, 1),
            row.ours_float.fmt(1e3, 1),
            pct_range(&row.ratio_float),
            row.raw_base64.fmt(1e3, 1),
            row.ours_base64.fmt(1e3, 1),
            pct_range(&row.ratio_base64),
            row.ratio_ours_base64_float.median,
            row.ratio_ours_base64_float.min,
            row.ratio_ours_base64_float.max,
        );
    }
    let p = &m.precision;
    let _ = writeln!(
        s,
        "\nFloat bodies print each f32 with 9 decimals: {} of {} values come back bit for bit ({:.1}%), largest error {:.1e} ({} ulp); base64 carries every f32 exactly.",
        p.exact,
        p.values,
        100.0 * p.exact as f64 / p.values.max(1) as f64,
        p.max_abs_error,
        p.max_ulps
    );
    // The target is the decode: rows of 8 and more vectors, where decoding is most of a
    // request's CPU. With 1 vector the fixed per-request cost of the transport dominates;
    // its ratio is printed beside the verdict but not judged.
    for (e, name) in [(Float, "floats"), (Base64, "base64")] {
        let over = |row: &nonstream::EmbedRow| {
            let ratio = match e {
                Float => row.ratio_float.median,
                Base64 => row.ratio_base64.median,
            };
            (ratio - 1.0) * 100.0
        };
        let (judged, shown): (Vec<_>, Vec<_>) =
            m.embeddings.iter().partition(|row| row.vectors >= 8);
        if judged.is_empty() {
            continue;
        }
        let worst = judged
            .iter()
            .map(|row| over(row))
            .fold(f64::NEG_INFINITY, f64::max);
        let list = |rows: &[&nonstream::EmbedRow]| {
            rows.iter()
                .map(|row| format!("{} x {}: {:+.1}%", row.vectors, nonstream::DIMS, over(row)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        verdicts.push(format!(
            "- Embeddings decode <= +{EMBED_LIMIT_PCT:.0}% CPU over raw reqwest + serde_json, {name}, 8 and more vectors (median of per-block ratios): **{}** ({}; not judged, fixed per-request cost: {})",
            verdict(worst <= EMBED_LIMIT_PCT),
            list(&judged),
            list(&shown),
        ));
    }
}

/// A per-block ratio as `+x.x% (min..max)`.
fn pct_range(ratio: &crate::stats::Summary) -> String {
    format!(
        "{:+.1}% ({:+.1}..{:+.1})",
        (ratio.median - 1.0) * 100.0,
        (ratio.min - 1.0) * 100.0,
        (ratio.max - 1.0) * 100.0
    )
}
