//! AligneAI emulator: embeddings (float, base64, batch limit), chat, models, ping, auth.

mod support;

use base64::Engine as _;
use llm_testkit::AligneAIEmulator;
use reqwest::Method;
use serde_json::{json, Value};
use support::{send, sse_data};

#[tokio::test]
async fn embeddings_are_openai_style_and_deterministic() {
    let server = AligneAIEmulator::start().await;
    let url = format!("{}/embeddings", server.base_url());
    let auth = [("API-Key", server.api_key())];
    let body = json!({"inputs": ["hello world", "second", "third"]});
    let reply = send(Method::POST, &url, &auth, Some(body.clone())).await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    assert_eq!(json["object"], "list");
    assert_eq!(json["model"], "nomic-embed-v1.5");
    assert_eq!(
        json["usage"],
        json!({"prompt_tokens": 4, "total_tokens": 4})
    );
    let data = json["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    for (index, item) in data.iter().enumerate() {
        assert_eq!(item["object"], "embedding");
        assert_eq!(item["index"], index);
        assert_eq!(item["embedding"].as_array().unwrap().len(), 768);
    }
    let first: Vec<f32> = serde_json::from_value(data[0]["embedding"].clone()).unwrap();
    assert_eq!(first, AligneAIEmulator::embedding_for("hello world", 768));
    // Same input, same answer.
    let again = send(Method::POST, &url, &auth, Some(body)).await.json();
    assert_eq!(again["data"], json["data"]);
}

#[tokio::test]
async fn embeddings_honour_dimensions_model_and_base64() {
    let server = AligneAIEmulator::start().await;
    let url = format!("{}/embeddings", server.base_url());
    let auth = [("API-Key", server.api_key())];
    let body = json!({"inputs": ["a", "b"], "model": "custom", "dimensions": 64, "encoding_format": "base64"});
    let json = send(Method::POST, &url, &auth, Some(body)).await.json();
    assert_eq!(json["model"], "custom");
    for (index, text) in ["a", "b"].iter().enumerate() {
        let encoded = json["data"][index]["embedding"].as_str().unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(bytes.len(), 64 * 4);
        let decoded: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert_eq!(decoded, AligneAIEmulator::embedding_for(text, 64));
    }
}

#[tokio::test]
async fn embeddings_accept_large_batches_without_a_limit() {
    let server = AligneAIEmulator::start().await;
    let inputs: Vec<String> = (0..500).map(|i| format!("input {i}")).collect();
    let body = json!({"inputs": inputs, "dimensions": 8});
    let reply = send(
        Method::POST,
        &format!("{}/embeddings", server.base_url()),
        &[("API-Key", server.api_key())],
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["data"].as_array().unwrap().len(), 500);
}

#[tokio::test]
async fn batch_over_the_limit_is_413() {
    let server = AligneAIEmulator::builder().max_batch_size(2).start().await;
    let url = format!("{}/embeddings", server.base_url());
    let auth = [("API-Key", server.api_key())];
    let ok = send(
        Method::POST,
        &url,
        &auth,
        Some(json!({"inputs": ["a", "b"]})),
    )
    .await;
    assert_eq!(ok.status, 200);
    let too_big = send(
        Method::POST,
        &url,
        &auth,
        Some(json!({"inputs": ["a", "b", "c"]})),
    )
    .await;
    assert_eq!(too_big.status, 413);
    assert_eq!(too_big.json(), json!({"error": "Request Entity Too Large"}));
}

#[tokio::test]
async fn embedding_validation() {
    let server = AligneAIEmulator::start().await;
    let url = format!("{}/embeddings", server.base_url());
    let auth = [("API-Key", server.api_key())];
    for (body, field) in [
        (json!({}), "inputs"),
        (json!({"inputs": []}), "inputs"),
        (json!({"inputs": [1]}), "inputs.0"),
        (json!({"inputs": ["a"], "dimensions": 0}), "dimensions"),
        (
            json!({"inputs": ["a"], "encoding_format": "int8"}),
            "encoding_format",
        ),
    ] {
        let reply = send(Method::POST, &url, &auth, Some(body.clone())).await;
        assert_eq!(reply.status, 422, "{body}");
        let json = reply.json();
        assert_eq!(json["message"], "Validation error");
        assert!(json["errors"][field].is_array(), "{body} -> {json}");
    }
}

#[tokio::test]
async fn required_embedding_fields_are_422_when_missing() {
    let server = AligneAIEmulator::builder()
        .require_embedding_fields(true)
        .start()
        .await;
    let url = format!("{}/embeddings", server.base_url());
    let auth = [("API-Key", server.api_key())];
    let full = json!({"inputs": ["a"], "model": "nomic-embed-v1.5", "dimensions": 64, "encoding_format": "float"});
    let reply = send(Method::POST, &url, &auth, Some(full.clone())).await;
    assert_eq!(reply.status, 200);
    let vector: Vec<f32> =
        serde_json::from_value(reply.json()["data"][0]["embedding"].clone()).unwrap();
    assert_eq!(vector, AligneAIEmulator::embedding_for("a", 64));

    // Only `inputs`: every missing field is named.
    let reply = send(Method::POST, &url, &auth, Some(json!({"inputs": ["a"]}))).await;
    assert_eq!(reply.status, 422);
    let json = reply.json();
    assert_eq!(json["message"], "Validation error");
    assert_eq!(
        json["errors"],
        json!({
            "model": ["The model field is required."],
            "dimensions": ["The dimensions field is required."],
            "encoding_format": ["The encoding format field is required."],
        })
    );
    // One field missing or null at a time.
    for field in ["model", "dimensions", "encoding_format"] {
        for value in [None, Some(Value::Null)] {
            let mut body = full.clone();
            match value {
                Some(null) => body[field] = null,
                None => {
                    body.as_object_mut().unwrap().remove(field);
                }
            }
            let reply = send(Method::POST, &url, &auth, Some(body.clone())).await;
            assert_eq!(reply.status, 422, "{body}");
            let errors = reply.json()["errors"].clone();
            assert_eq!(errors.as_object().unwrap().len(), 1, "{body} -> {errors}");
            assert!(errors[field].is_array(), "{body} -> {errors}");
        }
    }
    // The default emulator keeps the three optional.
    let lenient = AligneAIEmulator::start().await;
    let reply = send(
        Method::POST,
        &format!("{}/embeddings", lenient.base_url()),
        &[("API-Key", lenient.api_key())],
        Some(json!({"inputs": ["a"]})),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn api_key_and_workspace_are_checked() {
    let server = AligneAIEmulator::builder()
        .api_key("k")
        .workspace_id("ws-1")
        .start()
        .await;
    let url = format!("{}/ping", server.base_url());
    let missing_key = send(Method::GET, &url, &[("Workspace-ID", "ws-1")], None).await;
    assert_eq!(missing_key.status, 401);
    assert_eq!(missing_key.json(), json!({"error": "Unauthenticated"}));
    let wrong_key = send(
        Method::GET,
        &url,
        &[("API-Key", "x"), ("Workspace-ID", "ws-1")],
        None,
    )
    .await;
    assert_eq!(wrong_key.status, 401);
    let no_workspace = send(Method::GET, &url, &[("API-Key", "k")], None).await;
    assert_eq!(no_workspace.status, 403);
    let wrong_workspace = send(
        Method::GET,
        &url,
        &[("api-key", "k"), ("workspace-id", "ws-2")],
        None,
    )
    .await;
    assert_eq!(wrong_workspace.status, 403);
    let ok = send(
        Method::GET,
        &url,
        &[("api-key", "k"), ("workspace-id", "ws-1")],
        None,
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json(), json!({"message": "pong"}));
}

#[tokio::test]
async fn models_list() {
    let server = AligneAIEmulator::start().await;
    let reply = send(
        Method::GET,
        &format!("{}/models", server.base_url()),
        &[("API-Key", server.api_key())],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    let data = json["data"].as_array().unwrap();
    assert!(data.iter().any(|m| m["id"] == "nomic-embed-v1.5"));
    assert!(data.iter().all(|m| m["object"] == "model"));
}

#[tokio::test]
async fn chat_completion_json() {
    let server = AligneAIEmulator::start().await;
    let body = json!({"model": "m", "messages": [{"role": "user", "content": "Ping me"}]});
    let reply = send(
        Method::POST,
        &format!("{}/chat/completions", server.base_url()),
        &[("API-Key", server.api_key())],
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    assert!(json["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(json["object"], "chat.completion");
    assert_eq!(json["model"], "m");
    assert_eq!(
        json["choices"][0]["message"],
        json!({"role": "assistant", "content": "You said: Ping me"})
    );
    assert_eq!(json["choices"][0]["finish_reason"], "stop");
    assert_eq!(json["usage"]["total_tokens"], 6);
}

#[tokio::test]
async fn chat_stream_uses_delta_chunks_and_done() {
    let server = AligneAIEmulator::start().await;
    let body = json!({"messages": [{"role": "user", "content": "Ping me"}], "stream": true});
    let reply = send(
        Method::POST,
        &format!("{}/chat/completions", server.base_url()),
        &[("API-Key", server.api_key())],
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type(), "text/event-stream");
    let events = sse_data(&reply.text());
    assert_eq!(events.last().unwrap(), "[DONE]");
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "You said: Ping me");
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk"));
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        "stop"
    );
}

#[tokio::test]
async fn chat_content_over_5000_chars_is_rejected() {
    let server = AligneAIEmulator::start().await;
    let body = json!({"messages": [{"role": "user", "content": "x".repeat(5001)}]});
    let reply = send(
        Method::POST,
        &format!("{}/chat/completions", server.base_url()),
        &[("API-Key", server.api_key())],
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert!(reply.json()["errors"]["messages.0.content"].is_array());
}
