//! Response and event size limits set on the builder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use peakprivacy::{ChatCompletionRequest, ErrorKind, Message, PeakPrivacy};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request() -> ChatCompletionRequest {
    ChatCompletionRequest::new("mistral-swiss", [Message::user("hi")]).anonymize(false)
}

#[tokio::test]
async fn max_response_size_and_max_event_size_apply() {
    let server = MockServer::start().await;
    let content = "x".repeat(4096);
    let completion = serde_json::json!({"id": "1", "object": "chat.completion", "created": 1,
        "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": content}}]});
    Mock::given(path("/v1/ai/completions"))
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"stream": true}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(
                "data: {}\n\n",
                completion.to_string().replace("chat.completion", "chunk")
            ),
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/v1/ai/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&completion))
        .mount(&server)
        .await;
    let client = PeakPrivacy::builder()
        .api_token("t")
        .base_url(format!("{}/v1/", server.uri()))
        .max_response_size(1024)
        .max_event_size(1024)
        .build()
        .unwrap();
    let err = client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert!(stream.next().await.is_none());

    // The defaults accept the same answer.
    let roomy = PeakPrivacy::builder()
        .api_token("t")
        .base_url(format!("{}/v1/", server.uri()))
        .build()
        .unwrap();
    assert_eq!(
        roomy
            .chat()
            .completions()
            .create(request())
            .await
            .unwrap()
            .content()
            .len(),
        4096
    );
}
