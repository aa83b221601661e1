//! The streamed-event size limit set on the builder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aligneai::{AligneAI, ChatCompletionRequest, ErrorKind, Message};
use futures_util::StreamExt;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn max_event_size_applies_to_streams() {
    let server = MockServer::start().await;
    let chunk =
        serde_json::json!({"choices": [{"index": 0, "delta": {"content": "y".repeat(4096)}}]});
    Mock::given(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("data: {chunk}\n\ndata: [DONE]\n\n"),
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let build = |limit: Option<usize>| {
        let mut b = AligneAI::builder()
            .api_key("k")
            .base_url(format!("{}/v1", server.uri()));
        if let Some(limit) = limit {
            b = b.max_event_size(limit);
        }
        b.build().unwrap()
    };
    let request = || ChatCompletionRequest::new("m", [Message::user("hi")]);
    let mut stream = build(Some(1024))
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert!(stream.next().await.is_none());
    let stream = build(None)
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    let completion = stream.collect_completion().await.unwrap();
    assert_eq!(completion.content().len(), 4096);
}
