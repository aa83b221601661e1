//! `peakprivacy::Error` details: messages and field errors, request ids, connection and
//! timeout errors, configuration errors. The status -> kind table (with HTML bodies) is
//! tested once for both providers, in the workspace's `tests/conformance.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use peakprivacy::{Error, ErrorKind, PeakPrivacy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn error_for(template: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err()
}

fn json_status(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

#[tokio::test]
async fn messages_and_field_errors_are_kept() {
    let err = error_for(json_status(
        422,
        json!({"message": "Validation error",
               "errors": {"model": ["The model field must be a string.", "The selected model is invalid."],
                          "name": ["The name field is required."]}}),
    ))
    .await;
    assert_eq!(err.api_message(), Some("Validation error"));
    let fields = err.field_errors().unwrap();
    assert_eq!(fields["model"].len(), 2);
    assert_eq!(fields["name"], ["The name field is required."]);
    assert_eq!(
        err.to_string(),
        "unprocessable entity (HTTP 422): Validation error"
    );

    let err = error_for(json_status(
        403,
        json!({"error": "Subscription amount limit has been reached"}),
    ))
    .await;
    assert_eq!(
        err.api_message(),
        Some("Subscription amount limit has been reached")
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn request_id_header_is_exposed() {
    let err = error_for(
        json_status(500, json!({"error": "boom"})).insert_header("x-request-id", "req-42"),
    )
    .await;
    assert_eq!(err.request_id(), Some("req-42"));
}

#[tokio::test]
async fn connection_refused_is_a_connection_error() {
    let client = PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{}/v1/", llm_testkit::raw::refused_addr()))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.is_connect());
    assert_eq!(err.status(), None);
    let err = client.models().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
}

#[tokio::test]
async fn request_timeout_is_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": []}))
                .set_delay(std::time::Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(std::time::Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.models().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout());
}

#[test]
fn missing_and_invalid_configuration() {
    let err = PeakPrivacy::builder()
        .api_token("t")
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = PeakPrivacy::new("bad\ntoken").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!err.to_string().contains("bad"));
    let err = PeakPrivacy::builder()
        .api_token("t")
        .default_header("bad header", "x")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[test]
fn error_is_send_sync_and_usable_alone() {
    fn assert_traits<T: Send + Sync + 'static + std::error::Error>() {}
    assert_traits::<peakprivacy::Error>();
}
