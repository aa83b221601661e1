//! PeakPrivacy emulator, Assistants API: create (201, documented body), 422 bodies,
//! update, get, list with cursors, delete, query, faults.

mod support;

use llm_testkit::{Fault, PeakPrivacyEmulator};
use reqwest::Method;
use serde_json::{json, Value};
use support::{send, Reply};

async fn call(
    server: &PeakPrivacyEmulator,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let url = format!("{}{path}", server.base_url());
    send(method, &url, &[("Api-Token", server.token())], body).await
}

/// Uploads one text file and returns its id.
async fn upload_text(server: &PeakPrivacyEmulator, name: &str, text: &str) -> String {
    let boundary = "b0";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    let response = reqwest::Client::new()
        .post(format!("{}files", server.base_url()))
        .header("api-token", server.token())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("the emulator answers");
    assert_eq!(response.status(), 200);
    let files: Value =
        serde_json::from_slice(&response.bytes().await.expect("a body")).expect("json");
    files[0]["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn create_answers_201_with_the_documented_shape() {
    let server = PeakPrivacyEmulator::start().await;
    let file_id = upload_text(&server, "x.txt", "hello").await;
    let reply = call(
        &server,
        Method::POST,
        "ai/assistants",
        Some(json!({
            "name": "Invoices", "model": "mistral-swiss", "instructions": "Be exact.",
            "temperature": 0.5, "anonymize": true, "file_ids": [file_id]
        })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let body = reply.json();
    assert_eq!(body["id"].as_str().expect("id").len(), 36);
    assert_eq!(body["name"], "Invoices");
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(body["anonymize"], true);
    assert_eq!(body["files"][0]["id"], file_id.as_str());
    assert_eq!(
        body["files"][0]["size"], "5",
        "size is a string in this API"
    );
    assert_eq!(server.assistant_ids(), [body["id"].as_str().expect("id")]);
}

#[tokio::test]
async fn validation_errors_match_the_documented_example() {
    let server = PeakPrivacyEmulator::start().await;
    let reply = call(
        &server,
        Method::POST,
        "ai/assistants",
        Some(json!({"model": 5, "temperature": 2, "file_ids": ["nope"]})),
    )
    .await;
    assert_eq!(reply.status, 422);
    let body = reply.json();
    assert_eq!(body["message"], "Validation error");
    assert_eq!(
        body["errors"]["model"],
        json!([
            "The model field must be a string.",
            "The selected model is invalid."
        ])
    );
    assert_eq!(
        body["errors"]["name"],
        json!(["The name field is required."])
    );
    assert!(body["errors"]["temperature"].is_array());
    assert_eq!(
        body["errors"]["file_ids.0"],
        json!(["The selected file_ids.0 is invalid."])
    );
    assert!(server.assistant_ids().is_empty());
}

#[tokio::test]
async fn update_get_list_delete() {
    let server = PeakPrivacyEmulator::start().await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        let reply = call(
            &server,
            Method::POST,
            "ai/assistants",
            Some(json!({"name": name, "model": "llama3-swiss", "temperature": 0.1, "anonymize": false})),
        )
        .await;
        ids.push(reply.json()["id"].as_str().expect("id").to_owned());
    }
    let updated = call(
        &server,
        Method::PUT,
        &format!("ai/assistants/{}", ids[0]),
        Some(json!({"name": "renamed", "temperature": 0.9})),
    )
    .await;
    assert_eq!(updated.status, 200);
    let updated = updated.json();
    assert_eq!(
        (updated["name"].as_str(), updated["model"].as_str()),
        (Some("renamed"), Some("llama3-swiss"))
    );
    let got = call(
        &server,
        Method::GET,
        &format!("ai/assistants/{}", ids[0]),
        None,
    )
    .await;
    assert_eq!(got.json(), updated);

    let first = call(&server, Method::GET, "ai/assistants?limit=2", None)
        .await
        .json();
    assert_eq!(first["data"].as_array().map(Vec::len), Some(2));
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next cursor")
        .to_owned();
    let second = call(
        &server,
        Method::GET,
        &format!("ai/assistants?limit=2&cursor={cursor}"),
        None,
    )
    .await
    .json();
    assert_eq!(second["data"][0]["name"], "c");
    assert!(second["next_cursor"].is_null());

    let deleted = call(
        &server,
        Method::DELETE,
        &format!("ai/assistants/{}", ids[1]),
        None,
    )
    .await;
    assert_eq!(deleted.status, 200);
    let gone = call(
        &server,
        Method::GET,
        &format!("ai/assistants/{}", ids[1]),
        None,
    )
    .await;
    assert_eq!(gone.status, 404);
    let bad = call(
        &server,
        Method::PUT,
        &format!("ai/assistants/{}", ids[2]),
        Some(json!({"model": "nope"})),
    )
    .await;
    assert_eq!(bad.status, 422);
    let wrong = call(&server, Method::PATCH, "ai/assistants", None).await;
    assert_eq!(wrong.status, 405);
}

#[tokio::test]
async fn query_answers_from_the_files() {
    let server = PeakPrivacyEmulator::start().await;
    let file_id = upload_text(
        &server,
        "faq.txt",
        "Opening hours: 9 to 17.\nParking is free.",
    )
    .await;
    let created = call(
        &server,
        Method::POST,
        "ai/assistants",
        Some(json!({"name": "Desk", "model": "mistral-swiss", "temperature": 0.2, "anonymize": true, "file_ids": [file_id]})),
    )
    .await
    .json();
    let id = created["id"].as_str().expect("id");
    let answer = call(
        &server,
        Method::POST,
        &format!("ai/assistants/{id}/query"),
        Some(json!({"query": "Is parking free?"})),
    )
    .await;
    assert_eq!(answer.status, 200);
    let answer = answer.json();
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "Desk read 1 file(s) [faq.txt]. faq.txt: \"Parking is free.\" You asked: Is parking free?"
    );
    let by_messages = call(
        &server,
        Method::POST,
        &format!("ai/assistants/{id}/query"),
        Some(json!({"messages": [{"role": "user", "content": "Opening hours?"}]})),
    )
    .await
    .json();
    let text = by_messages["choices"][0]["message"]["content"]
        .as_str()
        .expect("text");
    assert!(text.contains("Opening hours: 9 to 17."), "{text}");
    let missing = call(
        &server,
        Method::POST,
        &format!("ai/assistants/{id}/query"),
        Some(json!({})),
    )
    .await;
    assert_eq!(missing.status, 422);
    assert_eq!(
        missing.json()["errors"]["query"][0],
        "The query field is required."
    );

    server.fail_next(Fault::status(500).path(format!("/v1/ai/assistants/{id}/query")));
    let failed = call(
        &server,
        Method::POST,
        &format!("ai/assistants/{id}/query"),
        Some(json!({"query": "x"})),
    )
    .await;
    assert_eq!(failed.status, 500);
    let last = server.last_request().expect("recorded");
    assert_eq!(last.body_json(), Some(json!({"query": "x"})));
}
