//! Server-sent event responses: paced delivery through a channel, and stream faults.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::Response;
use tokio::sync::mpsc;

use crate::fault::StreamFault;
use crate::reply::ResponseBody;

/// The payload of the malformed event a [`crate::Fault::malformed_chunk`] injects.
const MALFORMED: &str = "{not json";

/// A streamed answer: the `data:` payloads in order, sent with `pace` between them.
#[derive(Debug)]
pub(crate) struct SseReply {
    pub(crate) events: Vec<String>,
    pub(crate) pace: Duration,
}

/// Builds a `text/event-stream` response fed by a spawned producer task.
///
/// Must be called inside a tokio runtime (it is, from the connection task).
pub(crate) fn sse_response(reply: SseReply, fault: Option<StreamFault>) -> Response<ResponseBody> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(produce(reply, fault, tx));
    let body = ChannelBody {
        rx,
        pending_error: None,
    };
    let mut response = Response::new(body.boxed());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn frame(data: &str) -> Bytes {
    Bytes::from(format!("data: {data}\n\n"))
}

/// Sends the events; stops quietly when the client has gone (the receiver is dropped).
async fn produce(
    reply: SseReply,
    fault: Option<StreamFault>,
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
) {
    let count = reply.events.len();
    for index in 0..=count {
        // A fault positioned past the last event fires at the end of the stream.
        let fires = |after: usize| after == index || (after > count && index == count);
        match fault {
            Some(StreamFault::Cut(after)) if fires(after) => {
                let cut = io::Error::new(io::ErrorKind::ConnectionAborted, "stream cut by fault");
                let _ = tx.send(Err(cut)).await;
                return;
            }
            Some(StreamFault::Stall(after, pause)) if after == index => {
                tokio::time::sleep(pause).await;
            }
            _ => {}
        }
        let malformed = matches!(fault, Some(StreamFault::Malformed(after)) if fires(after));
        if malformed && tx.send(Ok(frame(MALFORMED))).await.is_err() {
            return;
        }
        let Some(event) = reply.events.get(index) else {
            return;
        };
        if index > 0 && !reply.pace.is_zero() {
            tokio::time::sleep(reply.pace).await;
        }
        if tx.send(Ok(frame(event))).await.is_err() {
            return;
        }
    }
}

/// A response body reading frames from a channel.
///
/// An error item aborts the connection (hyper drops it without the final chunk). Before
/// yielding the error the body reports `Pending` once, so hyper flushes the events already
/// written and the client really receives them before the cut.
#[derive(Debug)]
struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, io::Error>>,
    pending_error: Option<io::Error>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(error) = self.pending_error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(Ok(data))) => Poll::Ready(Some(Ok(Frame::data(data)))),
            Poll::Ready(Some(Err(error))) => {
                self.pending_error = Some(error);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
