//! A scripted raw TCP server on loopback, for faults an HTTP server cannot produce: a body
//! cut mid-stream, a reset (RST) before or after the headers, a stalled stream, bytes that
//! are not HTTP at all.
//!
//! [`RawServer`] accepts connections on `127.0.0.1`, reads one request (head and
//! `Content-Length` body), then plays a script of [`Step`]s on the socket: write bytes,
//! pause, reset (`SO_LINGER` 0, then drop), close, or hang. Connection `n` plays script `n`
//! and the last script repeats, so "fail, then succeed" sequences are one line. The server
//! counts connections and records the requests it read. [`response`], [`head`], [`chunk`]
//! and [`last_chunk`] build the HTTP/1.1 bytes of a script, and [`refused_addr`] gives a
//! loopback address where nothing listens.
//!
//! ```
//! use llm_testkit::raw::{response, RawServer, Step};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // First connection: reset after reading the request. Every later one: 200.
//! let server = RawServer::start(vec![
//!     vec![Step::Reset],
//!     vec![Step::Write(response(200, "application/json", &[], b"{}"))],
//! ])
//! .await;
//! let client = reqwest::Client::new();
//! let url = format!("{}/v1/ping", server.uri());
//! assert!(client.get(&url).send().await.is_err());
//! assert_eq!(client.get(&url).send().await?.status(), 200);
//! assert_eq!(server.connections(), 2);
//! assert_eq!(server.requests()[1].request_line(), "GET /v1/ping HTTP/1.1");
//! # Ok(())
//! # }
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One action of a connection script, played by [`RawServer`].
///
/// When a script ends without [`Close`](Step::Close), [`Reset`](Step::Reset) or
/// [`Hang`](Step::Hang), the connection is closed gracefully.
///
/// ```
/// use std::time::Duration;
/// use llm_testkit::raw::{chunk, head, Step};
///
/// // A chunked event stream that sends one event, waits, then is reset mid-body.
/// let script = vec![
///     Step::Write(head(200, "text/event-stream", None)),
///     Step::Write(chunk(b"data: {}\n\n")),
///     Step::Sleep(Duration::from_millis(50)),
///     Step::Reset,
/// ];
/// assert_eq!(script.len(), 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Write these bytes (and flush).
    Write(Vec<u8>),
    /// Pause for this long.
    Sleep(Duration),
    /// Abort the connection with a TCP RST (`SO_LINGER` 0, then drop).
    Reset,
    /// Close the connection gracefully (FIN).
    Close,
    /// Keep the connection open, saying nothing, until the server is dropped.
    Hang,
}

impl Step {
    /// A [`Write`](Step::Write) of `text`.
    ///
    /// ```
    /// use llm_testkit::raw::Step;
    ///
    /// assert_eq!(Step::text("HTTP/1.1"), Step::Write(b"HTTP/1.1".to_vec()));
    /// ```
    pub fn text(text: impl Into<String>) -> Self {
        Self::Write(text.into().into_bytes())
    }
}

/// A request as [`RawServer`] read it: the head as text and the `Content-Length` body.
///
/// ```
/// use llm_testkit::raw::{response, RawServer, Step};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = RawServer::start(vec![vec![Step::Write(response(204, "text/plain", &[], b""))]]).await;
/// reqwest::Client::new()
///     .post(format!("{}/v1/embeddings", server.uri()))
///     .header("API-Key", "k-1")
///     .body("{\"inputs\":[\"a\"]}")
///     .send()
///     .await?;
/// let request = &server.requests()[0];
/// assert_eq!(request.request_line(), "POST /v1/embeddings HTTP/1.1");
/// assert_eq!(request.header("api-key").as_deref(), Some("k-1"));
/// assert_eq!(request.body, b"{\"inputs\":[\"a\"]}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The request line and headers, as text, up to and including the blank line.
    pub head: String,
    /// The body (`Content-Length` bytes; fewer if the client closed early).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The value of header `name` (case-insensitive), trimmed, if present.
    ///
    /// ```
    /// use llm_testkit::raw::RawRequest;
    ///
    /// let request = RawRequest {
    ///     head: "GET /v1/models HTTP/1.1\r\nApi-Token: t-1\r\n\r\n".to_owned(),
    ///     body: Vec::new(),
    /// };
    /// assert_eq!(request.header("api-token").as_deref(), Some("t-1"));
    /// assert_eq!(request.header("accept"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    /// The request line, e.g. `POST /v1/ai/completions HTTP/1.1`.
    ///
    /// ```
    /// use llm_testkit::raw::RawRequest;
    ///
    /// let request = RawRequest {
    ///     head: "GET /v1/ai/ping HTTP/1.1\r\nhost: x\r\n\r\n".to_owned(),
    ///     body: Vec::new(),
    /// };
    /// assert_eq!(request.request_line(), "GET /v1/ai/ping HTTP/1.1");
    /// ```
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }
}

/// A scripted raw TCP server on `127.0.0.1` with a random port (see the [module](self)).
///
/// It serves on the tokio runtime it was started on. Dropping it stops accepting and
/// closes every connection still open, [`Hang`](Step::Hang)ing ones included.
///
/// ```
/// use llm_testkit::raw::{response, RawServer, Step};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Two 503s with a retry hint, then a 200, to test a retry loop.
/// let busy = response(503, "application/json", &[("retry-after", "1")], b"{\"error\":\"busy\"}");
/// let ok = response(200, "application/json", &[], b"{\"ok\":true}");
/// let server = RawServer::start(vec![
///     vec![Step::Write(busy.clone())],
///     vec![Step::Write(busy)],
///     vec![Step::Write(ok)],
/// ])
/// .await;
/// let client = reqwest::Client::new();
/// let mut statuses = Vec::new();
/// for _ in 0..4 {
///     statuses.push(client.get(server.uri()).send().await?.status().as_u16());
/// }
/// assert_eq!(statuses, [503, 503, 200, 200]); // the last script repeats
/// assert_eq!(server.connections(), 4);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct RawServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Starts a server whose `n`-th connection plays `scripts[n]` (the last script repeats)
    /// after reading one request.
    ///
    /// # Panics
    ///
    /// Panics if `scripts` is empty, if no loopback port can be bound, or outside a tokio
    /// runtime.
    ///
    /// ```
    /// use llm_testkit::raw::{RawServer, Step};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // Every connection: close without answering.
    /// let server = RawServer::start(vec![vec![Step::Close]]).await;
    /// assert!(reqwest::get(server.uri()).await.is_err());
    /// assert_eq!(server.requests().len(), 1);
    /// # }
    /// ```
    pub async fn start(scripts: Vec<Vec<Step>>) -> Self {
        Self::start_with(scripts, true).await
    }

    /// Like [`start`](Self::start), but each script starts as soon as the connection is
    /// accepted, before reading anything (for "reset before the headers" while the client
    /// may still be writing). No requests are recorded.
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start).
    ///
    /// ```
    /// use llm_testkit::raw::{RawServer, Step};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = RawServer::start_without_reading(vec![vec![Step::Reset]]).await;
    /// assert!(reqwest::get(server.uri()).await.is_err());
    /// assert_eq!(server.connections(), 1);
    /// assert!(server.requests().is_empty());
    /// # }
    /// ```
    pub async fn start_without_reading(scripts: Vec<Vec<Step>>) -> Self {
        Self::start_with(scripts, false).await
    }

    async fn start_with(scripts: Vec<Vec<Step>>, read_request: bool) -> Self {
        assert!(!scripts.is_empty(), "a RawServer needs at least one script");
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap_or_else(|error| panic!("cannot bind a loopback port: {error}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("cannot read the bound address: {error}"));
        let accepted = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(accept_loop(
            listener,
            scripts,
            read_request,
            Arc::clone(&accepted),
            Arc::clone(&requests),
        ));
        Self {
            addr,
            accepted,
            requests,
            task,
        }
    }

    /// The address the server listens on.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::raw::RawServer::start(vec![vec![]]).await;
    /// assert!(server.addr().ip().is_loopback());
    /// # }
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: append the API's path prefix.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::raw::RawServer::start(vec![vec![]]).await;
    /// assert_eq!(server.uri(), format!("http://{}", server.addr()));
    /// # }
    /// ```
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections were accepted so far.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::raw::RawServer::start(vec![vec![]]).await;
    /// assert_eq!(server.connections(), 0);
    /// # }
    /// ```
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// The requests read so far, in the order they were read.
    ///
    /// ```
    /// use llm_testkit::raw::{response, RawServer, Step};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = RawServer::start(vec![vec![Step::Write(response(200, "text/plain", &[], b"ok"))]]).await;
    /// reqwest::Client::new().get(server.uri()).header("x-try", "1").send().await?;
    /// assert_eq!(server.requests()[0].header("x-try").as_deref(), Some("1"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn requests(&self) -> Vec<RawRequest> {
        lock(&self.requests).clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its `JoinSet`, which aborts every connection task.
        self.task.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    scripts: Vec<Vec<Step>>,
    read_request: bool,
    accepted: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<RawRequest>>>,
) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        // Reap finished connections so the set only holds live ones.
        while connections.try_join_next().is_some() {}
        let n = accepted.fetch_add(1, Ordering::SeqCst);
        let script = scripts[n.min(scripts.len() - 1)].clone();
        connections.spawn(serve(stream, script, read_request, Arc::clone(&requests)));
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
            Some(request) => lock(&requests).push(request),
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
            Step::Sleep(pause) => tokio::time::sleep(pause).await,
            Step::Reset => {
                // Without SO_LINGER 0 the drop below would be a graceful close.
                if stream.set_zero_linger().is_err() {
                    return;
                }
                drop(stream);
                return;
            }
            Step::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Step::Hang => {
                // Hold the socket until the server is dropped (which aborts this task).
                std::future::pending::<()>().await;
            }
        }
    }
    // End of script: close gracefully.
    let _ = stream.shutdown().await;
}

/// Reads a request head and its `Content-Length` body; `None` if the client closed first.
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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A complete HTTP/1.1 response: status line, `content-type`, `content-length`,
/// `connection: close`, the extra headers, then the body.
///
/// ```
/// use llm_testkit::raw::response;
///
/// let bytes = response(429, "application/json", &[("retry-after", "2")], b"{}");
/// let text = String::from_utf8(bytes).unwrap();
/// assert!(text.starts_with("HTTP/1.1 429 Too Many Requests\r\n"));
/// assert!(text.contains("content-length: 2\r\n"));
/// assert!(text.ends_with("retry-after: 2\r\n\r\n{}"));
/// ```
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

/// The head of a response whose body follows in later steps: with `content-length: len`
/// when given (send fewer bytes to cut the body), otherwise `transfer-encoding: chunked`
/// (send [`chunk`]s, then [`last_chunk`]).
///
/// ```
/// use llm_testkit::raw::head;
///
/// let chunked = String::from_utf8(head(200, "text/event-stream", None)).unwrap();
/// assert!(chunked.contains("transfer-encoding: chunked\r\n"));
/// let promised = String::from_utf8(head(200, "application/json", Some(100))).unwrap();
/// assert!(promised.contains("content-length: 100\r\n"));
/// assert!(promised.ends_with("\r\n\r\n"));
/// ```
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

/// One chunk of a `transfer-encoding: chunked` body: hex length, data, CRLF.
///
/// ```
/// assert_eq!(llm_testkit::raw::chunk(b"data: 1\n\n"), b"9\r\ndata: 1\n\n\r\n");
/// ```
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// The terminating chunk of a chunked body.
///
/// ```
/// assert_eq!(llm_testkit::raw::last_chunk(), b"0\r\n\r\n");
/// ```
pub fn last_chunk() -> Vec<u8> {
    b"0\r\n\r\n".to_vec()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A loopback address where nothing listens: a port bound, then released at once, so a
/// connection to it is refused (unless another process takes the port in between).
///
/// # Panics
///
/// Panics if no loopback port can be bound.
///
/// ```
/// let addr = llm_testkit::raw::refused_addr();
/// assert!(addr.ip().is_loopback());
/// assert!(std::net::TcpStream::connect(addr).is_err());
/// ```
pub fn refused_addr() -> SocketAddr {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|error| panic!("cannot bind a loopback port: {error}"))
}
