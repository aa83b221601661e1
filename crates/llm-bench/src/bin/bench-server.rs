//! The loopback HTTP/1.1 server of the benchmark harness, run as a separate process
//! (the driver pins it to one core and itself to the other).
//!
//! It prints `PORT <n>` on stdout once listening, serves keep-alive connections, always
//! reads the whole request body (`Content-Length`) before answering, and exits when its
//! stdin is closed (so it never outlives the driver).
//!
//! Routes (anything after the listed segments is ignored, so an SDK's own endpoint path,
//! such as `ai/completions` or `chat/completions`, can follow a base URL):
//!
//! - `/sse/{event|64k}/{n}/{lf|crlf|cr}/...`: `n` 270-byte chat chunks then `data: [DONE]`,
//!   chunked transfer encoding; `event` = one HTTP chunk and one write per event, `64k` =
//!   the byte stream cut into 64 KiB HTTP chunks (events straddle chunk boundaries).
//! - `/paced/{n}/{interval_us}/{lf|crlf|cr}/[{start_ns}/]...`: `n` chunks, one write
//!   each, one every `interval_us` (from `start_ns`, a `CLOCK_MONOTONIC` time, when
//!   given), each stamped (`created`) with its `CLOCK_MONOTONIC` send time in ns.
//! - `/chat/...`: a small chat completion (`Content-Length`).
//! - `/embed/...`: an embeddings response (`Content-Length`) with one 1536-value vector per
//!   string in the request's `inputs` (8 when there is no such array), as JSON numbers, or
//!   as base64 of little-endian `f32`s when the request says `"encoding_format": "base64"`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error;
use std::io::{BufRead, Write};
use std::rc::Rc;
use std::time::Duration;

use llm_bench::payload::{self, LineEnding, VectorEncoding};
use llm_bench::sys;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// The size of one HTTP chunk in `64k` framing.
const FRAME: usize = 64 * 1024;

fn main() -> Res<()> {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--port" {
            port = args.next().ok_or("--port needs a value")?.parse()?;
        }
    }
    // Exit when the driver goes away (our stdin is its pipe).
    std::thread::spawn(|| {
        let mut sink = String::new();
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        while lock.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
        std::process::exit(0);
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let port = listener.local_addr()?.port();
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "PORT {port}")?;
            out.flush()?;
        }
        let shared = Rc::new(Bodies::new());
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async move {
                loop {
                    let (socket, _) = listener.accept().await?;
                    socket.set_nodelay(true)?;
                    let shared = shared.clone();
                    tokio::task::spawn_local(async move {
                        // A client that hangs up mid-stream is normal (stall tests).
                        let _ = serve(socket, &shared).await;
                    });
                }
            })
            .await
    })
}

/// Dimensions of every vector the server sends.
const EMBED_DIMS: usize = 1536;

/// Embeddings bodies by vector count and encoding.
type EmbeddingBodies = HashMap<(usize, VectorEncoding), Rc<Vec<u8>>>;

/// Bodies computed once (embeddings: once per vector count and encoding).
struct Bodies {
    completion: Vec<u8>,
    embeddings: RefCell<EmbeddingBodies>,
}

impl Bodies {
    fn new() -> Self {
        Self {
            completion: payload::completion_json().into_bytes(),
            embeddings: RefCell::new(HashMap::new()),
        }
    }

    /// The embeddings answer to `request` (a JSON body with `inputs` and optionally
    /// `encoding_format`).
    fn embeddings(&self, request: &[u8]) -> Rc<Vec<u8>> {
        let request: serde_json::Value = serde_json::from_slice(request).unwrap_or_default();
        let count = request["inputs"].as_array().map_or(8, Vec::len);
        let encoding = if request["encoding_format"] == "base64" {
            VectorEncoding::Base64
        } else {
            VectorEncoding::Float
        };
        self.embeddings
            .borrow_mut()
            .entry((count, encoding))
            .or_insert_with(|| {
                Rc::new(payload::embeddings_body(count, EMBED_DIMS, encoding).into_bytes())
            })
            .clone()
    }
}

async fn serve(mut socket: TcpStream, bodies: &Bodies) -> Res<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    loop {
        // Read the head.
        let head_end = loop {
            if let Some(pos) = memchr::memmem::find(&buf, b"\r\n\r\n") {
                break pos + 4;
            }
            let mut chunk = [0u8; 8192];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&buf[..head_end])?.to_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
        let mut content_length = 0usize;
        let mut close = false;
        for line in lines {
            if let Some((name, value)) = line.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.parse()?;
                } else if name.eq_ignore_ascii_case("connection")
                    && value.eq_ignore_ascii_case("close")
                {
                    close = true;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    socket
                        .write_all(b"HTTP/1.1 411 Length Required\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await?;
                    return Ok(());
                }
            }
        }
        // Read the whole body.
        buf.drain(..head_end);
        while buf.len() < content_length {
            let mut chunk = vec![0u8; (content_length - buf.len()).min(64 * 1024)];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let request_body: Vec<u8> = buf.drain(..content_length).collect();

        let segments: Vec<&str> = path
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match segments.as_slice() {
            ["sse", framing, n, ending, ..] => {
                let n: usize = n.parse()?;
                let ending = LineEnding::parse(ending).ok_or("bad line ending")?;
                send_sse(&mut socket, framing, n, ending).await?;
            }
            ["paced", n, interval, ending, rest @ ..] => {
                let n: usize = n.parse()?;
                let interval = Duration::from_micros(interval.parse()?);
                let ending = LineEnding::parse(ending).ok_or("bad line ending")?;
                // Optional start time (CLOCK_MONOTONIC ns): connections given the same one
                // send their events in the same timer ticks, back to back.
                let start_ns = rest.first().and_then(|t| t.parse::<u64>().ok());
                send_paced(&mut socket, n, interval, ending, start_ns).await?;
            }
            ["chat", ..] => send_json(&mut socket, &bodies.completion).await?,
            ["embed", ..] => send_json(&mut socket, &bodies.embeddings(&request_body)).await?,
            _ => {
                socket
                    .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                    .await?;
            }
        }
        if close {
            return Ok(());
        }
    }
}

async fn send_json(socket: &mut TcpStream, body: &[u8]) -> Res<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut out = Vec::with_capacity(head.len() + body.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    socket.write_all(&out).await?;
    Ok(())
}

const SSE_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";

fn with_ending(event: &str, ending: LineEnding) -> String {
    match ending {
        LineEnding::Lf => event.to_owned(),
        other => event.replace('\n', other.as_str()),
    }
}

fn http_chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

async fn send_sse(socket: &mut TcpStream, framing: &str, n: usize, ending: LineEnding) -> Res<()> {
    let event = with_ending(&payload::chat_event(), ending).into_bytes();
    let done = with_ending(payload::DONE_EVENT, ending).into_bytes();
    socket.write_all(SSE_HEAD).await?;
    match framing {
        "event" => {
            let framed = http_chunk(&event);
            for _ in 0..n {
                socket.write_all(&framed).await?;
            }
            socket.write_all(&http_chunk(&done)).await?;
        }
        "64k" => {
            // The body is `n` copies of `event` then `done`, cut into FRAME-byte chunks.
            let total = n * event.len() + done.len();
            let mut sent = 0usize;
            let mut frame = Vec::with_capacity(FRAME + 16);
            while sent < total {
                let len = FRAME.min(total - sent);
                frame.clear();
                frame.extend_from_slice(format!("{len:x}\r\n").as_bytes());
                let mut pos = sent;
                while pos < sent + len {
                    let events_end = n * event.len();
                    if pos < events_end {
                        let off = pos % event.len();
                        let take = (event.len() - off).min(sent + len - pos);
                        frame.extend_from_slice(&event[off..off + take]);
                        pos += take;
                    } else {
                        let off = pos - events_end;
                        let take = (done.len() - off).min(sent + len - pos);
                        frame.extend_from_slice(&done[off..off + take]);
                        pos += take;
                    }
                }
                frame.extend_from_slice(b"\r\n");
                socket.write_all(&frame).await?;
                sent += len;
            }
        }
        other => return Err(format!("unknown framing {other}").into()),
    }
    socket.write_all(b"0\r\n\r\n").await?;
    Ok(())
}

async fn send_paced(
    socket: &mut TcpStream,
    n: usize,
    interval: Duration,
    ending: LineEnding,
    start_ns: Option<u64>,
) -> Res<()> {
    socket.write_all(SSE_HEAD).await?;
    let wait = start_ns.map_or(0, |t| t.saturating_sub(sys::monotonic_ns()));
    let start = tokio::time::Instant::now() + Duration::from_nanos(wait);
    for i in 0..n {
        tokio::time::sleep_until(start + interval * (i as u32 + 1)).await;
        let event = payload::stamped_event(sys::monotonic_ns(), ending);
        socket.write_all(&http_chunk(event.as_bytes())).await?;
    }
    let done = with_ending(payload::DONE_EVENT, ending);
    socket.write_all(&http_chunk(done.as_bytes())).await?;
    socket.write_all(b"0\r\n\r\n").await?;
    Ok(())
}
