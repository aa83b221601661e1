//! `POST /chat/completions`: whole answers and streams (SSE, raw text, JSON fallback,
//! malformed chunks, cut and reset bodies).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aligneai::{ChatCompletionRequest, ErrorKind, FinishReason, Message, RequestOptions, Role};
use futures_util::{StreamExt, TryStreamExt};
use llm_testkit::raw::{head, RawServer, Step};
use serde_json::json;
use support::{client, completion_body};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request() -> ChatCompletionRequest {
    ChatCompletionRequest::new(
        "llama-3.1-8b-instruct",
        [Message::system("Be brief."), Message::user("Hi")],
    )
}

async fn stream_answer(server: &MockServer, body: &str, content_type: &str) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), content_type))
        .mount(server)
        .await;
}

fn sse(chunks: &[serde_json::Value], done: bool) -> String {
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    if done {
        body.push_str("data: [DONE]\n\n");
    }
    body
}

fn delta(content: Option<&str>, finish: Option<&str>) -> serde_json::Value {
    let delta = match content {
        Some(c) => json!({"content": c}),
        None => json!({}),
    };
    json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

#[tokio::test]
async fn create_sends_openai_style_body_and_reads_the_completion() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("API-Key", support::KEY))
        .and(body_json(json!({
            "model": "llama-3.1-8b-instruct",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
            "stream": false, "temperature": 0.5, "max_tokens": 10, "seed": 1
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion_body("Hello!")))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let completion = client
        .chat()
        .completions()
        .create(request().temperature(0.5).max_tokens(10).seed(1))
        .await
        .unwrap();
    assert_eq!(completion.content(), "Hello!");
    assert_eq!(completion.id, "chatcmpl-1");
    assert_eq!(completion.choices[0].message.role, Role::Assistant);
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Stop)
    );
    assert_eq!(completion.usage.unwrap().total_tokens, 7);
}

#[tokio::test]
async fn create_tolerates_missing_and_unknown_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{"message": {"role": "critic", "content": "Hm"}, "finish_reason": "eos", "logprobs": null}],
            "brand_new": {"x": 1}
        })))
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let completion = client.chat().completions().create(request()).await.unwrap();
    assert_eq!(completion.id, "");
    assert!(completion.usage.is_none());
    assert_eq!(
        completion.choices[0].message.role,
        Role::Other("critic".into())
    );
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Other("eos".into()))
    );
}

#[tokio::test]
async fn invalid_chat_requests_are_rejected_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    for bad in [
        ChatCompletionRequest::new(" ", [Message::user("x")]),
        ChatCompletionRequest::new("m", []),
    ] {
        let err = client
            .chat()
            .completions()
            .create(bad.clone())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        let err = client
            .chat()
            .completions()
            .create_stream(bad)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
    server.verify().await;
}

#[tokio::test]
async fn sse_stream_with_done_sends_stream_true_and_keeps_finish_only_chunk() {
    let server = MockServer::start().await;
    let body = sse(
        &[
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}),
            delta(Some("Hel"), None),
            delta(Some("lo"), None),
            delta(None, Some("stop")),
        ],
        true,
    ) + "data: {\"after\": \"done is ignored\"}\n\n";
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(wiremock::matchers::body_partial_json(
            json!({"stream": true}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let stream = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    let chunks: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.len(), 4);
    assert_eq!(chunks[0].choices[0].delta.role, Some(Role::Assistant));
    assert_eq!(chunks[1].content(), "Hel");
    assert_eq!(chunks[3].content(), "");
    assert_eq!(chunks[3].choices[0].finish_reason, Some(FinishReason::Stop));
}

#[tokio::test]
async fn sse_stream_without_done_ends_cleanly_and_collects() {
    let server = MockServer::start().await;
    let body = ": keep-alive comment\r\n\r\nevent: ping\r\ndata: {}\r\n\r\n".to_owned()
        + &sse(
            &[delta(Some("A"), None), delta(Some("B"), Some("length"))],
            false,
        );
    stream_answer(&server, &body, "text/event-stream; charset=utf-8").await;
    let (client, _) = client(&server);
    let stream = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    let completion = stream.collect_completion().await.unwrap();
    // The `ping` event's `{}` is a chunk without choices; it adds nothing.
    assert_eq!(completion.content(), "AB");
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Length)
    );
    assert_eq!(completion.model, "m");
}

#[tokio::test]
async fn chunks_with_message_instead_of_delta_are_accepted() {
    let server = MockServer::start().await;
    let body = "data:{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}\n\n";
    stream_answer(&server, body, "text/event-stream").await;
    let (client, _) = client(&server);
    let text: Vec<String> = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap()
        .text()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(text, ["Hi"]);
}

#[tokio::test]
async fn a_malformed_chunk_is_a_decode_error_item_then_the_end() {
    let server = MockServer::start().await;
    let body = sse(&[delta(Some("ok"), None)], false)
        + "data: {\"choices\": [oops\n\n"
        + &sse(&[delta(Some("late"), None)], true);
    stream_answer(&server, &body, "text/event-stream").await;
    let (client, _) = client(&server);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "ok");
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn an_error_event_is_an_error_item() {
    let server = MockServer::start().await;
    let body = sse(&[delta(Some("a"), None)], false)
        + "data: {\"error\": {\"message\": \"model overloaded\"}}\n\n";
    stream_answer(&server, &body, "text/event-stream").await;
    let (client, _) = client(&server);
    let err = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap()
        .collect_completion()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(err.to_string().contains("model overloaded"), "{err}");
}

#[tokio::test]
async fn a_body_cut_mid_event_is_an_error_not_a_clean_end() {
    let server = MockServer::start().await;
    let body = sse(&[delta(Some("a"), None)], false)
        + "data: {\"choices\": [{\"delta\": {\"content\": \"b";
    stream_answer(&server, &body, "text/event-stream").await;
    let (client, _) = client(&server);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "a");
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_reset_connection_is_an_error_item() {
    // Headers promising more bytes than are sent, one event, then the connection closes.
    let server = RawServer::start(vec![vec![
        Step::Write(head(200, "text/event-stream", Some(10_000))),
        Step::text("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"),
        Step::Close,
    ]])
    .await;
    let client = aligneai::AligneAI::builder()
        .api_key("k")
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "Hi");
    let err = stream.next().await.unwrap().unwrap_err();
    // An Err item, never a clean end; a body cut mid-transfer is a broken connection.
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_text_plain_stream_is_read_as_raw_text() {
    let server = MockServer::start().await;
    stream_answer(
        &server,
        "Hello from raw text, ünïcode ✓",
        "text/plain; charset=utf-8",
    )
    .await;
    let (client, _) = client(&server);
    let chunks: Vec<_> = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].content(), "Hello from raw text, ünïcode ✓");
}

#[tokio::test]
async fn a_text_plain_body_that_looks_like_sse_is_read_as_sse() {
    // One rule for every provider: a text/plain body starting with an SSE field is SSE.
    let server = MockServer::start().await;
    let body = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n";
    stream_answer(&server, body, "text/plain").await;
    let (client, _) = support::client(&server);
    let completion = client
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap()
        .collect_completion()
        .await
        .unwrap();
    assert_eq!(completion.content(), "x");
}

#[tokio::test]
async fn a_json_answer_to_a_stream_request_is_one_chunk() {
    for content_type in ["application/json", "application/octet-stream"] {
        let server = MockServer::start().await;
        stream_answer(
            &server,
            &completion_body("Whole answer").to_string(),
            content_type,
        )
        .await;
        let (client, _) = client(&server);
        let chunks: Vec<_> = client
            .chat()
            .completions()
            .create_stream(request())
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(chunks.len(), 1, "{content_type}");
        assert_eq!(chunks[0].content(), "Whole answer");
        assert_eq!(chunks[0].choices[0].finish_reason, Some(FinishReason::Stop));
        assert_eq!(chunks[0].usage.unwrap().total_tokens, 7);
    }
}

#[tokio::test]
async fn a_silent_stream_hits_the_idle_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(sse(&[delta(Some("a"), None)], true), "text/event-stream")
                .set_delay(std::time::Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let options = RequestOptions::new()
        .timeout(std::time::Duration::from_millis(50))
        .max_retries(0);
    let err = client
        .chat()
        .completions()
        .create_stream_with(request(), options)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
