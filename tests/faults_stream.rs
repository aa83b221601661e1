//! Fault injection on streamed chat completions (`create_stream`) of both providers: a
//! stream cut after K events yields the K chunks and then a typed error (never a clean
//! end), stalls hit the idle timeout, bad bytes are typed errors, and every call returns
//! within a bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use llm_core::retry::{FixedJitter, RecordingSleep};
use llm_core::{Error, ErrorKind};
use llm_testkit::raw::{chunk, head, last_chunk, response, RawServer, Step};
use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};
use support::{within, KEY};

const BOUND: Duration = Duration::from_secs(10);
const IDLE: Duration = Duration::from_millis(400);

fn peak_with_idle(server: &RawServer, sleep: &RecordingSleep, idle: Duration) -> PeakPrivacy {
    PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .timeout(Duration::from_secs(2))
        .stream_idle_timeout(idle)
        .build()
        .unwrap()
}

fn aligne(server: &RawServer, sleep: &RecordingSleep) -> aligneai::AligneAI {
    aligneai::AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .timeout(Duration::from_secs(2))
        .stream_idle_timeout(IDLE)
        .build()
        .unwrap()
}

fn request() -> ChatCompletionRequest {
    ChatCompletionRequest::new("mistral-swiss", [Message::user("Hello")]).anonymize(false)
}

/// One SSE event carrying a PeakPrivacy-style chunk with `content` (in `message`, as the
/// official client reads it).
fn event(content: &str) -> Vec<u8> {
    format!(
        "data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"finish_reason\":null,\"message\":{{\"role\":\"assistant\",\"content\":\"{content}\"}}}}]}}\n\n"
    )
    .into_bytes()
}

/// An OpenAI-style `delta` chunk (what AligneAI sends).
fn delta_event(content: &str) -> Vec<u8> {
    format!(
        "data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}},\"finish_reason\":null}}]}}\n\n"
    )
    .into_bytes()
}

/// The head of a chunked event stream and `k` events, one per HTTP chunk.
fn stream_with(k: usize, make: fn(&str) -> Vec<u8>) -> Vec<Step> {
    let mut steps = vec![Step::Write(head(200, "text/event-stream", None))];
    for i in 0..k {
        steps.push(Step::Write(chunk(&make(&format!("tok{i}")))));
    }
    steps
}

/// What a stream yielded: the items before the end, and the error that ended it (if any).
/// Also checks the stream ends (yields `None`) right after its first error.
async fn drain<T, S>(mut stream: S) -> (Vec<T>, Option<Error>)
where
    S: Stream<Item = Result<T, Error>> + Unpin,
{
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(err) => {
                assert!(
                    stream.next().await.is_none(),
                    "the stream must end after an error"
                );
                return (items, Some(err));
            }
        }
    }
    (items, None)
}

/// Runs a PeakPrivacy stream against `scripts` and returns the chunk texts, the ending
/// error, the retries and the elapsed time.
async fn peak_stream(scripts: Vec<Vec<Step>>) -> PeakOutcome {
    peak_stream_idle(scripts, IDLE).await
}

/// The texts read, the stream's error, the server, the sleeps and the time it took.
type PeakOutcome = (
    Vec<String>,
    Option<Error>,
    RawServer,
    RecordingSleep,
    Duration,
);

/// [`peak_stream`] with the client's stream idle timeout set to `idle`.
async fn peak_stream_idle(scripts: Vec<Vec<Step>>, idle: Duration) -> PeakOutcome {
    let server = RawServer::start(scripts).await;
    let sleep = RecordingSleep::new();
    let client = peak_with_idle(&server, &sleep, idle);
    let ((texts, err), elapsed) = within(BOUND, async {
        match client.chat().completions().create_stream(request()).await {
            Ok(stream) => {
                let (chunks, err) = drain(stream).await;
                (chunks.iter().map(|c| c.content().to_owned()).collect(), err)
            }
            Err(err) => (Vec::new(), Some(err)),
        }
    })
    .await;
    (texts, err, server, sleep, elapsed)
}

fn toks(k: usize) -> Vec<String> {
    (0..k).map(|i| format!("tok{i}")).collect()
}

fn assert_no_key(err: &Error) {
    assert!(!err.to_string().contains(KEY));
    assert!(!format!("{err:?}").contains(KEY));
}

// ---------------------------------------------------------------- cut streams

#[tokio::test]
async fn reset_after_k_events_yields_k_chunks_then_a_connection_error() {
    for k in [0usize, 1, 3] {
        let mut script = stream_with(k, event);
        script.extend([Step::Sleep(Duration::from_millis(30)), Step::Reset]);
        let (texts, err, server, sleep, elapsed) = peak_stream(vec![script]).await;
        assert_eq!(texts, toks(k), "k={k}");
        let err = err.unwrap_or_else(|| panic!("k={k}: a reset stream ended cleanly"));
        assert_eq!(err.kind(), ErrorKind::Connection, "k={k}: {err:?}");
        assert_eq!(
            server.requests().len(),
            1,
            "a stream is not retried after its headers"
        );
        assert_eq!(sleep.retries(), 0);
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        assert_no_key(&err);
    }
}

#[tokio::test]
async fn close_without_the_last_chunk_is_an_error_not_an_end() {
    // FIN after K events, without the `0\r\n\r\n` that ends a chunked body.
    let mut script = stream_with(2, event);
    script.push(Step::Close);
    let (texts, err, server, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(2));
    let err = err.expect("a cut chunked body ended cleanly");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn content_length_stream_cut_short_is_an_error() {
    let mut body = event("tok0");
    body.extend(event("tok1"));
    let mut bytes = head(200, "text/event-stream", Some(body.len() + 500));
    bytes.extend(&body);
    let (texts, err, _, _, _) = peak_stream(vec![vec![Step::Write(bytes), Step::Close]]).await;
    assert_eq!(texts, toks(2));
    assert_eq!(
        err.expect("cut body ended cleanly").kind(),
        ErrorKind::Connection
    );
}

#[tokio::test]
async fn clean_end_in_the_middle_of_an_event_is_a_stream_error() {
    let mut script = stream_with(2, event);
    script.push(Step::Write(chunk(
        b"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"mess",
    )));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(2));
    let err = err.expect("a body ending mid-event ended cleanly");
    assert_eq!(err.kind(), ErrorKind::Stream, "{err:?}");
}

#[tokio::test]
async fn a_complete_stream_ends_cleanly() {
    let mut script = stream_with(3, event);
    script.push(Step::Write(chunk(b"data: [DONE]\n\n")));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(3));
    assert!(err.is_none(), "{err:?}");
}

// ---------------------------------------------------------------- stalls and timeouts

#[tokio::test]
async fn stall_longer_than_the_idle_timeout_is_a_timeout_after_the_chunks() {
    let mut script = stream_with(2, event);
    script.push(Step::Hang);
    let (texts, err, server, _, elapsed) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(2));
    let err = err.expect("a stalled stream must not end cleanly");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(server.requests().len(), 1);
    assert!(elapsed >= IDLE, "{elapsed:?}");
    assert!(elapsed < IDLE * 4, "{elapsed:?}");
}

#[tokio::test]
async fn keep_alive_comments_do_not_reset_the_idle_timeout() {
    let mut script = stream_with(1, event);
    for _ in 0..50 {
        script.push(Step::Write(chunk(b": keep-alive\n\n")));
        script.push(Step::Sleep(Duration::from_millis(100)));
    }
    let (texts, err, _, _, elapsed) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.expect("must time out").kind(), ErrorKind::Timeout);
    assert!(
        elapsed < IDLE * 4,
        "comments kept the stream alive: {elapsed:?}"
    );
}

#[tokio::test]
async fn slow_but_steady_events_do_not_time_out() {
    let mut script = vec![Step::Write(head(200, "text/event-stream", None))];
    for i in 0..4 {
        script.push(Step::Sleep(IDLE / 2));
        script.push(Step::Write(chunk(&event(&format!("tok{i}")))));
    }
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(4));
    assert!(err.is_none(), "{err:?}");
}

#[tokio::test]
async fn headers_that_never_come_time_out_and_are_retried() {
    let (texts, err, server, sleep, elapsed) = peak_stream(vec![vec![Step::Hang]]).await;
    assert!(texts.is_empty());
    assert_eq!(err.unwrap().kind(), ErrorKind::Timeout);
    assert_eq!(
        server.requests().len(),
        3,
        "retried while no event reached the caller"
    );
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[tokio::test]
async fn stream_headers_then_silence_hits_the_idle_timeout() {
    // Headers arrive (so no retry), then nothing at all.
    let script = vec![
        Step::Write(head(200, "text/event-stream", None)),
        Step::Hang,
    ];
    let (texts, err, server, _, elapsed) = peak_stream(vec![script]).await;
    assert!(texts.is_empty());
    assert_eq!(err.unwrap().kind(), ErrorKind::Timeout);
    assert_eq!(server.requests().len(), 1);
    assert!(elapsed < IDLE * 4, "{elapsed:?}");
}

#[tokio::test]
async fn headers_without_content_type_then_silence_hits_the_idle_timeout() {
    // No content type: the client sniffs the first byte, within the idle timeout.
    let bytes = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let (texts, err, _, _, elapsed) = peak_stream(vec![vec![Step::Write(bytes), Step::Hang]]).await;
    assert!(texts.is_empty());
    assert_eq!(err.unwrap().kind(), ErrorKind::Timeout);
    assert!(elapsed < IDLE * 4, "{elapsed:?}");
}

// ---------------------------------------------------------------- status faults before the stream

#[tokio::test]
async fn status_errors_before_the_stream_are_retried() {
    let mut ok = stream_with(2, event);
    ok.push(Step::Write(last_chunk()));
    let server = RawServer::start(vec![
        vec![Step::Write(response(503, "application/json", &[], b"{}"))],
        vec![Step::Write(response(
            429,
            "application/json",
            &[("retry-after-ms", "20")],
            b"{}",
        ))],
        vec![Step::Reset],
        ok,
    ])
    .await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .max_retries(3)
        .build()
        .unwrap();
    let ((chunks, err), _) = within(BOUND, async {
        drain(
            client
                .chat()
                .completions()
                .create_stream(request())
                .await
                .unwrap(),
        )
        .await
    })
    .await;
    assert_eq!(
        chunks.iter().map(|c| c.content()).collect::<Vec<_>>(),
        ["tok0", "tok1"]
    );
    assert!(err.is_none(), "{err:?}");
    assert_eq!(server.requests().len(), 4);
    let ms: Vec<u128> = sleep.delays().iter().map(Duration::as_millis).collect();
    // 503 -> backoff 500 ms, 429 -> its 20 ms hint, reset -> backoff 2 s (third retry).
    assert_eq!(ms, [500, 20, 2000]);
}

#[tokio::test]
async fn quota_403_on_a_stream_is_not_retried() {
    let (texts, err, server, _, _) = peak_stream(vec![vec![Step::Write(response(
        403,
        "application/json",
        &[],
        br#"{"error":"Subscription amount limit has been reached"}"#,
    ))]])
    .await;
    assert!(texts.is_empty());
    assert_eq!(err.unwrap().kind(), ErrorKind::QuotaExceeded);
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------- bad bytes

#[tokio::test]
async fn invalid_utf8_in_a_stream_is_a_decode_error() {
    let mut script = stream_with(1, event);
    script.push(Step::Write(chunk(
        b"data: {\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}]}\n\n",
    )));
    script.push(Step::Write(chunk(&event("never"))));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.expect("invalid UTF-8 passed").kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn invalid_utf8_split_across_chunks_is_a_decode_error() {
    let mut script = stream_with(1, event);
    script.push(Step::Write(chunk(b"data: {\"x\":\"\xf0\x9f")));
    script.push(Step::Write(chunk(b"\x41\x41\"}\n\n")));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.expect("invalid UTF-8 passed").kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn non_json_data_is_a_decode_error() {
    let mut script = stream_with(1, event);
    script.push(Step::Write(chunk(
        b"data: {\"choices\": [ this is not json\n\n",
    )));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.unwrap().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn wrong_shape_chunk_is_a_decode_error() {
    let mut script = stream_with(1, event);
    script.push(Step::Write(chunk(b"data: {\"choices\": 7}\n\n")));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.unwrap().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn error_payload_mid_stream_is_a_stream_error() {
    let mut script = stream_with(2, event);
    script.push(Step::Write(chunk(
        b"data: {\"error\":\"Subscription amount limit has been reached\"}\n\n",
    )));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert_eq!(texts, toks(2));
    let err = err.unwrap();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(
        err.to_string().contains("Subscription amount limit"),
        "{err}"
    );
}

#[tokio::test]
async fn oversized_event_is_refused_with_bounded_memory() {
    // One `data:` line that never ends: 24 MiB against the 16 MiB default event cap.
    let mut script = stream_with(1, event);
    script.push(Step::Write(chunk(b"data: {\"x\":\"")));
    let filler = vec![b'a'; 256 * 1024];
    for _ in 0..96 {
        script.push(Step::Write(chunk(&filler)));
    }
    // The idle timer counts delivered chunks only: reading 16 MiB in a debug build on a
    // loaded machine can take longer than IDLE (seen at load 7), so this test waits longer.
    let (texts, err, _, _, elapsed) = peak_stream_idle(vec![script], Duration::from_secs(5)).await;
    assert_eq!(texts, toks(1));
    let err = err.expect("an endless event must fail");
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[tokio::test]
async fn empty_event_stream_body_ends_without_chunks() {
    // An empty `text/event-stream` body is an empty stream (PeakPrivacy sends no sentinel,
    // so the end of the body is its only end marker).
    let script = vec![
        Step::Write(head(200, "text/event-stream", None)),
        Step::Write(last_chunk()),
    ];
    let (texts, err, _, _, _) = peak_stream(vec![script]).await;
    assert!(texts.is_empty());
    assert!(err.is_none(), "{err:?}");
}

// ---------------------------------------------------------------- plain JSON instead of a stream

#[tokio::test]
async fn plain_json_answer_to_a_stream_request_cut_mid_body_is_an_error() {
    let json = r#"{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"whole answer"}}]}"#;
    let mut bytes = head(200, "application/json", Some(json.len()));
    bytes.extend_from_slice(&json.as_bytes()[..30]);
    let (texts, err, server, _, _) = peak_stream(vec![vec![
        Step::Write(bytes),
        Step::Sleep(Duration::from_millis(20)),
        Step::Reset,
    ]])
    .await;
    assert!(texts.is_empty());
    assert_eq!(err.expect("cut JSON passed").kind(), ErrorKind::Connection);
    assert_eq!(server.requests().len(), 1);

    // The whole body arrives: one chunk with the whole answer.
    let (texts, err, _, _, _) = peak_stream(vec![vec![Step::Write(response(
        200,
        "application/json",
        &[],
        json.as_bytes(),
    ))]])
    .await;
    assert_eq!(texts, ["whole answer"]);
    assert!(err.is_none());

    // Truncated but complete body: a decode error.
    let (texts, err, _, _, _) = peak_stream(vec![vec![Step::Write(response(
        200,
        "application/json",
        &[],
        &json.as_bytes()[..30],
    ))]])
    .await;
    assert!(texts.is_empty());
    assert_eq!(err.unwrap().kind(), ErrorKind::Decode);
}

// ---------------------------------------------------------------- AligneAI streams

async fn aligne_stream(
    scripts: Vec<Vec<Step>>,
) -> (Vec<String>, Option<Error>, RawServer, Duration) {
    let server = RawServer::start(scripts).await;
    let sleep = RecordingSleep::new();
    let client = aligne(&server, &sleep);
    let request =
        aligneai::ChatCompletionRequest::new("llama3", [aligneai::Message::user("Hello")]);
    let ((texts, err), elapsed) = within(BOUND, async {
        match client.chat().completions().create_stream(request).await {
            Ok(stream) => {
                let (texts, err) = drain(stream.text()).await;
                (texts, err)
            }
            Err(err) => (Vec::new(), Some(err)),
        }
    })
    .await;
    (texts, err, server, elapsed)
}

#[tokio::test]
async fn aligneai_reset_after_k_events_is_an_error() {
    let mut script = stream_with(3, delta_event);
    script.extend([Step::Sleep(Duration::from_millis(30)), Step::Reset]);
    let (texts, err, server, elapsed) = aligne_stream(vec![script]).await;
    assert_eq!(texts, toks(3));
    assert_eq!(
        err.expect("reset ended cleanly").kind(),
        ErrorKind::Connection
    );
    assert_eq!(server.requests().len(), 1);
    assert!(elapsed < Duration::from_secs(2));
}

#[tokio::test]
async fn aligneai_stall_and_mid_event_end() {
    let mut script = stream_with(2, delta_event);
    script.push(Step::Hang);
    let (texts, err, _, elapsed) = aligne_stream(vec![script]).await;
    assert_eq!(texts, toks(2));
    assert_eq!(err.unwrap().kind(), ErrorKind::Timeout);
    assert!(elapsed < IDLE * 4);

    let mut script = stream_with(1, delta_event);
    script.push(Step::Write(chunk(
        b"data: {\"choices\":[{\"delta\":{\"content\":\"x",
    )));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _) = aligne_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.expect("mid-event end passed").kind(), ErrorKind::Stream);
}

#[tokio::test]
async fn aligneai_invalid_utf8_and_garbage() {
    let mut script = stream_with(1, delta_event);
    script.push(Step::Write(chunk(b"data: \xc3\x28\n\n")));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _) = aligne_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.unwrap().kind(), ErrorKind::Decode);

    let mut script = stream_with(1, delta_event);
    script.push(Step::Write(chunk(b"data: <html>oops</html>\n\n")));
    script.push(Step::Write(last_chunk()));
    let (texts, err, _, _) = aligne_stream(vec![script]).await;
    assert_eq!(texts, toks(1));
    assert_eq!(err.unwrap().kind(), ErrorKind::Decode);
}
