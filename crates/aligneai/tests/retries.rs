//! Retry rules with exact attempt counts and delays: 2 retries by default, on connection
//! errors, 408, 409, 429 and >= 500; per-client and per-request overrides.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use aligneai::retry::RecordingSleep;
use aligneai::{
    ChatCompletionRequest, EmbeddingRequest, ErrorKind, Message, RequestOptions, RetryPolicy,
};
use llm_testkit::raw::refused_addr;
use serde_json::json;
use support::{client, data_body};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BACKOFF: [Duration; 2] = [Duration::from_millis(500), Duration::from_millis(1000)];

async fn always(server: &MockServer, status: u16, attempts: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({"error": "nope"})))
        .expect(attempts)
        .mount(server)
        .await;
}

#[tokio::test]
async fn retryable_statuses_get_exactly_three_attempts_with_exponential_backoff() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        always(&server, status, 3).await;
        let (client, sleep) = client(&server);
        let err = client
            .embeddings()
            .create(EmbeddingRequest::new("a"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(sleep.delays(), BACKOFF, "status {status}");
        server.verify().await;
    }
}

#[tokio::test]
async fn non_retryable_statuses_get_one_attempt() {
    for (status, body) in [
        (400, json!({"error": "bad"})),
        (401, json!({"error": "Unauthenticated"})),
        (403, json!({"error": "forbidden"})),
        (
            403,
            json!({"error": "Subscription amount limit has been reached"}),
        ),
        (404, json!({"error": "missing"})),
        (413, json!({"error": "Request Entity Too Large"})),
        (
            422,
            json!({"message": "Validation error", "errors": {"inputs": ["required"]}}),
        ),
        (
            429,
            json!({"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}),
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .expect(1)
            .mount(&server)
            .await;
        let (client, sleep) = client(&server);
        let err = client
            .embeddings()
            .create(EmbeddingRequest::new("a"))
            .await
            .unwrap_err();
        assert!(!err.is_retryable(), "{status} {body}");
        assert!(sleep.delays().is_empty(), "{status} {body}");
        server.verify().await;
    }
}

#[tokio::test]
async fn connection_errors_get_three_attempts() {
    // A port with nothing listening: connection refused on every attempt.
    let sleep = RecordingSleep::default();
    let client = aligneai::AligneAI::builder()
        .api_key("k")
        .base_url(format!("http://{}/v1", refused_addr()))
        .sleep_impl(std::sync::Arc::new(sleep.clone()))
        .jitter(std::sync::Arc::new(aligneai::retry::FixedJitter(0.0)))
        .build()
        .unwrap();
    let err = client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.is_connect());
    assert_eq!(sleep.delays(), BACKOFF);
}

#[tokio::test]
async fn a_timeout_is_retried_like_a_connection_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(data_body(&[vec![1.0]]))
                .set_delay(Duration::from_millis(500)),
        )
        .expect(3)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(sleep.delays(), BACKOFF);
}

#[tokio::test]
async fn recovers_after_two_failures() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(data_body(&[vec![7.0]])))
        .expect(1)
        .mount(&server)
        .await;
    let (client, sleep) = client(&server);
    let response = client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap();
    assert_eq!(response.into_vectors(), [vec![7.0]]);
    assert_eq!(sleep.delays(), BACKOFF);
    server.verify().await;
}

#[tokio::test]
async fn max_retries_per_client() {
    let server = MockServer::start().await;
    always(&server, 500, 5).await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .max_retries(4)
        .build()
        .unwrap();
    client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(
        sleep.delays(),
        [500, 1000, 2000, 4000].map(Duration::from_millis)
    );
    server.verify().await;

    let server = MockServer::start().await;
    always(&server, 500, 1).await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert!(sleep.delays().is_empty());
    server.verify().await;
}

#[tokio::test]
async fn max_retries_per_request_overrides_the_client() {
    for (retries, attempts) in [(0u32, 1u64), (1, 2), (3, 4)] {
        let server = MockServer::start().await;
        always(&server, 429, attempts).await;
        let (client, sleep) = client(&server);
        client
            .embeddings()
            .create_with(
                EmbeddingRequest::new("a"),
                RequestOptions::new().max_retries(retries),
            )
            .await
            .unwrap_err();
        assert_eq!(sleep.delays().len() as u32, retries);
        server.verify().await;
    }
}

#[tokio::test]
async fn retry_after_headers_are_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after-ms", "250"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(data_body(&[vec![1.0]])))
        .mount(&server)
        .await;
    let (client, sleep) = client(&server);
    client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap();
    assert_eq!(
        sleep.delays(),
        [Duration::from_secs(3), Duration::from_millis(250)]
    );
}

#[tokio::test]
async fn every_endpoint_retries_the_same_way() {
    let server = MockServer::start().await;
    for (m, p) in [
        ("POST", "/v1/chat/completions"),
        ("GET", "/v1/models"),
        ("GET", "/v1/ping"),
    ] {
        Mock::given(method(m))
            .and(path(p))
            .respond_with(ResponseTemplate::new(502))
            .expect(3)
            .mount(&server)
            .await;
    }
    let (client, sleep) = client(&server);
    let request = || ChatCompletionRequest::new("m", [Message::user("hi")]);
    client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    client.models().list().await.unwrap_err();
    client.ping().await.unwrap_err();
    assert_eq!(sleep.delays().len(), 6);
    // The stream request is retried until the headers arrive, with the same rule.
    let stream_server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&stream_server)
        .await;
    let (stream_client, stream_sleep) = support::client(&stream_server);
    stream_client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap_err();
    assert_eq!(stream_sleep.delays(), BACKOFF);
    server.verify().await;
    stream_server.verify().await;
}
