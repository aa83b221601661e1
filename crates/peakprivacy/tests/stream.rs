//! Streamed chat completions: every stream variant the (undocumented) wire may use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use futures_util::{StreamExt, TryStreamExt};
use llm_testkit::raw::{chunk, head, RawServer, Step};
use peakprivacy::{
    ChatCompletionChunk, ChatCompletionStream, ErrorKind, FinishReason, PeakPrivacy, Result, Role,
};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn stream_from(template: ResponseTemplate) -> ChatCompletionStream {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .respond_with(template)
        .mount(&server)
        .await;
    let stream = client(&server)
        .chat()
        .completions()
        .create_stream(request().anonymize(false))
        .await
        .unwrap();
    // Keep the server alive until the body is read: wiremock sends it at once.
    drop(server);
    stream
}

async fn all(stream: ChatCompletionStream) -> Vec<Result<ChatCompletionChunk>> {
    stream.collect().await
}

fn texts(items: &[Result<ChatCompletionChunk>]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item.as_ref().unwrap().content())
        .collect()
}

#[tokio::test]
async fn sends_stream_true_and_the_usual_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/completions"))
        .and(header("api-token", TOKEN))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .and(header("accept", "application/json"))
        .and(body_partial_json(
            json!({"stream": true, "anonymize": false, "model": "mistral-swiss"}),
        ))
        .respond_with(sse(format!("data: {}\n\n", message_chunk("Hi"))))
        .expect(1)
        .mount(&server)
        .await;
    let stream = client(&server)
        .chat()
        .completions()
        .create_stream(request().anonymize(false))
        .await
        .unwrap();
    assert_eq!(texts(&all(stream).await), ["Hi"]);
}

#[tokio::test]
async fn message_chunks_without_done_keep_the_finish_only_chunk() {
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\n",
        message_chunk("Hel"),
        message_chunk("lo"),
        finish_chunk()
    );
    let items = all(stream_from(sse(body)).await).await;
    assert_eq!(texts(&items), ["Hel", "lo", ""]);
    let last = items[2].as_ref().unwrap();
    assert_eq!(last.finish_reason(), Some(&FinishReason::Stop));
    let first = items[0].as_ref().unwrap();
    assert_eq!(first.choices[0].delta.role, Some(Role::Assistant));
    assert_eq!(first.id, "c1");
    assert_eq!(first.model, "mistral-swiss");
}

#[tokio::test]
async fn delta_chunks_end_at_done() {
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: [DONE]\n\ndata: {}\n\n",
        delta_chunk("A"),
        delta_chunk("B"),
        delta_chunk("ignored after DONE")
    );
    let items = all(stream_from(sse(body)).await).await;
    assert_eq!(texts(&items), ["A", "B"]);
}

#[tokio::test]
async fn chunks_with_both_message_and_delta_use_delta() {
    let chunk = json!({"choices": [{"index": 0,
        "delta": {"content": "new"}, "message": {"role": "assistant", "content": "whole so far"}}]});
    let items = all(stream_from(sse(format!("data: {chunk}\n\n"))).await).await;
    assert_eq!(texts(&items), ["new"]);
    assert_eq!(
        items[0].as_ref().unwrap().choices[0].delta.role,
        Some(Role::Assistant)
    );
}

#[tokio::test]
async fn json_instead_of_stream_is_one_chunk() {
    let template = ResponseTemplate::new(200).set_body_json(completion_json());
    let items = all(stream_from(template).await).await;
    assert_eq!(texts(&items), ["Hello! How can I assist you today?"]);
    let chunk = items[0].as_ref().unwrap();
    assert_eq!(chunk.finish_reason(), Some(&FinishReason::Stop));
    assert_eq!(chunk.usage.unwrap().total_tokens, 17);
}

#[tokio::test]
async fn pretty_json_without_content_type_is_sniffed() {
    let pretty = serde_json::to_string_pretty(&completion_json()).unwrap();
    let template = ResponseTemplate::new(200).set_body_raw(format!("\n  {pretty}"), "text/plain");
    let completion = stream_from(template)
        .await
        .collect_completion()
        .await
        .unwrap();
    assert_eq!(completion.content(), "Hello! How can I assist you today?");
    assert_eq!(completion.usage.unwrap().prompt_tokens, 8);
}

#[tokio::test]
async fn sse_without_content_type_is_sniffed() {
    let body = format!("data: {}\n\n", message_chunk("x"));
    let template = ResponseTemplate::new(200).set_body_raw(body, "text/plain");
    assert_eq!(texts(&all(stream_from(template).await).await), ["x"]);
}

#[tokio::test]
async fn crlf_line_ends() {
    let body = format!(
        "data: {}\r\n\r\ndata: {}\r\n\r\ndata: [DONE]\r\n\r\n",
        message_chunk("a"),
        message_chunk("b")
    );
    assert_eq!(texts(&all(stream_from(sse(body)).await).await), ["a", "b"]);
}

#[tokio::test]
async fn comments_other_fields_and_data_without_space() {
    let body = format!(
        ": keep-alive\n\n: another\nevent: message\nid: 1\nretry: 1000\ndata:{}\n\nevent: ping\ndata: {{}}\n\nid: 2\n\ndata: {}\n\n",
        delta_chunk("a"),
        delta_chunk("b")
    );
    assert_eq!(texts(&all(stream_from(sse(body)).await).await), ["a", "b"]);
}

#[tokio::test]
async fn several_chunks_on_consecutive_data_lines() {
    // A server that separates chunks by single newlines puts them in one SSE event.
    let body = format!(
        "data: {}\ndata: {}\ndata: [DONE]\n\n",
        message_chunk("one"),
        message_chunk("two")
    );
    assert_eq!(
        texts(&all(stream_from(sse(body)).await).await),
        ["one", "two"]
    );
}

#[tokio::test]
async fn stream_cut_mid_event_is_an_error() {
    let body = format!(
        "data: {}\n\ndata: {{\"choices\":[{{\"del",
        message_chunk("a")
    );
    let items = all(stream_from(sse(body)).await).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().content(), "a");
    assert_eq!(items[1].as_ref().unwrap_err().kind(), ErrorKind::Stream);
}

#[tokio::test]
async fn connection_reset_mid_stream_is_an_error_not_an_end() {
    let server = RawServer::start(vec![vec![
        Step::Write(head(200, "text/event-stream", None)),
        Step::Write(chunk(
            format!("data: {}\n\n", message_chunk("a")).as_bytes(),
        )),
        Step::Close,
    ]])
    .await;
    let client = PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/v1/", server.uri()))
        .max_retries(0)
        .build()
        .unwrap();
    let stream = client
        .chat()
        .completions()
        .create_stream(request().anonymize(false))
        .await
        .unwrap();
    let items = all(stream).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().content(), "a");
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
}

#[tokio::test]
async fn stalled_stream_hits_the_idle_timeout() {
    let server = RawServer::start(vec![vec![
        Step::Write(head(200, "text/event-stream", None)),
        Step::Write(chunk(
            format!("data: {}\n\n", message_chunk("a")).as_bytes(),
        )),
        Step::Hang,
    ]])
    .await;
    let client = PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/v1/", server.uri()))
        .max_retries(0)
        .stream_idle_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request().anonymize(false))
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "a");
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn malformed_chunk_is_a_decode_error_then_the_end() {
    let body = format!(
        "data: {}\n\ndata: {{not json}}\n\ndata: {}\n\n",
        message_chunk("a"),
        message_chunk("never")
    );
    let items = all(stream_from(sse(body)).await).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].as_ref().unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn malformed_json_instead_of_stream_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"choices": [ broken"#, "application/json"),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .chat()
        .completions()
        .create_stream(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn error_inside_the_stream_is_an_error() {
    let body = format!(
        "data: {}\n\ndata: {{\"error\":\"Subscription amount limit has been reached\"}}\n\n",
        message_chunk("a")
    );
    let items = all(stream_from(sse(body)).await).await;
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(
        err.to_string().contains("Subscription amount limit"),
        "{err}"
    );

    let body = "event: error\ndata: {\"message\":\"overloaded\"}\n\n";
    let items = all(stream_from(sse(body)).await).await;
    assert_eq!(items[0].as_ref().unwrap_err().kind(), ErrorKind::Stream);
}

#[tokio::test]
async fn error_status_on_a_stream_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthenticated"})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .chat()
        .completions()
        .create_stream(request().anonymize(false))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api_message(), Some("Unauthenticated"));
}

#[tokio::test]
async fn text_helper_yields_only_text_pieces() {
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\n",
        message_chunk("Hel"),
        message_chunk("lo"),
        finish_chunk()
    );
    let pieces: Vec<String> = stream_from(sse(body))
        .await
        .text()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pieces, ["Hel", "lo"]);
}

#[tokio::test]
async fn text_helper_surfaces_errors() {
    let body = format!("data: {}\n\ndata: [oops\n\n", message_chunk("a"));
    let items: Vec<Result<String>> = stream_from(sse(body)).await.text().collect().await;
    assert_eq!(items[0].as_deref().unwrap(), "a");
    assert_eq!(items[1].as_ref().unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn collect_completion_joins_the_stream() {
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\n",
        delta_chunk("Hel"),
        message_chunk("lo"),
        finish_chunk()
    );
    let completion = stream_from(sse(body))
        .await
        .collect_completion()
        .await
        .unwrap();
    assert_eq!(completion.content(), "Hello");
    assert_eq!(completion.id, "c1");
    assert_eq!(completion.object, "chat.completion");
    assert_eq!(completion.created, Some(1));
    assert_eq!(
        completion.choices[0].finish_reason,
        Some(FinishReason::Stop)
    );
    assert_eq!(completion.choices[0].message.role, Role::Assistant);
}

#[tokio::test]
async fn collect_completion_returns_the_first_error() {
    let body = format!(
        "data: {}\n\ndata: {{\"choices\": 5}}\n\n",
        message_chunk("a")
    );
    let err = stream_from(sse(body))
        .await
        .collect_completion()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn empty_stream_ends_cleanly() {
    let items = all(stream_from(sse(": nothing but a comment\n\n")).await).await;
    assert!(items.is_empty());
}
