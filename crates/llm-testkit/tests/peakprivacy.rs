//! PeakPrivacy emulator: paths, auth, bodies, validation, streaming.

mod support;

use llm_testkit::{ChunkStyle, PeakPrivacyEmulator};
use reqwest::Method;
use serde_json::{json, Value};
use support::{send, sse_data};

fn chat_body(content: &str) -> Value {
    json!({
        "model": "mistral-swiss",
        "messages": [
            { "role": "system", "content": "Be brief." },
            { "role": "user", "content": content }
        ],
        "temperature": null, "top_p": null, "max_tokens": null,
        "random_seed": null, "safe_prompt": null, "anonymize": true
    })
}

fn streaming_body(content: &str) -> Value {
    json!({
        "model": "mistral-swiss",
        "messages": [{ "role": "user", "content": content }],
        "stream": true,
        "anonymize": false
    })
}

#[tokio::test]
async fn completion_has_the_documented_shape() {
    let server = PeakPrivacyEmulator::start().await;
    let url = format!("{}ai/completions", server.base_url());
    let reply = send(
        Method::POST,
        &url,
        &[("Api-Token", server.token())],
        Some(chat_body("Hello world")),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type(), "application/json");
    assert!(reply.headers.contains_key("x-request-id"));
    let body = reply.json();
    let id = body["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    assert_eq!(body["object"], "chat.completion");
    assert!(body["created"].as_u64().unwrap() > 1_700_000_000);
    assert_eq!(body["model"], "mistral-swiss");
    let choice = &body["choices"][0];
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(
        choice["message"]["content"],
        PeakPrivacyEmulator::reply_for("Hello world")
    );
    assert_eq!(
        body["usage"],
        json!({"completion_tokens": 4, "prompt_tokens": 4, "total_tokens": 8})
    );
}

#[tokio::test]
async fn max_tokens_cuts_the_reply() {
    let server = PeakPrivacyEmulator::start().await;
    let url = format!("{}ai/completions", server.base_url());
    let mut body = chat_body("one two three");
    body["max_tokens"] = json!(2);
    let reply = send(
        Method::POST,
        &url,
        &[("Api-Token", server.token())],
        Some(body),
    )
    .await
    .json();
    assert_eq!(reply["choices"][0]["message"]["content"], "You said:");
    assert_eq!(reply["choices"][0]["finish_reason"], "length");
}

#[tokio::test]
async fn auth_is_required_and_header_name_is_case_insensitive() {
    let server = PeakPrivacyEmulator::builder().token("secret").start().await;
    let url = format!("{}ai/ping", server.base_url());
    for headers in [
        vec![],
        vec![("Api-Token", "wrong")],
        vec![("Authorization", "Bearer secret")],
    ] {
        let reply = send(Method::GET, &url, &headers, None).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.json(), json!({"error": "Unauthenticated"}));
    }
    for name in ["Api-Token", "api-token", "API-TOKEN", "Api-token"] {
        let reply = send(Method::GET, &url, &[(name, "secret")], None).await;
        assert_eq!(reply.status, 200, "header {name}");
    }
}

#[tokio::test]
async fn models_and_ping() {
    let server = PeakPrivacyEmulator::start().await;
    let auth = [("Api-Token", server.token())];
    let models = send(
        Method::GET,
        &format!("{}ai/models", server.base_url()),
        &auth,
        None,
    )
    .await;
    assert_eq!(models.status, 200);
    let data = models.json()["data"].as_array().unwrap().clone();
    assert!(data.len() >= 3);
    let ids: Vec<&str> = data.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"mistral-swiss") && ids.contains(&"llama3-swiss"));
    for model in &data {
        assert_eq!(model["object"], "model");
        assert!(model["created"].is_u64() && model["max_tokens"].is_u64());
        assert!(model["owned_by"].is_string());
    }
    let ping = send(
        Method::GET,
        &format!("{}ai/ping", server.base_url()),
        &auth,
        None,
    )
    .await;
    assert_eq!(ping.status, 200);
    assert_eq!(ping.json(), json!({"message": "pong"}));
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods() {
    let server = PeakPrivacyEmulator::start().await;
    let auth = [("Api-Token", server.token())];
    let missing = send(
        Method::GET,
        &format!("{}ai/nothing", server.base_url()),
        &auth,
        None,
    )
    .await;
    assert_eq!(missing.status, 404);
    assert!(missing.json()["message"].is_string());
    let wrong = send(
        Method::GET,
        &format!("{}ai/completions", server.base_url()),
        &auth,
        None,
    )
    .await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.headers["allow"], "POST");
    let post_ping = send(
        Method::POST,
        &format!("{}ai/ping", server.base_url()),
        &auth,
        Some(json!({})),
    )
    .await;
    assert_eq!(post_ping.status, 405);
}

#[tokio::test]
async fn validation_errors_are_422_laravel_style() {
    let server = PeakPrivacyEmulator::start().await;
    let url = format!("{}ai/completions", server.base_url());
    let auth = [("Api-Token", server.token())];
    let reply = send(
        Method::POST,
        &url,
        &auth,
        Some(json!({"model": "mistral-swiss", "messages": []})),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"message": "Validation error", "errors": {"messages": ["The messages field is required."]}})
    );
    let reply = send(
        Method::POST,
        &url,
        &auth,
        Some(json!({"messages": [{"role": "user", "content": "x"}]})),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json()["errors"]["model"][0],
        "The model field is required."
    );
    let empty = reqwest::Client::new()
        .post(&url)
        .header("Api-Token", server.token())
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    let mut body = chat_body("x");
    body["temperature"] = json!(1.5);
    let reply = send(Method::POST, &url, &auth, Some(body)).await;
    assert_eq!(reply.status, 422);
    assert!(reply.json()["errors"]["temperature"].is_array());
}

#[tokio::test]
async fn malformed_json_is_400_not_a_crash() {
    let server = PeakPrivacyEmulator::start().await;
    let response = reqwest::Client::new()
        .post(format!("{}ai/completions", server.base_url()))
        .header("Api-Token", server.token())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Malformed JSON"));
    // The server is still alive.
    let ping = send(
        Method::GET,
        &format!("{}ai/ping", server.base_url()),
        &[("Api-Token", server.token())],
        None,
    )
    .await;
    assert_eq!(ping.status, 200);
}

#[tokio::test]
async fn stream_sends_message_chunks_word_by_word() {
    let server = PeakPrivacyEmulator::start().await;
    let url = format!("{}ai/completions", server.base_url());
    let reply = send(
        Method::POST,
        &url,
        &[("Api-Token", server.token())],
        Some(streaming_body("Hi there")),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type(), "text/event-stream");
    let events = sse_data(&reply.text());
    assert!(!events.iter().any(|e| e == "[DONE]"));
    let chunks: Vec<Value> = events
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let pieces: Vec<&str> = chunks
        .iter()
        .map(|c| c["choices"][0]["message"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(pieces, ["You ", "said: ", "Hi ", "there", ""]);
    let id = &chunks[0]["id"];
    for chunk in &chunks[..chunks.len() - 1] {
        assert_eq!(&chunk["id"], id);
        assert_eq!(chunk["model"], "mistral-swiss");
        assert_eq!(chunk["choices"][0]["message"]["role"], "assistant");
        assert!(chunk["choices"][0]["finish_reason"].is_null());
        assert!(chunk["choices"][0].get("delta").is_none());
    }
    let last = chunks.last().unwrap();
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn stream_without_anonymize_false_answers_plain_json() {
    let server = PeakPrivacyEmulator::start().await;
    let url = format!("{}ai/completions", server.base_url());
    for anonymize in [None, Some(Value::Null), Some(json!(true))] {
        let mut body = streaming_body("Hi");
        match anonymize {
            None => {
                body.as_object_mut().unwrap().remove("anonymize");
            }
            Some(value) => body["anonymize"] = value,
        }
        let reply = send(
            Method::POST,
            &url,
            &[("Api-Token", server.token())],
            Some(body),
        )
        .await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.content_type(), "application/json");
        let text = reply.text();
        assert!(!text.contains('\n'), "compact JSON on one line");
        assert_eq!(
            reply.json()["choices"][0]["message"]["content"],
            "You said: Hi"
        );
    }
}

#[tokio::test]
async fn stream_options_delta_style_and_done_sentinel() {
    let server = PeakPrivacyEmulator::builder()
        .chunk_style(ChunkStyle::Delta)
        .done_sentinel(true)
        .chunk_delay(std::time::Duration::from_millis(2))
        .start()
        .await;
    let url = format!("{}ai/completions", server.base_url());
    let reply = send(
        Method::POST,
        &url,
        &[("Api-Token", server.token())],
        Some(streaming_body("ok")),
    )
    .await;
    let events = sse_data(&reply.text());
    assert_eq!(events.last().unwrap(), "[DONE]");
    let first: Value = serde_json::from_str(&events[0]).unwrap();
    assert_eq!(first["choices"][0]["delta"]["content"], "You ");
    assert!(first["choices"][0].get("message").is_none());

    let both = PeakPrivacyEmulator::builder()
        .chunk_style(ChunkStyle::Both)
        .start()
        .await;
    let url = format!("{}ai/completions", both.base_url());
    let reply = send(
        Method::POST,
        &url,
        &[("Api-Token", both.token())],
        Some(streaming_body("ok")),
    )
    .await;
    let first: Value = serde_json::from_str(&sse_data(&reply.text())[0]).unwrap();
    assert_eq!(first["choices"][0]["delta"], first["choices"][0]["message"]);
}
