//! Reliability of answers, on both providers: no panic on any `Duration`, a 2xx error object
//! is an error, an answer labelled `text/event-stream` is never lost, every deadline bounds
//! every path (plain, JSON fallback, SSE, collection), idle time counts delivered chunks
//! only, collection is bounded, and dropping a blocking stream closes the connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use llm_core::{ErrorKind, RequestOptions};
use llm_testkit::raw::{chunk, head, last_chunk, RawServer, Step};
use serde_json::json;
use support::{within, KEY};
use wiremock::matchers::{any, body_partial_json};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BOUND: Duration = Duration::from_secs(15);

fn peak(uri: &str) -> peakprivacy::PeakPrivacyBuilder {
    peakprivacy::PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{uri}/v1"))
        .max_retries(0)
}

fn aligne(uri: &str) -> aligneai::AligneAIBuilder {
    aligneai::AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{uri}/v1"))
        .max_retries(0)
}

fn peak_request() -> peakprivacy::ChatCompletionRequest {
    peakprivacy::ChatCompletionRequest::new("m", [peakprivacy::Message::user("Hi")])
        .anonymize(false)
}

fn aligne_request() -> aligneai::ChatCompletionRequest {
    aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("Hi")])
}

fn completion_json(text: &str) -> serde_json::Value {
    json!({"id": "c1", "object": "chat.completion", "model": "m",
           "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text}}]})
}

fn sse_event(text: &str) -> String {
    format!(
        "data: {}\n\n",
        json!({"choices": [{"index": 0, "delta": {"content": text}}]})
    )
}

// ------------------------------------------------------------------- 1. Duration::MAX

#[tokio::test]
async fn duration_max_everywhere_never_panics() {
    let server = MockServer::start().await;
    let body = format!("{}{}data: [DONE]\n\n", sse_event("Hel"), sse_event("lo"));
    Mock::given(body_partial_json(json!({"stream": true})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_json("Hello")))
        .mount(&server)
        .await;
    let max = Duration::MAX;
    let options = || {
        RequestOptions::new()
            .timeout(max)
            .stream_idle_timeout(max)
            .total_timeout(max)
    };
    let peak = peak(&server.uri())
        .timeout(max)
        .connect_timeout(max)
        .stream_idle_timeout(max)
        .total_timeout(max)
        .build()
        .unwrap();
    let completions = peak.chat().completions();
    let (plain, _) = within(BOUND, completions.create_with(peak_request(), options())).await;
    assert_eq!(plain.unwrap().content(), "Hello");
    let (stream, _) = within(BOUND, async {
        completions
            .create_stream_with(peak_request(), options())
            .await?
            .collect_completion()
            .await
    })
    .await;
    assert_eq!(stream.unwrap().content(), "Hello");

    let aligne = aligne(&server.uri())
        .timeout(max)
        .stream_idle_timeout(max)
        .total_timeout(max)
        .build()
        .unwrap();
    let (stream, _) = within(BOUND, async {
        aligne
            .chat()
            .completions()
            .create_stream_with(aligne_request(), options())
            .await?
            .collect_completion()
            .await
    })
    .await;
    assert_eq!(stream.unwrap().content(), "Hello");
}

// ----------------------------------------------------- 2. a 2xx error object is an error

#[tokio::test]
async fn a_success_status_with_an_error_object_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"error": "Subscription has expired"})),
        )
        .mount(&server)
        .await;
    let peak = peak(&server.uri()).build().unwrap();
    let aligne = aligne(&server.uri()).build().unwrap();
    let errors = [
        peak.chat()
            .completions()
            .create(peak_request())
            .await
            .unwrap_err(),
        peak.models().list().await.unwrap_err(),
        peak.chat()
            .completions()
            .create_stream(peak_request())
            .await
            .unwrap_err(),
        aligne
            .chat()
            .completions()
            .create(aligne_request())
            .await
            .unwrap_err(),
        aligne.models().list().await.unwrap_err(),
        aligne
            .chat()
            .completions()
            .create_stream(aligne_request())
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.kind(), ErrorKind::ErrorPayload, "{err:?}");
        assert_eq!(err.status(), Some(200));
        assert!(!err.is_retryable());
        assert!(
            err.to_string().contains("Subscription has expired"),
            "{err}"
        );
    }
}

// ------------------------------------ 3. an answer labelled text/event-stream is not lost

#[tokio::test]
async fn a_json_answer_labelled_event_stream_is_one_chunk_or_an_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            completion_json("Whole answer").to_string(),
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let peak_client = peak(&server.uri()).build().unwrap();
    let aligne_client = aligne(&server.uri()).build().unwrap();
    let stream = peak_client
        .chat()
        .completions()
        .create_stream(peak_request())
        .await
        .unwrap();
    assert_eq!(
        stream.collect_completion().await.unwrap().content(),
        "Whole answer"
    );
    let stream = aligne_client
        .chat()
        .completions()
        .create_stream(aligne_request())
        .await
        .unwrap();
    assert_eq!(
        stream.collect_completion().await.unwrap().content(),
        "Whole answer"
    );

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            json!({"error": {"message": "model overloaded", "type": "server"}}).to_string(),
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let client = peak(&server.uri()).build().unwrap();
    let err = client
        .chat()
        .completions()
        .create_stream(peak_request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ErrorPayload);
    assert!(err.to_string().contains("model overloaded"), "{err}");
}

// ------------------------------------------------------------ 4. deadlines hold everywhere

/// A JSON answer to a stream request trickled one byte every 150 ms (about 30 s in all).
fn trickled_json() -> Vec<Step> {
    let body = completion_json("slow").to_string().into_bytes();
    let mut steps = vec![Step::Write(head(200, "application/json", Some(body.len())))];
    for byte in body {
        steps.push(Step::Write(vec![byte]));
        steps.push(Step::Sleep(Duration::from_millis(150)));
    }
    steps
}

#[tokio::test]
async fn a_trickled_json_answer_to_a_stream_call_is_bounded_by_the_timeouts() {
    let server = RawServer::start(vec![trickled_json()]).await;
    let peak = peak(&server.uri())
        .timeout(Duration::from_secs(1))
        .stream_idle_timeout(Duration::from_secs(1))
        .total_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let (result, elapsed) = within(
        BOUND,
        peak.chat().completions().create_stream(peak_request()),
    )
    .await;
    let err = result.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");

    // The per-call total deadline bounds it too, with no client-level one.
    let server = RawServer::start(vec![trickled_json()]).await;
    let aligne = aligne(&server.uri()).build().unwrap();
    let options = RequestOptions::new().total_timeout(Duration::from_millis(800));
    let (result, elapsed) = within(
        BOUND,
        aligne
            .chat()
            .completions()
            .create_stream_with(aligne_request(), options),
    )
    .await;
    assert!(result.unwrap_err().is_timeout());
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

/// An SSE body delivering an event every 100 ms for about 5 s.
fn steady_events() -> Vec<Step> {
    let mut steps = vec![Step::Write(head(200, "text/event-stream", None))];
    for i in 0..50 {
        steps.push(Step::Write(chunk(sse_event(&format!("{i} ")).as_bytes())));
        steps.push(Step::Sleep(Duration::from_millis(100)));
    }
    steps.push(Step::Write(last_chunk()));
    steps
}

#[tokio::test]
async fn the_total_timeout_stops_a_stream_that_keeps_delivering() {
    let server = RawServer::start(vec![steady_events()]).await;
    let peak = peak(&server.uri())
        .total_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, async {
        let mut stream = peak
            .chat()
            .completions()
            .create_stream(peak_request())
            .await?;
        let mut chunks = 0;
        while let Some(chunk) = stream.next().await {
            chunk?;
            chunks += 1;
        }
        Ok::<_, llm_core::Error>(chunks)
    })
    .await;
    assert!(result.unwrap_err().is_timeout());
    assert!(elapsed < Duration::from_millis(1200), "{elapsed:?}");

    // Collection is bounded the same way, with a per-call deadline.
    let server = RawServer::start(vec![steady_events()]).await;
    let aligne = aligne(&server.uri()).build().unwrap();
    let options = RequestOptions::new().total_timeout(Duration::from_millis(500));
    let (result, elapsed) = within(BOUND, async {
        aligne
            .chat()
            .completions()
            .create_stream_with(aligne_request(), options)
            .await?
            .collect_completion()
            .await
    })
    .await;
    assert!(result.unwrap_err().is_timeout());
    assert!(elapsed < Duration::from_millis(1200), "{elapsed:?}");
}

// ------------------------------------------- 12. the idle timeout counts delivered chunks

#[tokio::test]
async fn empty_data_keep_alives_do_not_reset_the_idle_timeout() {
    let mut steps = vec![
        Step::Write(head(200, "text/event-stream", None)),
        Step::Write(chunk(sse_event("first").as_bytes())),
    ];
    for _ in 0..40 {
        steps.push(Step::Write(chunk(b"data:\n\n")));
        steps.push(Step::Write(chunk(b"event: ping\ndata: {}\n\n")));
        steps.push(Step::Sleep(Duration::from_millis(100)));
    }
    for (name, result, elapsed) in [
        {
            let server = RawServer::start(vec![steps.clone()]).await;
            let client = peak(&server.uri())
                .stream_idle_timeout(Duration::from_millis(500))
                .build()
                .unwrap();
            let (result, elapsed) = within(BOUND, async {
                let mut stream = client
                    .chat()
                    .completions()
                    .create_stream(peak_request())
                    .await?;
                let first = stream.next().await.unwrap()?;
                assert_eq!(first.content(), "first");
                stream.next().await.unwrap()
            })
            .await;
            ("peakprivacy", result, elapsed)
        },
        {
            let server = RawServer::start(vec![steps.clone()]).await;
            let client = aligne(&server.uri())
                .stream_idle_timeout(Duration::from_millis(500))
                .build()
                .unwrap();
            let (result, elapsed) = within(BOUND, async {
                let mut stream = client
                    .chat()
                    .completions()
                    .create_stream(aligne_request())
                    .await?;
                stream.next().await.unwrap()?;
                stream.next().await.unwrap()
            })
            .await;
            ("aligneai", result, elapsed)
        },
    ] {
        assert!(result.unwrap_err().is_timeout(), "{name}");
        assert!(elapsed < Duration::from_millis(1500), "{name}: {elapsed:?}");
    }
}

// ------------------------------------------------------------ 11. collection is bounded

#[tokio::test]
async fn collecting_an_endless_stream_stops_at_the_size_limit() {
    let piece = "x".repeat(1000);
    let mut steps = vec![Step::Write(head(200, "text/event-stream", None))];
    for _ in 0..2000 {
        steps.push(Step::Write(chunk(sse_event(&piece).as_bytes())));
    }
    steps.push(Step::Hang);
    let server = RawServer::start(vec![steps]).await;
    let client = peak(&server.uri())
        .max_response_size(64 * 1024)
        .build()
        .unwrap();
    let (result, _) = within(BOUND, async {
        client
            .chat()
            .completions()
            .create_stream(peak_request())
            .await?
            .collect_completion()
            .await
    })
    .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::ResponseTooLarge);
}

/// Sibling of 11: a body of endless blank lines before any content (what the body kind is
/// decided on) is bounded by the same limit, on both providers.
#[tokio::test]
async fn endless_leading_whitespace_stops_at_the_size_limit() {
    let mut steps = vec![Step::Write(head(200, "text/event-stream", None))];
    for _ in 0..2000 {
        steps.push(Step::Write(chunk(&[b'\n'; 1000])));
    }
    steps.push(Step::Hang);
    let server = RawServer::start(vec![steps]).await;
    let peak = peak(&server.uri())
        .max_response_size(64 * 1024)
        .build()
        .unwrap();
    let aligne = aligne(&server.uri())
        .max_response_size(64 * 1024)
        .build()
        .unwrap();
    let (peak_result, _) = within(BOUND, async {
        peak.chat()
            .completions()
            .create_stream(peak_request())
            .await?
            .collect_completion()
            .await
    })
    .await;
    let (aligne_result, _) = within(BOUND, async {
        aligne
            .chat()
            .completions()
            .create_stream(aligne_request())
            .await?
            .collect_completion()
            .await
    })
    .await;
    assert_eq!(peak_result.unwrap_err().kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(
        aligne_result.unwrap_err().kind(),
        ErrorKind::ResponseTooLarge
    );
}

// ------------------------------------- 5. dropping a blocking stream closes the connection

/// A server that streams an SSE event every 20 ms until a write fails, and records when.
fn endless_sse_server(runtime: &tokio::runtime::Runtime) -> (String, Arc<Mutex<Option<Instant>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let closed_at = Arc::new(Mutex::new(None));
    let record = closed_at.clone();
    runtime.spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 16 * 1024];
        let mut seen = Vec::new();
        while !String::from_utf8_lossy(&seen).contains("\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        socket
            .write_all(&head(200, "text/event-stream", None))
            .await
            .unwrap();
        loop {
            let event = chunk(sse_event("tick ").as_bytes());
            if socket.write_all(&event).await.is_err() || socket.flush().await.is_err() {
                *record.lock().unwrap() = Some(Instant::now());
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    (format!("http://{addr}"), closed_at)
}

#[test]
fn dropping_a_blocking_stream_closes_the_connection_promptly() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (uri, closed_at) = endless_sse_server(&runtime);
    let client = peakprivacy::blocking::PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{uri}/v1"))
        .build()
        .unwrap();
    let mut stream = client
        .chat()
        .completions()
        .create_stream(peak_request())
        .unwrap();
    assert_eq!(stream.next().unwrap().unwrap().content(), "tick ");
    assert_eq!(stream.next().unwrap().unwrap().content(), "tick ");
    drop(stream);
    let dropped = Instant::now();
    // The client stays alive and idle: nothing else drives its runtime.
    let deadline = dropped + Duration::from_secs(3);
    let closed = loop {
        if let Some(at) = *closed_at.lock().unwrap() {
            break at;
        }
        assert!(
            Instant::now() < deadline,
            "the server still writes 3 s after the drop"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(
        closed.duration_since(dropped) < Duration::from_millis(1000),
        "closed {:?} after the drop",
        closed.duration_since(dropped)
    );
    drop(client);
}
