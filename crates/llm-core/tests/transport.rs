//! The transport against a real HTTP server on loopback (wiremock).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use llm_core::retry::{Clock, FixedJitter, RecordingSleep, RetryPolicy};
use llm_core::{ApiRequest, ErrorKind, RequestOptions, SecretString, Transport, TransportBuilder};
use llm_testkit::logs::LogRecorder;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "test-key-5f2c";

#[derive(Debug)]
struct FixedClock(SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

fn builder(server: &MockServer, sleep: &RecordingSleep) -> TransportBuilder {
    Transport::builder(format!("{}/v1", server.uri()))
        .auth("Api-Token", SecretString::from(KEY))
        .user_agent("test-sdk/9.9")
        .default_header("X-Requested-With", "XMLHttpRequest")
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
}

fn transport(server: &MockServer, sleep: &RecordingSleep) -> Transport {
    builder(server, sleep).build().unwrap()
}

#[tokio::test]
async fn sends_headers_body_and_joins_paths() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .and(header("api-token", KEY))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .and(header("user-agent", "test-sdk/9.9"))
        .and(header("x-extra", "1"))
        .and(body_json(serde_json::json!({"a": 1})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .expect(2)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    for base in [
        format!("{}/v1", server.uri()),
        format!("{}/v1/", server.uri()),
    ] {
        let t = builder(&server, &sleep).base_url(base).build().unwrap();
        let req = ApiRequest::post("/ai/completions")
            .json(&serde_json::json!({"a": 1}))
            .unwrap()
            .options(RequestOptions::new().header("x-extra", "1"));
        let v: serde_json::Value = t.send_json(req).await.unwrap();
        assert_eq!(v["ok"], true);
    }
}

#[tokio::test]
async fn each_status_maps_to_its_kind() {
    let cases = [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (413, ErrorKind::PayloadTooLarge),
        (422, ErrorKind::UnprocessableEntity),
        (429, ErrorKind::RateLimit),
        (500, ErrorKind::InternalServer),
        (503, ErrorKind::InternalServer),
    ];
    let server = MockServer::start().await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep).max_retries(0).build().unwrap();
    for (status, kind) in cases {
        let p = format!("/v1/s{status}");
        Mock::given(path(p.clone()))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(serde_json::json!({"error": "nope"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let err = t
            .send(ApiRequest::get(format!("s{status}")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "status {status}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.api_message(), Some("nope"));
        assert!(!err.to_string().contains(KEY));
    }
}

#[tokio::test]
async fn quota_403_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            serde_json::json!({"error": "Subscription amount limit has been reached"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let err = transport(&server, &sleep)
        .send(ApiRequest::get("x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn validation_422_keeps_field_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(422).set_body_json(serde_json::json!({
            "message": "Validation error",
            "errors": {"model": ["The selected model is invalid."]}
        })))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let err = transport(&server, &sleep)
        .send(ApiRequest::get("x"))
        .await
        .unwrap_err();
    assert_eq!(
        err.field_errors().unwrap()["model"],
        ["The selected model is invalid."]
    );
}

#[tokio::test]
async fn retries_5xx_twice_with_exponential_backoff() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let err = transport(&server, &sleep)
        .send(ApiRequest::get("x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(
        sleep.delays(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn retryable_statuses_then_success() {
    for status in [408, 409, 429, 500, 502, 504] {
        let server = MockServer::start().await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(2)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .expect(1)
            .mount(&server)
            .await;
        let sleep = RecordingSleep::default();
        let raw = transport(&server, &sleep)
            .send(ApiRequest::get("x"))
            .await
            .unwrap();
        assert_eq!(raw.status, 200, "after {status}");
        assert_eq!(sleep.delays().len(), 2);
    }
}

#[tokio::test]
async fn non_retryable_statuses_make_one_attempt() {
    for status in [400, 401, 404, 413, 422] {
        let server = MockServer::start().await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        let sleep = RecordingSleep::default();
        transport(&server, &sleep)
            .send(ApiRequest::get("x"))
            .await
            .unwrap_err();
        assert!(sleep.delays().is_empty());
    }
}

#[tokio::test]
async fn honours_server_hints() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let date = httpdate::fmt_http_date(now + Duration::from_secs(4));
    let cases: Vec<(&str, String, Duration)> = vec![
        ("retry-after", "2".into(), Duration::from_secs(2)),
        ("retry-after-ms", "250".into(), Duration::from_millis(250)),
        ("retry-after", date, Duration::from_secs(4)),
    ];
    for (name, value, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(429).insert_header(name, value.as_str()))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        let sleep = RecordingSleep::default();
        let t = builder(&server, &sleep)
            .clock(Arc::new(FixedClock(now)))
            .build()
            .unwrap();
        t.send(ApiRequest::get("x")).await.unwrap();
        assert_eq!(sleep.delays(), [expected], "{name}: {value}");
    }
}

#[tokio::test]
async fn hint_longer_than_cap_returns_at_once() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let err = transport(&server, &sleep)
        .send(ApiRequest::get("x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimit);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn should_retry_header_overrides_status() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/no"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/yes"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-should-retry", "true"))
        .expect(3)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = transport(&server, &sleep);
    t.send(ApiRequest::get("no")).await.unwrap_err();
    t.send(ApiRequest::get("yes")).await.unwrap_err();
    assert_eq!(sleep.delays().len(), 2);
}

#[tokio::test]
async fn per_request_max_retries_and_on_retry_hook() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(500))
        .expect(5)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let seen = Arc::new(AtomicU32::new(0));
    let seen2 = seen.clone();
    let t = builder(&server, &sleep)
        .retry_policy(RetryPolicy::default().on_retry(move |e| {
            assert_eq!(e.error.status(), Some(500));
            seen2.fetch_add(1, Ordering::SeqCst);
        }))
        .build()
        .unwrap();
    let req = ApiRequest::get("x").options(RequestOptions::new().max_retries(4));
    t.send(req).await.unwrap_err();
    assert_eq!(seen.load(Ordering::SeqCst), 4);
    assert_eq!(
        sleep.delays(),
        [500, 1000, 2000, 4000].map(Duration::from_millis)
    );
}

#[tokio::test]
async fn idempotency_key_is_the_same_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .and(header("idempotency-key", "order-7"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let req = ApiRequest::post("x").options(RequestOptions::new().idempotency_key("order-7"));
    transport(&server, &sleep).send(req).await.unwrap_err();
}

#[tokio::test]
async fn request_timeout_is_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .expect(2)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep)
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = t.send(ApiRequest::get("slow")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn total_deadline_stops_retrying() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "2"))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep)
        .total_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn connection_refused_is_retried_and_typed() {
    let sleep = RecordingSleep::default();
    let t = Transport::builder(format!("http://{}/", llm_testkit::raw::refused_addr()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
        .build()
        .unwrap();
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(sleep.delays().len(), 2);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn cross_origin_redirect_never_carries_the_credential() {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/steal", elsewhere.uri())),
        )
        .mount(&home)
        .await;
    Mock::given(header_exists("api-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .named("credential leaked to another origin")
        .mount(&elsewhere)
        .await;
    Mock::given(path("/steal"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .named("cross-origin redirect followed")
        .mount(&elsewhere)
        .await;
    let sleep = RecordingSleep::default();
    let err = transport(&home, &sleep)
        .send(ApiRequest::get("x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(302));
    assert_eq!(err.kind(), ErrorKind::UnexpectedStatus);
}

#[tokio::test]
async fn same_origin_redirect_is_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/v1/new"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/new"))
        .and(header("api-token", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"moved\":true}"))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let v: serde_json::Value = transport(&server, &sleep)
        .send_json(ApiRequest::get("old"))
        .await
        .unwrap();
    assert_eq!(v["moved"], true);
}

#[tokio::test]
async fn oversized_error_body_is_capped() {
    let server = MockServer::start().await;
    let big = "x".repeat(1024 * 1024);
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(500).set_body_string(big))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep).max_retries(0).build().unwrap();
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    assert!(err.raw_body().unwrap().len() <= llm_core::RAW_BODY_CAP + 32);
}

#[tokio::test]
async fn oversized_success_body_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(200).set_body_string("y".repeat(2048)))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep)
        .max_response_size(1024)
        .build()
        .unwrap();
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
}

/// A success body that arrives in many chunks without a `Content-Length` is joined byte for
/// byte, and one that passes the cap part way through is refused.
#[tokio::test]
async fn chunked_success_bodies_are_joined_whole_and_capped() {
    use llm_testkit::raw::{chunk, head, last_chunk, RawServer, Step};
    let pieces: Vec<String> = (0..40)
        .map(|i| format!("{{\"piece\":{i}}}\n").repeat(50))
        .collect();
    let mut script = vec![Step::Write(head(200, "application/json", None))];
    for piece in &pieces {
        script.push(Step::Write(chunk(piece.as_bytes())));
        script.push(Step::Sleep(Duration::from_millis(1)));
    }
    script.push(Step::Write(last_chunk()));
    let server = RawServer::start(vec![script]).await;
    let whole = Transport::builder(format!("{}/", server.uri()))
        .max_retries(0)
        .build()
        .unwrap();
    let raw = whole.send(ApiRequest::get("x")).await.unwrap();
    assert_eq!(raw.body, pieces.concat().as_bytes());

    let capped = Transport::builder(format!("{}/", server.uri()))
        .max_retries(0)
        .max_response_size(1000)
        .build()
        .unwrap();
    let err = capped.send(ApiRequest::get("x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
}

#[tokio::test]
async fn bad_json_and_empty_bodies_are_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/empty"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/v1/truncated"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": \"abc"))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = transport(&server, &sleep);
    for p in ["empty", "truncated"] {
        let err = t
            .send_json::<serde_json::Value>(ApiRequest::get(p))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{p}");
        assert_eq!(err.status(), Some(200));
    }
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn debug_of_everything_hides_the_key() {
    let server = MockServer::start().await;
    let sleep = RecordingSleep::default();
    let b = builder(&server, &sleep);
    assert!(!format!("{b:?}").contains(KEY));
    let t = b.build().unwrap();
    assert!(!format!("{t:?}").contains(KEY));
    Mock::given(path("/v1/x"))
        .respond_with(|req: &Request| {
            // Echo the headers back as the error body, as a careless proxy might.
            ResponseTemplate::new(400).set_body_string(format!("{:?}", req.headers))
        })
        .mount(&server)
        .await;
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    // The body is the server's text (kept raw), but our own rendering adds nothing secret.
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn streaming_request_returns_events_and_idle_timeout() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    Mock::given(path("/v1/stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string("data: one\n\n: keep-alive\n\ndata: two\n\n"),
        )
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = transport(&server, &sleep);
    let mut resp = t.send_stream(ApiRequest::post("stream")).await.unwrap();
    assert!(resp.sniff_event_stream().await.unwrap());
    let events: Vec<_> = resp.events().collect().await;
    let data: Vec<_> = events
        .iter()
        .map(|e| e.as_ref().unwrap().data().to_owned())
        .collect();
    assert_eq!(data, ["one", "two"]);
}

#[tokio::test]
async fn json_answer_to_a_stream_request_is_sniffed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/stream"))
        .respond_with(ResponseTemplate::new(200).set_body_string("\n {\"id\":\"1\"}"))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let mut resp = transport(&server, &sleep)
        .send_stream(ApiRequest::post("stream"))
        .await
        .unwrap();
    assert!(!resp.sniff_event_stream().await.unwrap());
    assert_eq!(&resp.bytes().await.unwrap()[..], b"\n {\"id\":\"1\"}");
}

#[tokio::test]
async fn error_status_on_a_stream_request_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/stream"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "Unauthenticated"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let err = transport(&server, &sleep)
        .send_stream(ApiRequest::post("stream"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.api_message(), Some("Unauthenticated"));
}

#[tokio::test]
async fn headers_are_replaced_not_repeated() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep)
        .default_header("accept", "text/plain")
        .default_header("x-team", "default")
        .build()
        .unwrap();
    let req = ApiRequest::get("x").options(RequestOptions::new().header("x-team", "per-call"));
    t.send(req).await.unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    let values = |name: &str| -> Vec<String> {
        received
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values("accept"), ["text/plain"]);
    assert_eq!(values("x-team"), ["per-call"]);
    assert_eq!(values("api-token"), [KEY]);

    // A JSON body's content type replaces a default one, the credential replaces a
    // default header of its name, and a per-call header replaces either.
    let t = builder(&server, &sleep)
        .default_header("content-type", "text/plain")
        .default_header("api-token", "not-the-key")
        .build()
        .unwrap();
    let post = || {
        ApiRequest::post("x")
            .json(&serde_json::json!({"a": 1}))
            .unwrap()
    };
    t.send(post()).await.unwrap();
    t.send(post().options(RequestOptions::new().header("content-type", "application/x-ndjson")))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let values = |i: usize, name: &str| -> Vec<String> {
        received[i]
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values(1, "content-type"), ["application/json"]);
    assert_eq!(values(1, "api-token"), [KEY]);
    assert_eq!(values(1, "accept"), ["application/json"]);
    assert_eq!(values(2, "content-type"), ["application/x-ndjson"]);
    assert_eq!(received[1].body, br#"{"a":1}"#);
}

// ---------------------------------------------------------------- reliability (issue 11)

/// Records the fields of every `llm_core` tracing event on this thread.
#[tokio::test]
async fn same_origin_redirect_loop_is_one_typed_error_not_retried() {
    let server = MockServer::start().await;
    // A loop on one path, and a ping-pong between two.
    Mock::given(path("/v1/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/loop"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/ping"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/pong"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/pong"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/v1/ping"))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = transport(&server, &sleep);
    for p in ["loop", "ping"] {
        let before = server.received_requests().await.unwrap().len();
        let err = t.send(ApiRequest::get(p)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Redirect, "{p}: {err:?}");
        assert!(!err.is_retryable());
        assert_eq!(err.status(), None);
        assert!(err.to_string().contains("redirect"), "{err}");
        let sent = server.received_requests().await.unwrap().len() - before;
        assert_eq!(sent, 11, "{p}: one attempt of 1 request + 10 redirects");
    }
    assert!(
        sleep.delays().is_empty(),
        "not retried: {:?}",
        sleep.delays()
    );
    // The same on a stream request.
    let err = t.send_stream(ApiRequest::post("loop")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn rate_limit_429_with_a_short_retry_after_is_retried_not_quota() {
    for body in [
        serde_json::json!({"error": "Rate limit has been reached"}),
        serde_json::json!({"message": "You exceeded your quota of requests per minute"}),
        serde_json::json!({"error": {"message": "Quota exhausted for now", "code": "insufficient_quota"}}),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/v1/x"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "1")
                    .set_body_json(body.clone()),
            )
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .expect(1)
            .mount(&server)
            .await;
        let sleep = RecordingSleep::default();
        transport(&server, &sleep)
            .send(ApiRequest::get("x"))
            .await
            .unwrap_or_else(|e| panic!("{body}: {e:?}"));
        assert_eq!(sleep.delays(), [Duration::from_secs(1)], "{body}");
    }
}

#[tokio::test]
async fn quota_needs_an_explicit_signal() {
    let cases = [
        // An explicit quota code and no hint: used up, not retried.
        (
            429,
            serde_json::json!({"error": {"message": "x", "code": "insufficient_quota"}}),
            ErrorKind::QuotaExceeded,
        ),
        // The documented 403 body.
        (
            403,
            serde_json::json!({"error": "Subscription amount limit has been reached"}),
            ErrorKind::QuotaExceeded,
        ),
        // Mentions of a limit or a quota are not signals.
        (
            429,
            serde_json::json!({"error": "Rate limit has been reached"}),
            ErrorKind::RateLimit,
        ),
        (
            403,
            serde_json::json!({"error": "Rate limit has been reached"}),
            ErrorKind::PermissionDenied,
        ),
    ];
    for (status, body, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/v1/x"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let sleep = RecordingSleep::default();
        let t = builder(&server, &sleep).max_retries(0).build().unwrap();
        let err = t.send(ApiRequest::get("x")).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{status} {body}");
    }
}

#[tokio::test]
async fn credential_echoed_in_response_headers_is_redacted() {
    let server = MockServer::start().await;
    let echo = |status: u16| {
        ResponseTemplate::new(status)
            .insert_header("x-request-id", format!("req-{KEY}").as_str())
            .insert_header("x-echo", format!("Api-Token: {KEY}; again {KEY}").as_str())
            .set_body_string("{}")
    };
    Mock::given(path("/v1/err"))
        .respond_with(echo(500))
        .mount(&server)
        .await;
    Mock::given(path("/v1/ok"))
        .respond_with(echo(200))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep).max_retries(1).build().unwrap();
    let logs = LogRecorder::new("llm_core");
    let guard = tracing::subscriber::set_default(logs.clone());

    let err = t.send(ApiRequest::get("err")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.request_id(), Some("req-[REDACTED]"));
    let headers = err.headers().unwrap();
    assert_eq!(headers["x-echo"], "Api-Token: [REDACTED]; again [REDACTED]");
    for shown in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }
    for (_, value) in headers {
        assert!(!String::from_utf8_lossy(value.as_bytes()).contains(KEY));
    }
    // The success responses the transport hands back, too.
    let raw = t.send(ApiRequest::get("ok")).await.unwrap();
    assert!(!format!("{raw:?}").contains(KEY), "{raw:?}");
    assert_eq!(raw.headers["x-request-id"], "req-[REDACTED]");
    let stream = t.send_stream(ApiRequest::post("ok")).await.unwrap();
    assert!(!format!("{stream:?}").contains(KEY), "{stream:?}");
    assert_eq!(stream.headers()["x-request-id"], "req-[REDACTED]");

    drop(guard);
    let events = logs.events();
    assert!(
        events.iter().any(|e| e.contains("req-[REDACTED]")),
        "{events:?}"
    );
    for event in &events {
        assert!(!event.contains(KEY), "the key reached the log: {event}");
    }
}

#[tokio::test]
async fn retry_log_events_carry_no_body() {
    const BODY_TEXT: &str = "patient Jane Doe, born 1970-01-01, diagnosis: confidential";
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("x-request-id", "req-77")
                .set_body_json(serde_json::json!({"error": BODY_TEXT})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = transport(&server, &sleep);
    let logs = LogRecorder::new("llm_core");
    let guard = tracing::subscriber::set_default(logs.clone());
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    drop(guard);
    assert_eq!(err.api_message(), Some(BODY_TEXT), "the error keeps it");
    let events = logs.events();
    let retries: Vec<_> = events
        .iter()
        .filter(|e| e.contains("retrying request"))
        .collect();
    assert_eq!(retries.len(), 2, "{events:?}");
    for event in &retries {
        for field in [
            "status=503",
            "kind=server error",
            "request_id=\"req-77\"",
            "attempt=",
            "delay_ms=",
        ] {
            assert!(event.contains(field), "{field} missing in {event}");
        }
    }
    for event in &events {
        assert!(
            !event.contains("Jane Doe"),
            "a body reached the log: {event}"
        );
    }
}

#[tokio::test]
async fn huge_error_message_is_capped_in_display_and_debug() {
    let message = "é".repeat(30 * 1024); // 60 KiB of two-byte characters
                                         // 100 fields of 3 messages of 150 bytes: 45 KiB, within the 64 KiB read of an error body.
    let long = "m".repeat(150);
    let field_errors: serde_json::Map<String, serde_json::Value> = (0..100)
        .map(|i| (format!("field{i}"), serde_json::json!([long, long, long])))
        .collect();
    let server = MockServer::start().await;
    Mock::given(path("/v1/x"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(serde_json::json!({"error": message.clone()})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v1/fields"))
        .respond_with(ResponseTemplate::new(422).set_body_json(serde_json::json!({
            "message": "Validation error", "errors": field_errors
        })))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let t = builder(&server, &sleep).max_retries(1).build().unwrap();
    let logs = LogRecorder::new("llm_core");
    let guard = tracing::subscriber::set_default(logs.clone());
    let err = t.send(ApiRequest::get("x")).await.unwrap_err();
    drop(guard);
    assert_eq!(
        err.api_message(),
        Some(message.as_str()),
        "full message kept"
    );
    let display = err.to_string();
    assert!(display.len() < 1024, "Display is {} bytes", display.len());
    assert!(display.contains("more bytes]"), "{display}");
    for debug in [format!("{err:?}"), format!("{err:#?}")] {
        assert!(debug.len() < 2048, "Debug is {} bytes", debug.len());
    }
    for event in logs.events() {
        assert!(event.len() < 1024, "log event of {} bytes", event.len());
    }
    // Many long field errors: Debug stays bounded, the accessor keeps them all.
    let err = t.send(ApiRequest::get("fields")).await.unwrap_err();
    assert_eq!(err.field_errors().unwrap().len(), 100);
    let debug = format!("{err:?}");
    assert!(debug.len() < 8 * 1024, "Debug is {} bytes", debug.len());
    assert!(err.to_string().len() < 1024);
}

#[test]
fn base_url_with_a_query_or_fragment_is_refused() {
    for url in [
        "https://api.example.com/v1?api-version=2024-06-01",
        "https://api.example.com/v1/?key=test-key-5f2c",
        "https://api.example.com/v1#section",
    ] {
        let err = Transport::builder(url).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        assert!(!format!("{err} {err:?}").contains(KEY), "{err:?}");
    }
}

#[test]
fn request_path_to_another_origin_is_refused() {
    let t = Transport::builder("https://api.example.com/v1")
        .build()
        .unwrap();
    for p in ["https://evil.example/steal", "http://api.example.com/v1/x"] {
        let err = t.url(p).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{p}");
    }
    assert_eq!(
        t.url("//evil.example/x").unwrap().as_str(),
        "https://api.example.com/v1/evil.example/x"
    );
}
