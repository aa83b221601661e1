//! Errors on every endpoint: typed, with the server's details, never showing the key. The
//! status -> kind table (with HTML bodies) is tested once for both providers, in the
//! workspace's `tests/conformance.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aligneai::retry::RecordingSleep;
use aligneai::{AligneAI, ChatCompletionRequest, EmbeddingRequest, Error, ErrorKind, Message};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// Every endpoint turns an HTTP error into a typed error with the server's details.
#[tokio::test]
async fn every_endpoint_reports_http_errors() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Not found"}))
                .insert_header("x-request-id", "req-9"),
        )
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .max_retries(0)
        .build()
        .unwrap();
    let errors = call_every_endpoint(&client).await;
    assert_eq!(errors.len(), 5);
    for err in errors {
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.request_id(), Some("req-9"));
        assert_eq!(err.api_message(), Some("Not found"), "{err:?}");
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
