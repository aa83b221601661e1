//! The benchmark driver: `cargo run --release -p llm-bench --bin llm-bench [-- --quick]`.
//!
//! Options: `--quick` (fewer events and repetitions), `--sections a,b` (any of `decode`,
//! `streaming`, `memory`, `nonstream`, `latency`; default all), `--parse` (JSON parse costs
//! only), `--time-decode INPUT DECODER REPS` (one row of section 1 in all chunkings, taking
//! turns; best and median; numbered as for `--profile-decode`), `--profile-embed
//! raw|ours float|base64 COUNT N` (N embeddings requests of COUNT vectors, for callgrind),
//! `--profile-chat raw|ours N` (N small chat completions, for callgrind). `--child ...` is internal (the memory section re-executes this
//! binary).

use std::error::Error;
use std::time::Duration;

use llm_bench::clients::{Clients, Contender};
use llm_bench::report::{self, Results};
use llm_bench::server::ServerProcess;
use llm_bench::{decode, diag, latency, memory, nonstream, streaming, sys};

type Res<T> = Result<T, Box<dyn Error>>;

/// Sizes of one run.
struct Plan {
    decode_bytes: usize,
    decode_reps: usize,
    stream_events: usize,
    stream_reps: usize,
    stall_lengths: Vec<usize>,
    stall: Duration,
    stall_reps: usize,
    flat_events: usize,
    chat_requests: usize,
    embed_requests: usize,
    nonstream_reps: usize,
    paced_events: usize,
    paced_interval_us: u64,
    paced_reps: usize,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                decode_bytes: 1 << 20,
                decode_reps: 3,
                stream_events: 20_000,
                stream_reps: 2,
                stall_lengths: vec![20_000, 80_000],
                stall: Duration::from_millis(1000),
                stall_reps: 1,
                flat_events: 100_000,
                chat_requests: 200,
                embed_requests: 20,
                nonstream_reps: 2,
                paced_events: 200,
                paced_interval_us: 1000,
                paced_reps: 1,
            }
        } else {
            Self {
                decode_bytes: 8 << 20,
                decode_reps: 7,
                stream_events: 100_000,
                stream_reps: 9,
                stall_lengths: vec![100_000, 400_000],
                stall: Duration::from_millis(3000),
                stall_reps: 2,
                flat_events: 1_000_000,
                chat_requests: 2000,
                embed_requests: 200,
                nonstream_reps: 5,
                paced_events: 1000,
                paced_interval_us: 1000,
                paced_reps: 3,
            }
        }
    }
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        return child(&args[pos + 1..]);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sections: Vec<String> = match args.iter().position(|a| a == "--sections") {
        Some(pos) => args
            .get(pos + 1)
            .ok_or("--sections needs a value")?
            .split(',')
            .map(str::to_owned)
            .collect(),
        None => ["decode", "streaming", "memory", "nonstream", "latency"]
            .map(str::to_owned)
            .to_vec(),
    };
    let wants = |s: &str| sections.iter().any(|x| x == s);
    if let Err(err) = sys::pin_to_core(1) {
        eprintln!("note: could not pin the client to core 1: {err}");
    }
    if args.iter().any(|a| a == "--parse") {
        for (label, ns) in diag::parse_costs(200_000) {
            println!("{label:50} {ns:.0} ns");
        }
        return Ok(());
    }
    if let Some(pos) = args.iter().position(|a| a == "--profile-decode") {
        let num = |i: usize| -> Res<usize> {
            Ok(args
                .get(pos + i)
                .ok_or("--profile-decode INPUT CHUNKING DECODER ITERS")?
                .parse()?)
        };
        let events = diag::profile_decode(num(1)?, num(2)?, num(3)?, num(4)?)?;
        println!("{events} events");
        return Ok(());
    }
    if let Some(pos) = args.iter().position(|a| a == "--time-decode") {
        let num = |i: usize| -> Res<usize> {
            Ok(args
                .get(pos + i)
                .ok_or("--time-decode INPUT DECODER REPS")?
                .parse()?)
        };
        for (chunking, summary) in diag::time_decode(num(1)?, num(2)?, num(3)?)? {
            println!(
                "{chunking:14} best {:8.0} MB/s  median {:8.0} MB/s",
                summary.max / 1e6,
                summary.median / 1e6
            );
        }
        return Ok(());
    }
    if let Some(pos) = args.iter().position(|a| a == "--profile-embed") {
        let arg = |i: usize| -> Res<&str> {
            Ok(args
                .get(pos + i)
                .ok_or("--profile-embed raw|ours float|base64 COUNT N")?
                .as_str())
        };
        let client = nonstream::Client::parse(arg(1)?).ok_or("raw or ours")?;
        let encoding = match arg(2)? {
            "float" => llm_bench::payload::VectorEncoding::Float,
            "base64" => llm_bench::payload::VectorEncoding::Base64,
            _ => return Err("float or base64".into()),
        };
        let (count, n) = (arg(3)?.parse()?, arg(4)?.parse()?);
        let server = ServerProcess::start(0)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let values = rt.block_on(nonstream::profile(
            &server.url(""),
            client,
            encoding,
            count,
            n,
        ))?;
        println!("{values} values");
        return Ok(());
    }
    if let Some(pos) = args.iter().position(|a| a == "--profile-chat") {
        let arg = |i: usize| -> Res<&str> {
            Ok(args
                .get(pos + i)
                .ok_or("--profile-chat raw|ours N")?
                .as_str())
        };
        let client = nonstream::Client::parse(arg(1)?).ok_or("raw or ours")?;
        let n = arg(2)?.parse()?;
        let server = ServerProcess::start(0)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let bytes = rt.block_on(nonstream::profile_chat(&server.url(""), client, n))?;
        println!("{bytes} bytes of answer text");
        return Ok(());
    }
    let plan = Plan::new(quick);
    let load_start = report::loadavg();
    let server = ServerProcess::start(0)?;
    let root = server.url("");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let clients = Clients::new(&root)?;
    let mut results = Results {
        streaming_events: plan.stream_events,
        latency_interval_us: plan.paced_interval_us,
        ..Results::default()
    };

    if wants("decode") {
        eprintln!("[1/5] SSE decode throughput...");
        results.decode = decode::run(plan.decode_bytes, plan.decode_reps)?;
    }
    if wants("streaming") {
        eprintln!("[2/5] end-to-end streaming...");
        results.streaming = rt.block_on(streaming::run(
            &clients,
            plan.stream_events,
            plan.stream_reps,
        ))?;
    }
    if wants("memory") {
        eprintln!("[3/5] memory...");
        results.stall = memory::run_stall(
            server.port,
            &plan.stall_lengths,
            plan.stall,
            plan.stall_reps,
        )?;
        results.flat = memory::run_flat(server.port, plan.flat_events, 1)?;
    }
    if wants("nonstream") {
        eprintln!("[4/5] non-streaming overhead...");
        results.nonstream = rt.block_on(nonstream::run(
            &root,
            plan.chat_requests,
            plan.embed_requests,
            plan.nonstream_reps,
        ))?;
    }
    if wants("latency") {
        eprintln!("[5/5] added latency...");
        results.latency = rt.block_on(latency::run(
            &clients,
            plan.paced_events,
            plan.paced_interval_us,
            plan.paced_reps,
        ))?;
    }
    println!("{}", report::header(quick, &load_start, &server.pinned));
    println!("{}", report::body(&results));
    Ok(())
}

/// `--child stall <contender> <port> <n> <stall_ms>` or
/// `--child flat <contender> <port> <n> [event|64k]`: one memory measurement (the
/// latter also serves to profile one contender, e.g. under callgrind).
fn child(args: &[String]) -> Res<()> {
    let get = |i: usize| {
        args.get(i)
            .map(String::as_str)
            .ok_or("missing child argument")
    };
    let contender = Contender::parse(get(1)?).ok_or("unknown contender")?;
    let port: u16 = get(2)?.parse()?;
    let n: usize = get(3)?.parse()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match get(0)? {
        "stall" => {
            let stall = Duration::from_millis(get(4)?.parse()?);
            rt.block_on(memory::child_stall(port, contender, n, stall))
        }
        "flat" => {
            let framing = args.get(4).map_or("64k", String::as_str);
            rt.block_on(memory::child_flat(port, contender, n, framing))
        }
        other => Err(format!("unknown child mode {other}").into()),
    }
}
