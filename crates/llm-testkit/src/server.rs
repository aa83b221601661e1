//! The shared HTTP/1 server: accept loop, request pipeline (record, faults, route), shutdown.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::fault::{Action, FaultQueue};
use crate::ids::uuid_like;
use crate::record::{RecordedRequest, Recorder};
use crate::reply::{fault_response, json_response, Reply, ResponseBody};
use crate::sse::sse_response;

/// Largest request body accepted; bigger bodies get 413.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A request as the routes see it: fully read, body included.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl ApiRequest {
    /// The header's value when it is present and valid text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One emulated API: turns a request into a reply. Faults and recording happen around it.
pub(crate) trait Routes: Send + Sync + 'static {
    fn route(&self, request: &ApiRequest) -> Reply;
}

/// State shared by the server tasks and the emulator handle.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub(crate) faults: FaultQueue,
    pub(crate) recorder: Recorder,
}

/// A running server. Dropping it stops the accept loop and closes every open connection.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    // Never sent on: dropping it is the shutdown signal every task waits for.
    _shutdown: watch::Sender<()>,
}

impl Server {
    /// Binds 127.0.0.1 on a random port and serves on the current tokio runtime.
    pub(crate) async fn start(routes: Arc<dyn Routes>) -> io::Result<Self> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let (shutdown, signal) = watch::channel(());
        tokio::spawn(accept_loop(listener, routes, Arc::clone(&shared), signal));
        Ok(Self {
            addr,
            shared,
            _shutdown: shutdown,
        })
    }

    /// Binds 127.0.0.1 on a random port and serves from a runtime on its own thread, so it
    /// needs no runtime from the caller (for blocking clients).
    pub(crate) fn start_blocking(routes: Arc<dyn Routes>) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let shared = Arc::new(Shared::default());
        let (shutdown, signal) = watch::channel(());
        let task_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("llm-testkit-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    if let Ok(listener) = TcpListener::from_std(listener) {
                        accept_loop(listener, routes, task_shared, signal).await;
                    }
                });
            })?;
        Ok(Self {
            addr,
            shared,
            _shutdown: shutdown,
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }
}

async fn accept_loop(
    listener: TcpListener,
    routes: Arc<dyn Routes>,
    shared: Arc<Shared>,
    mut signal: watch::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = signal.changed() => return,
        };
        match accepted {
            Ok((stream, _)) => {
                let connection = serve_connection(
                    stream,
                    Arc::clone(&routes),
                    Arc::clone(&shared),
                    signal.clone(),
                );
                tokio::spawn(connection);
            }
            // Out of file descriptors or similar: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    routes: Arc<dyn Routes>,
    shared: Arc<Shared>,
    mut signal: watch::Receiver<()>,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let routes = Arc::clone(&routes);
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(handle(routes.as_ref(), &shared, request).await) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        // Connection errors (client gone, stream cut by a fault) end the connection; nothing to report.
        _ = connection => {}
        _ = signal.changed() => {}
    }
}

async fn handle(
    routes: &dyn Routes,
    shared: &Shared,
    request: Request<Incoming>,
) -> Response<ResponseBody> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let body = Limited::new(body, MAX_BODY_BYTES).collect().await;
    let body = match body {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            let reply = if error.downcast_ref::<LengthLimitError>().is_some() {
                Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")
            } else {
                Reply::malformed_json("the request body could not be read")
            };
            return finish(respond(reply, shared, &path).await);
        }
    };
    shared.recorder.push(RecordedRequest::new(
        parts.method.to_string(),
        path.clone(),
        parts.uri.query().map(str::to_owned),
        parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body.clone(),
    ));

    if let Some(fault) = shared.faults.take_before(&path) {
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        if let Action::Status(status) = fault.action {
            return finish(fault_response(status, &fault));
        }
    }

    let request = ApiRequest {
        method: parts.method,
        path,
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let reply = routes.route(&request);
    finish(respond(reply, shared, &request.path).await)
}

/// Turns a reply into a response; a stream picks up the first armed stream fault for `path`.
async fn respond(reply: Reply, shared: &Shared, path: &str) -> Response<ResponseBody> {
    match reply {
        Reply::Json {
            status,
            body,
            headers,
        } => json_response(status, &body, headers),
        Reply::Stream(stream) => {
            let mut stream_fault = None;
            if let Some(fault) = shared.faults.take_stream(path) {
                if let Some(delay) = fault.delay {
                    tokio::time::sleep(delay).await;
                }
                if let Action::Stream(kind) = fault.action {
                    stream_fault = Some(kind);
                }
            }
            sse_response(stream, stream_fault)
        }
    }
}

/// Adds the headers every response carries.
fn finish(mut response: Response<ResponseBody>) -> Response<ResponseBody> {
    if let Ok(id) = HeaderValue::from_str(&uuid_like()) {
        response.headers_mut().insert("x-request-id", id);
    }
    response
}
