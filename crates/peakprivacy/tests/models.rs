//! `GET ai/models`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use peakprivacy::{ErrorKind, RequestOptions};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn list_sends_get_with_headers_and_decodes_models() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ai/models"))
        .and(header("api-token", TOKEN))
        .and(header("accept", "application/json"))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .and(header(
            "user-agent",
            concat!("peakprivacy-rust/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [
                {"id": "mistral-swiss", "created": 1700000000, "max_tokens": 32000,
                 "object": "model", "owned_by": "peakprivacy"},
                {"id": "gpt-eu", "created": null, "max_tokens": "8192", "extra": true}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let models = client(&server).models().list().await.unwrap();
    assert_eq!(models.len(), 2);
    let m = &models[0];
    assert_eq!(m.id, "mistral-swiss");
    assert_eq!(m.created, Some(1700000000));
    assert_eq!(m.max_tokens, Some(32000));
    assert_eq!(m.object, "model");
    assert_eq!(m.owned_by, "peakprivacy");
    assert_eq!(models[1].created, None);
    assert_eq!(models[1].max_tokens, Some(8192));
    assert_eq!(models[1].owned_by, "");
}

#[tokio::test]
async fn list_accepts_a_bare_array() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ai/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "a"}])))
        .mount(&server)
        .await;
    let models = client(&server).models().list().await.unwrap();
    assert_eq!(models[0].id, "a");
}

#[tokio::test]
async fn list_with_options_sends_extra_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ai/models"))
        .and(header("x-trace", "t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let models = client(&server)
        .models()
        .list_with(RequestOptions::new().header("x-trace", "t1"))
        .await
        .unwrap();
    assert!(models.is_empty());
}

#[tokio::test]
async fn list_with_an_unexpected_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": "nope"})))
        .mount(&server)
        .await;
    let err = client(&server).models().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}
