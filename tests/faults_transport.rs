//! Fault injection below and at the HTTP layer, through the public `peakprivacy` and
//! `aligneai` clients: for each fault, the error kind, the number of attempts and a bound on
//! the time the call takes. Retries sleep through a recording `Sleep`, so they are instant
//! and counted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aligneai::{AligneAI, EmbeddingRequest};
use llm_core::retry::{Clock, FixedJitter, RecordingSleep};
use llm_core::ErrorKind;
use llm_testkit::raw::{chunk, head, refused_addr, response, RawServer, Step};
use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};
use support::{within, KEY};

/// Every call in this file must return within this bound (a hang fails fast).
const BOUND: Duration = Duration::from_secs(10);

fn peak(uri: &str, sleep: &RecordingSleep) -> PeakPrivacy {
    PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{uri}/v1"))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

fn aligne(uri: &str, sleep: &RecordingSleep) -> aligneai::AligneAI {
    AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{uri}/v1"))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn request() -> ChatCompletionRequest {
    ChatCompletionRequest::new("mistral-swiss", [Message::user("Hello")])
}

const COMPLETION: &str = r#"{"id":"1df8f5af","object":"chat.completion","created":1705942239,"model":"gpt-3.5-turbo-1106","choices":[{"finish_reason":"stop","index":0,"message":{"content":"Hello! How can I assist you today?","role":"assistant"}}],"usage":{"completion_tokens":9,"prompt_tokens":8,"total_tokens":17}}"#;

fn ok_json(body: &str) -> Vec<Step> {
    vec![Step::Write(response(
        200,
        "application/json",
        &[],
        body.as_bytes(),
    ))]
}

fn status(code: u16, headers: &[(&str, &str)], body: &str) -> Vec<Step> {
    vec![Step::Write(response(
        code,
        "application/json",
        headers,
        body.as_bytes(),
    ))]
}

/// The result of one `create` call against `server`, with the retries it made.
async fn create(
    server: &RawServer,
) -> (
    peakprivacy::Result<peakprivacy::ChatCompletion>,
    RecordingSleep,
    Duration,
) {
    let sleep = RecordingSleep::new();
    let client = peak(&server.uri(), &sleep);
    let (result, elapsed) = within(BOUND, client.chat().completions().create(request())).await;
    (result, sleep, elapsed)
}

fn assert_no_key(err: &peakprivacy::Error) {
    assert!(
        !err.to_string().contains(KEY),
        "Display leaks the key: {err}"
    );
    assert!(
        !format!("{err:?}").contains(KEY),
        "Debug leaks the key: {err:?}"
    );
}

// ---------------------------------------------------------------- below HTTP

#[tokio::test]
async fn connection_refused_is_a_retried_connection_error() {
    let uri = format!("http://{}", refused_addr());
    let sleep = RecordingSleep::new();
    let client = peak(&uri, &sleep);
    let (result, elapsed) = within(BOUND, client.chat().completions().create(request())).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert!(err.is_connect() && err.is_retryable());
    assert_eq!(err.status(), None);
    assert_eq!(sleep.retries(), 2, "3 attempts in all");
    assert_eq!(
        sleep.delays(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_no_key(&err);
}

#[tokio::test]
async fn reset_before_headers_is_a_retried_connection_error() {
    let server = RawServer::start(vec![vec![Step::Reset]]).await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn reset_before_headers_then_success() {
    let server = RawServer::start(vec![vec![Step::Reset], ok_json(COMPLETION)]).await;
    let (result, sleep, _) = create(&server).await;
    assert_eq!(
        result.unwrap().content(),
        "Hello! How can I assist you today?"
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(sleep.retries(), 1);
}

#[tokio::test]
async fn close_without_answer_is_a_retried_connection_error() {
    let server = RawServer::start(vec![vec![Step::Close]]).await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn reset_mid_body_is_a_retried_connection_error() {
    let mut partial = head(200, "application/json", Some(COMPLETION.len()));
    partial.extend_from_slice(&COMPLETION.as_bytes()[..40]);
    let server = RawServer::start(vec![vec![
        Step::Write(partial),
        Step::Sleep(Duration::from_millis(20)),
        Step::Reset,
    ]])
    .await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert_eq!(
        server.requests().len(),
        3,
        "a broken body is retried like a broken connection"
    );
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn body_shorter_than_content_length_then_success() {
    let mut partial = head(200, "application/json", Some(COMPLETION.len()));
    partial.extend_from_slice(&COMPLETION.as_bytes()[..40]);
    let server = RawServer::start(vec![
        vec![Step::Write(partial), Step::Close],
        ok_json(COMPLETION),
    ])
    .await;
    let (result, sleep, _) = create(&server).await;
    assert_eq!(result.unwrap().id, "1df8f5af");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(sleep.retries(), 1);
}

#[tokio::test]
async fn server_that_never_answers_times_out_per_attempt() {
    let server = RawServer::start(vec![vec![Step::Hang]]).await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, client.chat().completions().create(request())).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_timeout() && err.is_retryable());
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn headers_then_stalled_body_times_out() {
    let mut partial = head(200, "application/json", Some(COMPLETION.len()));
    partial.extend_from_slice(&COMPLETION.as_bytes()[..10]);
    let server = RawServer::start(vec![vec![Step::Write(partial), Step::Hang]]).await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .timeout(Duration::from_millis(300))
        .max_retries(1)
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, client.models().list()).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(server.requests().len(), 2);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn total_timeout_bounds_all_retries() {
    let server = RawServer::start(vec![vec![Step::Hang]]).await;
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_millis(400))
        .max_retries(5)
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, client.chat().check_api_token()).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Timeout);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

// ---------------------------------------------------------------- HTTP status faults

#[tokio::test]
async fn each_5xx_then_success_is_retried() {
    for code in [500u16, 502, 503, 504] {
        let server = RawServer::start(vec![
            status(code, &[], r#"{"error":"upstream trouble"}"#),
            ok_json(COMPLETION),
        ])
        .await;
        let (result, sleep, elapsed) = create(&server).await;
        assert_eq!(result.unwrap().model, "gpt-3.5-turbo-1106", "status {code}");
        assert_eq!(server.requests().len(), 2, "status {code}");
        assert_eq!(
            sleep.delays(),
            [Duration::from_millis(500)],
            "status {code}"
        );
        assert!(elapsed < Duration::from_secs(2));
    }
}

#[tokio::test]
async fn a_run_of_5xx_uses_exponential_backoff_then_succeeds() {
    let server = RawServer::start(vec![
        status(500, &[], "{}"),
        status(502, &[], "{}"),
        status(503, &[], "{}"),
        status(504, &[], "{}"),
        ok_json(COMPLETION),
    ])
    .await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .max_retries(4)
        .build()
        .unwrap();
    let (result, _) = within(BOUND, client.chat().completions().create(request())).await;
    result.unwrap();
    assert_eq!(server.requests().len(), 5);
    let ms: Vec<u128> = sleep.delays().iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [500, 1000, 2000, 4000]);
}

#[tokio::test]
async fn persistent_503_gives_up_after_the_retries() {
    let server = RawServer::start(vec![status(503, &[], r#"{"message":"maintenance"}"#)]).await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.api_message(), Some("maintenance"));
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed < Duration::from_secs(2));
}

#[tokio::test]
async fn rate_limit_retry_after_seconds_is_honoured() {
    let server = RawServer::start(vec![
        status(429, &[("retry-after", "2")], "{}"),
        ok_json(COMPLETION),
    ])
    .await;
    let (result, sleep, _) = create(&server).await;
    result.unwrap();
    assert_eq!(sleep.delays(), [Duration::from_secs(2)]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limit_retry_after_ms_wins_over_seconds() {
    let server = RawServer::start(vec![
        status(
            429,
            &[("retry-after-ms", "1250"), ("retry-after", "9")],
            "{}",
        ),
        ok_json(COMPLETION),
    ])
    .await;
    let (result, sleep, _) = create(&server).await;
    result.unwrap();
    assert_eq!(sleep.delays(), [Duration::from_millis(1250)]);
}

#[derive(Debug)]
struct FixedClock(SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

#[tokio::test]
async fn rate_limit_retry_after_http_date_is_relative_to_the_clock() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let date = llm_sdk_http_date(now + Duration::from_secs(7));
    let server = RawServer::start(vec![
        status(429, &[("retry-after", date.as_str())], "{}"),
        ok_json(COMPLETION),
    ])
    .await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .clock(Arc::new(FixedClock(now)))
        .build()
        .unwrap();
    let (result, _) = within(BOUND, client.chat().completions().create(request())).await;
    result.unwrap();
    assert_eq!(sleep.delays(), [Duration::from_secs(7)]);
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), without pulling in a date crate.
fn llm_sdk_http_date(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = if month <= 2 { y + 1 } else { y };
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!("{weekday}, {d:02} {mon} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[test]
fn http_date_helper_matches_the_rfc_example() {
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(llm_sdk_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

#[tokio::test]
async fn rate_limit_hint_longer_than_the_cap_returns_at_once() {
    let server = RawServer::start(vec![
        status(429, &[("retry-after", "3600")], r#"{"error":"slow down"}"#),
        ok_json(COMPLETION),
    ])
    .await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimit);
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.requests().len(), 1, "not retried");
    assert_eq!(sleep.retries(), 0);
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
}

#[tokio::test]
async fn x_should_retry_false_on_503_is_not_retried() {
    let server = RawServer::start(vec![
        status(503, &[("x-should-retry", "false")], "{}"),
        ok_json(COMPLETION),
    ])
    .await;
    let (result, sleep, _) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(sleep.retries(), 0);
}

#[tokio::test]
async fn x_should_retry_true_on_400_is_retried() {
    let server = RawServer::start(vec![
        status(400, &[("x-should-retry", "true")], "{}"),
        ok_json(COMPLETION),
    ])
    .await;
    let (result, sleep, _) = create(&server).await;
    result.unwrap();
    assert_eq!(sleep.retries(), 1);
}

#[tokio::test]
async fn quota_exhausted_403_is_typed_and_not_retried() {
    let server = RawServer::start(vec![status(
        403,
        &[],
        r#"{"error":"Subscription amount limit has been reached"}"#,
    )])
    .await;
    let (result, sleep, _) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(err.status(), Some(403));
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(sleep.retries(), 0);
}

#[tokio::test]
async fn plain_403_is_permission_denied() {
    let server = RawServer::start(vec![status(403, &[], r#"{"error":"Forbidden"}"#)]).await;
    let (result, _, _) = create(&server).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::PermissionDenied);
    assert_eq!(server.requests().len(), 1);
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

#[tokio::test]
async fn html_error_page_from_a_proxy_is_a_server_error() {
    let server = RawServer::start(vec![vec![Step::Write(response(
        502,
        "text/html",
        &[],
        HTML_502.as_bytes(),
    ))]])
    .await;
    let (result, sleep, _) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::InternalServer,
        "not a connection error"
    );
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.api_message(), Some("502 Bad Gateway"));
    assert!(err.raw_body().unwrap().contains("nginx"));
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.retries(), 2);
}

#[tokio::test]
async fn html_page_with_status_200_is_a_decode_error() {
    let server = RawServer::start(vec![vec![Step::Write(response(
        200,
        "text/html",
        &[],
        b"<html><body>Please log in</body></html>",
    ))]])
    .await;
    let (result, sleep, _) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
    assert_eq!(server.requests().len(), 1, "a decode error is not retried");
    assert_eq!(sleep.retries(), 0);
}

// ---------------------------------------------------------------- bad bodies on a 200

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = RawServer::start(vec![ok_json(&COMPLETION[..60])]).await;
    let (result, sleep, _) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    assert!(err.is_decode());
    assert_eq!(err.status(), Some(200));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(sleep.retries(), 0);
}

#[tokio::test]
async fn valid_json_of_the_wrong_shape_is_a_decode_error() {
    for body in [
        r#"{"choices":42}"#,
        "[1,2,3]",
        r#""just a string""#,
        "null",
        "42",
    ] {
        let server = RawServer::start(vec![ok_json(body)]).await;
        let (result, _, _) = create(&server).await;
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body}: {err:?}");
        assert_eq!(server.requests().len(), 1);
    }
    // The same for the models list and AligneAI embeddings.
    let server = RawServer::start(vec![ok_json(r#"{"data":"not a list"}"#)]).await;
    let sleep = RecordingSleep::new();
    let (result, _) = within(BOUND, peak(&server.uri(), &sleep).models().list()).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Decode);
    let server = RawServer::start(vec![ok_json(r#"{"data":[{"embedding":"x"}]}"#)]).await;
    let client = aligne(&server.uri(), &sleep);
    let (result, _) = within(
        BOUND,
        client
            .embeddings()
            .create(EmbeddingRequest::new(["a", "b"])),
    )
    .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn empty_200_body_is_a_decode_error() {
    let server = RawServer::start(vec![ok_json("")]).await;
    let (result, sleep, _) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    assert_eq!(err.status(), Some(200));
    assert_eq!(sleep.retries(), 0);
    // The token check ignores the body: an empty 200 is a valid token.
    let server = RawServer::start(vec![ok_json("")]).await;
    let (result, _) = within(BOUND, peak(&server.uri(), &sleep).chat().check_api_token()).await;
    result.unwrap();
    // AligneAI embeddings: the same.
    let server = RawServer::start(vec![ok_json("")]).await;
    let client = aligne(&server.uri(), &sleep);
    let (result, _) = within(
        BOUND,
        client.embeddings().create(EmbeddingRequest::new("a")),
    )
    .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn invalid_utf8_in_a_json_body_is_a_decode_error() {
    let mut body =
        br#"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":""#.to_vec();
    body.extend_from_slice(b"\xff\xfe\"}}]}");
    let server = RawServer::start(vec![vec![Step::Write(response(
        200,
        "application/json",
        &[],
        &body,
    ))]])
    .await;
    let (result, _, _) = create(&server).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Decode);
}

// ---------------------------------------------------------------- size limits

#[tokio::test]
async fn content_length_over_the_limit_is_refused_without_reading() {
    // The default limit is 32 MiB; the server announces 1 GiB and sends almost nothing.
    let mut bytes = head(200, "application/json", Some(1 << 30));
    bytes.extend_from_slice(b"{\"id\":");
    let server = RawServer::start(vec![vec![Step::Write(bytes), Step::Hang]]).await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(sleep.retries(), 0);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn endless_chunked_body_stops_at_the_limit() {
    // 64 MiB of chunked JSON-ish filler; the client keeps at most 256 KiB.
    let filler = vec![b' '; 64 * 1024];
    let mut script = vec![Step::Write(head(200, "application/json", None))];
    for _ in 0..1024 {
        script.push(Step::Write(chunk(&filler)));
    }
    let server = RawServer::start(vec![script]).await;
    let sleep = RecordingSleep::new();
    let client = AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .max_response_size(256 * 1024)
        .build()
        .unwrap();
    let (result, elapsed) = within(
        BOUND,
        client.embeddings().create(EmbeddingRequest::new("a")),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn huge_error_body_is_capped() {
    // A 500 with a 8 MiB body: the error keeps a capped prefix and the call returns.
    let body = vec![b'x'; 8 * 1024 * 1024];
    let server = RawServer::start(vec![vec![Step::Write(response(
        500,
        "text/plain",
        &[],
        &body,
    ))]])
    .await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .max_retries(0)
        .build()
        .unwrap();
    let (result, _) = within(BOUND, client.chat().completions().create(request())).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert!(err.raw_body().unwrap().len() <= llm_core::RAW_BODY_CAP + 32);
    assert!(err.to_string().len() < 1024, "Display stays short");
}

// ---------------------------------------------------------------- AligneAI, same stack

#[tokio::test]
async fn aligneai_reset_then_503_then_success() {
    let body = r#"{"data":[{"embedding":[0.5,-1.0],"index":0}],"model":"nomic-embed-v1.5"}"#;
    let server = RawServer::start(vec![
        vec![Step::Reset],
        status(503, &[], "{}"),
        ok_json(body),
    ])
    .await;
    let sleep = RecordingSleep::new();
    let client = aligne(&server.uri(), &sleep);
    let (result, _) = within(
        BOUND,
        client.embeddings().create(EmbeddingRequest::new("hi")),
    )
    .await;
    let response = result.unwrap();
    assert_eq!(response.data[0].embedding, [0.5, -1.0]);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleep.retries(), 2);
    let req = &server.requests()[2];
    assert_eq!(req.header("api-key").as_deref(), Some(KEY));
    assert!(req.request_line().starts_with("POST /v1/embeddings "));
}

#[tokio::test]
async fn aligneai_refused_and_timeout() {
    let sleep = RecordingSleep::new();
    let client = aligne(&format!("http://{}", refused_addr()), &sleep);
    let (result, elapsed) = within(BOUND, client.models().list()).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Connection);
    assert_eq!(sleep.retries(), 2);
    assert!(elapsed < Duration::from_secs(3));

    let server = RawServer::start(vec![vec![Step::Hang]]).await;
    let sleep = RecordingSleep::new();
    let client = AligneAI::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .sleep_impl(sleep.arc())
        .timeout(Duration::from_millis(250))
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, client.ping()).await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Timeout);
    assert_eq!(server.requests().len(), 3);
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

// ---------------------------------------------------------------- error bodies that stall

/// A head announcing a 100-byte body, then `sent` of it, then silence.
fn stalled(code: u16, headers: &[(&str, &str)], sent: &str) -> Vec<Step> {
    let mut bytes = head(code, "application/json", Some(100));
    // Insert extra headers before the blank line that ends the head.
    let end = bytes.len() - 2;
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    bytes.splice(end..end, extra.into_bytes());
    bytes.extend_from_slice(sent.as_bytes());
    vec![Step::Write(bytes), Step::Hang]
}

#[tokio::test]
async fn status_401_with_a_stalled_body_keeps_its_status_and_is_not_retried() {
    // The attempt timeout (5 s) is longer than the error-body bound (2 s): the bound wins.
    let server = RawServer::start(vec![stalled(401, &[], r#"{"error":"Unauthenticated"}"#)]).await;
    let (result, sleep, elapsed) = create(&server).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication, "{err:?}");
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.api_message(),
        Some("Unauthenticated"),
        "what arrived is kept"
    );
    assert!(!err.is_retryable() && !err.is_timeout());
    assert!(
        std::error::Error::source(&err).is_some(),
        "the stall is the source"
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(sleep.retries(), 0);
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_no_key(&err);
}

#[tokio::test]
async fn status_503_with_a_stalled_body_is_a_retried_server_error() {
    // A short attempt timeout bounds the body read below the 2 s cap.
    let server = RawServer::start(vec![stalled(503, &[("x-request-id", "req-5")], "")]).await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, client.chat().completions().create(request())).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer, "{err:?}");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.request_id(), Some("req-5"));
    assert!(err.is_retryable() && !err.is_timeout());
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        sleep.delays(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn status_429_with_a_stalled_body_keeps_the_retry_hint() {
    let server = RawServer::start(vec![
        stalled(429, &[("retry-after", "3")], r#"{"error":"slow"#),
        ok_json(COMPLETION),
    ])
    .await;
    let sleep = RecordingSleep::new();
    let client = PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let (result, _) = within(BOUND, client.chat().completions().create(request())).await;
    result.unwrap();
    assert_eq!(sleep.delays(), [Duration::from_secs(3)]);
    assert_eq!(server.requests().len(), 2);
}
