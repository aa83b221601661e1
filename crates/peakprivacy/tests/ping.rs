//! The token check: `GET ai/ping`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use peakprivacy::{ApiTokenValid, ErrorKind, RequestOptions};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn valid_token_ignores_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ai/ping"))
        .and(header("api-token", TOKEN))
        .and(header("accept", "application/json"))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .respond_with(ResponseTemplate::new(200).set_body_string("pong, not JSON"))
        .expect(1)
        .mount(&server)
        .await;
    let valid = client(&server).chat().check_api_token().await.unwrap();
    let ApiTokenValid { .. } = valid;
}

#[tokio::test]
async fn invalid_token_is_an_authentication_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ai/ping"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthenticated"})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).chat().check_api_token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api_message(), Some("Unauthenticated"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn check_with_options() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ai/ping"))
        .and(header("x-trace", "p"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .chat()
        .check_api_token_with(RequestOptions::new().header("x-trace", "p"))
        .await
        .unwrap();
}
