//! Chat completions: method, path, headers, body fields, validation, decoding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use peakprivacy::{
    model_ids, ChatCompletionRequest, ErrorKind, FinishReason, Message, RequestOptions, Role,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn create_sends_method_path_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .and(header("api-token", TOKEN))
        .and(header("accept", "application/json"))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .and(header("content-type", "application/json"))
        .and(header(
            "user-agent",
            concat!("peakprivacy-rust/", env!("CARGO_PKG_VERSION")),
        ))
        .and(body_json(json!({
            "model": "mistral-swiss",
            "messages": [{"role": "user", "content": "Hello"}],
            "stream": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_json()))
        .expect(1)
        .mount(&server)
        .await;

    let completion = client(&server)
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap();
    assert_eq!(completion.id, "1df8f5af-c96d-42ba-938a-3f5c4f62e633");
    assert_eq!(completion.object, "chat.completion");
    assert_eq!(completion.created, Some(1705942239));
    assert_eq!(completion.model, "gpt-3.5-turbo-1106");
    assert_eq!(completion.choices.len(), 1);
    assert_eq!(completion.choices[0].index, 0);
    assert_eq!(completion.choices[0].message.role, Role::Assistant);
    assert_eq!(completion.content(), "Hello! How can I assist you today?");
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Stop)
    );
    let usage = completion.usage.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (8, 9, 17)
    );
}

#[tokio::test]
async fn every_body_field_is_sent_when_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .and(body_json(json!({
            "model": "gpt-4",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Again"}
            ],
            "temperature": 0.25,
            "top_p": 0.5,
            "max_tokens": 100,
            "random_seed": 42,
            "safe_prompt": true,
            "anonymize": false,
            "stream": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_json()))
        .expect(1)
        .mount(&server)
        .await;

    let request = ChatCompletionRequest::new(
        model_ids::GPT_4,
        [
            Message::system("Be brief."),
            Message::user("Hi"),
            Message::assistant("Hello!"),
        ],
    )
    .message(Message::user("Again"))
    .temperature(0.25)
    .top_p(0.5)
    .max_tokens(100)
    .seed(42)
    .safe_prompt(true)
    .anonymize(false);
    client(&server)
        .chat()
        .completions()
        .create(request)
        .await
        .unwrap();
}

#[tokio::test]
async fn base_url_without_trailing_slash_keeps_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_json()))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    client.chat().completions().create(request()).await.unwrap();
}

#[tokio::test]
async fn invalid_requests_fail_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_json()))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let completions = client.chat().completions();
    for (bad, needle) in [
        (request().temperature(1.5), "temperature"),
        (request().temperature(-0.01), "temperature"),
        (request().top_p(2.0), "top_p"),
        (request().top_p(f64::NAN), "top_p"),
        (ChatCompletionRequest::new("mistral-swiss", []), "messages"),
        (
            ChatCompletionRequest::new("", [Message::user("x")]),
            "model",
        ),
    ] {
        let err = completions.create(bad.clone()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        assert!(err.to_string().contains(needle), "{err}");
        let err = completions.create_stream(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
}

#[tokio::test]
async fn per_call_options_add_headers_and_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-trace", "abc"))
        .and(header("idempotency-key", "order-1"))
        .and(header("x-team", "search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_json()))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .default_header("x-team", "search")
        .build()
        .unwrap();
    let options = RequestOptions::new()
        .header("x-trace", "abc")
        .idempotency_key("order-1");
    client
        .chat()
        .completions()
        .create_with(request(), options)
        .await
        .unwrap();
}

#[tokio::test]
async fn tolerant_response_decoding() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "x", "unknown": {"nested": true},
            "choices": [{"message": {"role": "narrator", "content": null},
                         "finish_reason": "eos"}]
        })))
        .mount(&server)
        .await;
    let completion = client(&server)
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap();
    assert_eq!(completion.created, None);
    assert!(completion.usage.is_none());
    assert_eq!(
        completion.choices[0].message.role,
        Role::Other("narrator".into())
    );
    assert_eq!(completion.content(), "");
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Other("eos".into()))
    );
}

#[tokio::test]
async fn non_json_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>hi</html>"))
        .mount(&server)
        .await;
    let err = client(&server)
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
}

#[tokio::test]
async fn client_is_clone_send_sync_and_debug_hides_the_token() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<peakprivacy::PeakPrivacy>();
    let server = MockServer::start().await;
    let client = client(&server);
    let debug = format!("{client:?} {:?}", builder(&server));
    assert!(!debug.contains(TOKEN), "{debug}");
    // The futures are Send, so they can be spawned.
    let handle = tokio::spawn({
        let client = client.clone();
        async move { client.chat().completions().create(request()).await }
    });
    assert!(handle.await.unwrap().is_err()); // no mock mounted: 404
}
