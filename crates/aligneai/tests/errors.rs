//! Every HTTP status -> error kind, on every endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aligneai::{AligneAI, ChatCompletionRequest, EmbeddingRequest, Error, ErrorKind, Message};
use serde_json::{json, Value};
use support::RecordingSleep;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn cases() -> Vec<(u16, Value, ErrorKind)> {
    vec![
        (400, json!({"error": "Bad request"}), ErrorKind::BadRequest),
        (
            401,
            json!({"error": "Unauthenticated"}),
            ErrorKind::Authentication,
        ),
        (
            403,
            json!({"error": "Forbidden"}),
            ErrorKind::PermissionDenied,
        ),
        (
            403,
            json!({"error": "Subscription amount limit has been reached"}),
            ErrorKind::QuotaExceeded,
        ),
        (404, json!({"error": "Not found"}), ErrorKind::NotFound),
        (
            408,
            json!({"error": "Request timeout"}),
            ErrorKind::RequestTimeout,
        ),
        (409, json!({"error": "Conflict"}), ErrorKind::Conflict),
        (
            413,
            json!({"error": "Request Entity Too Large"}),
            ErrorKind::PayloadTooLarge,
        ),
        (
            422,
            json!({"message": "Validation error", "errors": {"inputs": ["The inputs field is required."]}}),
            ErrorKind::UnprocessableEntity,
        ),
        (
            429,
            json!({"error": {"message": "Slow down", "type": "rate_limit"}}),
            ErrorKind::RateLimit,
        ),
        (500, json!({"error": "Internal"}), ErrorKind::InternalServer),
        (
            502,
            json!({"error": "Bad gateway"}),
            ErrorKind::InternalServer,
        ),
        (
            503,
            json!({"error": "Unavailable"}),
            ErrorKind::InternalServer,
        ),
    ]
}

async fn call_every_endpoint(client: &AligneAI) -> Vec<Error> {
    let chat = || ChatCompletionRequest::new("m", [Message::user("hi")]);
    vec![
        client
            .embeddings()
            .create(EmbeddingRequest::new("a"))
            .await
            .unwrap_err(),
        client
            .chat()
            .completions()
            .create(chat())
            .await
            .unwrap_err(),
        client
            .chat()
            .completions()
            .create_stream(chat())
            .await
            .unwrap_err(),
        client.models().list().await.unwrap_err(),
        client.ping().await.unwrap_err(),
    ]
}

#[tokio::test]
async fn every_status_maps_to_its_kind_on_every_endpoint() {
    for (status, body, kind) in cases() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(body.clone())
                    .insert_header("x-request-id", "req-9"),
            )
            .mount(&server)
            .await;
        let sleep = RecordingSleep::default();
        let client = support::builder(&server, &sleep)
            .max_retries(0)
            .build()
            .unwrap();
        for err in call_every_endpoint(&client).await {
            assert_eq!(err.kind(), kind, "{status} {body}: {err}");
            assert_eq!(err.status(), Some(status));
            assert_eq!(err.request_id(), Some("req-9"));
            assert!(err.api_message().is_some(), "{status}: {err:?}");
        }
    }
}

#[tokio::test]
async fn error_details_are_kept() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Validation error",
            "errors": {"dimensions": ["The dimensions field must be between 1 and 4096."]}
        })))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server);
    let err = client
        .embeddings()
        .create(EmbeddingRequest::new("a").dimensions(99999))
        .await
        .unwrap_err();
    assert_eq!(err.api_message(), Some("Validation error"));
    assert_eq!(
        err.field_errors().unwrap()["dimensions"],
        ["The dimensions field must be between 1 and 4096."]
    );
    assert!(err.raw_body().unwrap().contains("4096"));
    assert_eq!(
        err.to_string(),
        "unprocessable entity (HTTP 422): Validation error"
    );
}

#[tokio::test]
async fn an_html_error_page_is_kept_raw() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw("<html><title>502 Bad Gateway</title></html>", "text/html"),
        )
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.models().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert!(err.raw_body().unwrap().contains("Bad Gateway"));
}

#[tokio::test]
async fn errors_never_contain_the_key() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthenticated"})))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server);
    for err in call_every_endpoint(&client).await {
        assert!(!format!("{err} {err:?}").contains(support::KEY));
    }
}
