//! Retries as applied to PeakPrivacy calls: attempt counts and exact delays.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use futures_util::StreamExt;
use llm_core::retry::RecordingSleep;
use llm_testkit::raw::refused_addr;
use peakprivacy::retry::Clock;
use peakprivacy::{ErrorKind, PeakPrivacy, RequestOptions, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client with the default retry policy (2 retries) and a recording sleep.
fn retrying(server: &MockServer) -> (PeakPrivacy, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let client = builder(server)
        .retry_policy(RetryPolicy::default())
        .max_retries(2)
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    (client, sleep)
}

async fn mount(
    server: &MockServer,
    verb: &str,
    route: &str,
    template: ResponseTemplate,
    times: Option<u64>,
    expect: u64,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(route))
        .respond_with(template);
    if let Some(n) = times {
        mock = mock.up_to_n_times(n);
    }
    mock.expect(expect).mount(server).await;
}

const COMPLETIONS: &str = "/v1/ai/completions";
const MODELS: &str = "/v1/ai/models";

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[tokio::test]
async fn server_errors_are_retried_with_exponential_backoff() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(503),
        None,
        3,
    )
    .await;
    let (client, sleep) = retrying(&server);
    let err = client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(sleep.delays(), [secs(0.5), secs(1.0)]);
}

#[tokio::test]
async fn a_retry_can_succeed() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(500),
        Some(1),
        1,
    )
    .await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(200).set_body_json(completion_json()),
        None,
        1,
    )
    .await;
    let (client, sleep) = retrying(&server);
    let completion = client.chat().completions().create(request()).await.unwrap();
    assert_eq!(completion.choices.len(), 1);
    assert_eq!(sleep.delays(), [secs(0.5)]);
}

#[tokio::test]
async fn rate_limits_honour_retry_after() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        MODELS,
        ResponseTemplate::new(429).insert_header("retry-after", "3"),
        Some(1),
        1,
    )
    .await;
    mount(
        &server,
        "GET",
        MODELS,
        ResponseTemplate::new(429).insert_header("retry-after-ms", "250"),
        Some(1),
        1,
    )
    .await;
    mount(
        &server,
        "GET",
        MODELS,
        ResponseTemplate::new(200).set_body_json(json!({"data": []})),
        None,
        1,
    )
    .await;
    let (client, sleep) = retrying(&server);
    client.models().list().await.unwrap();
    assert_eq!(sleep.delays(), [secs(3.0), secs(0.25)]);
}

#[derive(Debug)]
struct FixedClock(SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

#[tokio::test]
async fn retry_after_http_date_uses_the_injected_clock() {
    let server = MockServer::start().await;
    // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
    let template =
        ResponseTemplate::new(503).insert_header("retry-after", "Tue, 14 Nov 2023 22:13:25 GMT");
    mount(&server, "GET", "/v1/ai/ping", template, Some(1), 1).await;
    mount(
        &server,
        "GET",
        "/v1/ai/ping",
        ResponseTemplate::new(200),
        None,
        1,
    )
    .await;
    let sleep = RecordingSleep::default();
    let client = builder(&server)
        .max_retries(2)
        .sleep_impl(Arc::new(sleep.clone()))
        .clock(Arc::new(FixedClock(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )))
        .build()
        .unwrap();
    client.chat().check_api_token().await.unwrap();
    assert_eq!(sleep.delays(), [secs(5.0)]);
}

#[tokio::test]
async fn a_too_long_retry_after_is_returned_not_waited_for() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
        None,
        1,
    )
    .await;
    let (client, sleep) = retrying(&server);
    let err = client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimit);
    assert_eq!(err.retry_after(), Some(secs(3600.0)));
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn client_errors_and_quota_are_not_retried() {
    for (status, body) in [
        (400, json!({"message": "bad"})),
        (401, json!({"error": "Unauthenticated"})),
        (
            403,
            json!({"error": "Subscription amount limit has been reached"}),
        ),
        (404, json!({})),
        (413, json!({"error": "Request Entity Too Large"})),
        (422, json!({"message": "Validation error", "errors": {}})),
    ] {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            COMPLETIONS,
            ResponseTemplate::new(status).set_body_json(body),
            None,
            1,
        )
        .await;
        let (client, sleep) = retrying(&server);
        let err = client
            .chat()
            .completions()
            .create(request())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert!(sleep.delays().is_empty(), "status {status}");
    }
}

#[tokio::test]
async fn timeouts_408_and_409_are_retried() {
    for status in [408, 409] {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            MODELS,
            ResponseTemplate::new(status),
            None,
            3,
        )
        .await;
        let (client, sleep) = retrying(&server);
        client.models().list().await.unwrap_err();
        assert_eq!(sleep.delays().len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn x_should_retry_false_stops_retrying() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(503).insert_header("x-should-retry", "false"),
        None,
        1,
    )
    .await;
    let (client, sleep) = retrying(&server);
    client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn per_request_max_retries_overrides_the_client() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(500),
        None,
        1,
    )
    .await;
    let (client, sleep) = retrying(&server);
    client
        .chat()
        .completions()
        .create_with(request(), RequestOptions::new().max_retries(0))
        .await
        .unwrap_err();
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn builder_max_retries_is_applied() {
    let server = MockServer::start().await;
    mount(&server, "GET", MODELS, ResponseTemplate::new(502), None, 5).await;
    let sleep = RecordingSleep::default();
    let client = builder(&server)
        .max_retries(4)
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    client.models().list().await.unwrap_err();
    assert_eq!(sleep.delays(), [secs(0.5), secs(1.0), secs(2.0), secs(4.0)]);
}

#[tokio::test]
async fn default_client_retries_twice() {
    let server = MockServer::start().await;
    mount(&server, "GET", MODELS, ResponseTemplate::new(500), None, 3).await;
    let sleep = RecordingSleep::default();
    let client = PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(Arc::new(sleep.clone()))
        .jitter(Arc::new(peakprivacy::retry::FixedJitter(0.0)))
        .build()
        .unwrap();
    client.models().list().await.unwrap_err();
    assert_eq!(sleep.delays(), [secs(0.5), secs(1.0)]);
}

#[tokio::test]
async fn stream_requests_are_retried_until_headers_arrive() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        COMPLETIONS,
        ResponseTemplate::new(503),
        Some(1),
        1,
    )
    .await;
    let body = format!("data: {}\n\n", message_chunk("ok"));
    mount(&server, "POST", COMPLETIONS, sse(body), None, 1).await;
    let (client, sleep) = retrying(&server);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request().anonymize(false))
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "ok");
    assert!(stream.next().await.is_none());
    assert_eq!(sleep.delays(), [secs(0.5)]);
}

#[tokio::test]
async fn connection_errors_are_retried() {
    let sleep = RecordingSleep::default();
    let client = PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{}/v1", refused_addr()))
        .max_retries(2)
        .sleep_impl(Arc::new(sleep.clone()))
        .jitter(Arc::new(peakprivacy::retry::FixedJitter(0.0)))
        .build()
        .unwrap();
    let err = client.chat().check_api_token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(sleep.delays(), [secs(0.5), secs(1.0)]);
}
