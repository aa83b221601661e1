//! Test helpers for the fault-injection suites: a scripted raw TCP server on loopback and a
//! `Sleep` that records retry delays and returns at once.
//!
//! The raw server accepts connections, reads one request (head and `Content-Length` body),
//! then plays a script of [`Step`]s on the socket: write bytes, pause, reset (RST via
//! `SO_LINGER` 0), close, or hang. Connection `n` plays script `n` (the last script repeats),
//! so "fail, then succeed" sequences are easy; the server counts connections and requests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use llm_core::retry::{Sleep, SleepFuture};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The API key every test uses; no output may ever contain it.
pub const KEY: &str = "sk-test-7a1f0c9e-SECRET";

/// Records the delays the retry loop asked for and returns at once.
#[derive(Debug, Default, Clone)]
pub struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

impl RecordingSleep {
    /// A new recorder behind an `Arc`, ready for `sleep_impl`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The delays requested so far (one per retry).
    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }

    /// The number of retries so far.
    pub fn retries(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// As the trait object the builders take.
    pub fn arc(&self) -> Arc<dyn Sleep> {
        Arc::new(self.clone())
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(delay);
        Box::pin(async {})
    }
}

/// One action of a connection script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes (and flush).
    Write(Vec<u8>),
    /// Pause.
    Sleep(Duration),
    /// Abort the connection with a TCP RST (`SO_LINGER` 0, then drop).
    Reset,
    /// Close the connection gracefully (FIN).
    Close,
    /// Keep the connection open, saying nothing, until the server is dropped.
    Hang,
}

impl Step {
    /// Writes `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Write(text.into().into_bytes())
    }
}

/// A request as the raw server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// The request line and headers, as text.
    pub head: String,
    /// The body (`Content-Length` bytes).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    /// The request line, e.g. `POST /v1/ai/completions HTTP/1.1`.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }
}

/// A scripted raw TCP server on 127.0.0.1.
#[derive(Debug)]
pub struct RawServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts a server whose `n`-th connection plays `scripts[n]` (the last one repeats)
    /// after reading one request.
    pub async fn start(scripts: Vec<Vec<Step>>) -> Self {
        Self::start_with(scripts, true).await
    }

    /// Like [`start`](Self::start), but the script starts as soon as the connection is
    /// accepted, before reading anything (for "reset before headers" when the client may
    /// still be writing).
    pub async fn start_without_reading(scripts: Vec<Vec<Step>>) -> Self {
        Self::start_with(scripts, false).await
    }

    async fn start_with(scripts: Vec<Vec<Step>>, read_request: bool) -> Self {
        assert!(!scripts.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let task = {
            let accepted = accepted.clone();
            let requests = requests.clone();
            tokio::spawn(async move {
                let mut connections = Vec::new();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let n = accepted.fetch_add(1, Ordering::SeqCst);
                    let script = scripts[n.min(scripts.len() - 1)].clone();
                    let requests = requests.clone();
                    connections.push(tokio::spawn(async move {
                        serve(stream, script, read_request, requests).await;
                    }));
                }
            })
        };
        Self {
            addr,
            accepted,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:port`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    script: Vec<Step>,
    read_request: bool,
    requests: Arc<Mutex<Vec<RawRequest>>>,
) {
    if read_request {
        match read_one_request(&mut stream).await {
            Some(request) => requests.lock().unwrap().push(request),
            None => return,
        }
    }
    for step in script {
        match step {
            Step::Write(bytes) => {
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::Reset => {
                stream.set_zero_linger().unwrap();
                drop(stream);
                return;
            }
            Step::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Step::Hang => {
                // Hold the socket until the server task is dropped at the end of the test.
                std::future::pending::<()>().await;
            }
        }
    }
    // End of script: close gracefully.
    let _ = stream.shutdown().await;
}

/// Reads a request head and its `Content-Length` body.
async fn read_one_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest { head, body })
}

/// A complete HTTP/1.1 response with `Content-Length` and `Connection: close`.
pub fn response(
    status: u16,
    content_type: &str,
    extra_headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in extra_headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The head of a response whose body follows: with `content-length: len` when given,
/// otherwise `transfer-encoding: chunked`.
pub fn head(status: u16, content_type: &str, len: Option<usize>) -> Vec<u8> {
    let framing = match len {
        Some(len) => format!("content-length: {len}"),
        None => "transfer-encoding: chunked".to_owned(),
    };
    format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\n{framing}\r\nconnection: close\r\n\r\n",
        reason(status)
    )
    .into_bytes()
}

/// One chunk of a `transfer-encoding: chunked` body.
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// The terminating chunk of a chunked body.
pub fn last_chunk() -> Vec<u8> {
    b"0\r\n\r\n".to_vec()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A loopback address nothing listens on (bound, then released).
pub async fn refused_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Runs `fut` within `bound`, failing the test (instead of hanging) when it takes longer,
/// and returns its output with the elapsed time.
pub async fn within<T>(
    bound: Duration,
    fut: impl std::future::Future<Output = T>,
) -> (T, Duration) {
    let started = std::time::Instant::now();
    let out = tokio::time::timeout(bound, fut)
        .await
        .unwrap_or_else(|_| panic!("the call did not return within {bound:?}"));
    (out, started.elapsed())
}
