//! The Assistants API against wiremock: create (documented body and 201), 422, update,
//! retrieve, list, delete, the configurable query, tolerant decoding; and end to end
//! against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::*;
use futures_util::TryStreamExt;
use llm_core::retry::RecordingSleep;
use peakprivacy::{
    AssistantQuery, CreateAssistantRequest, ErrorKind, FilePart, ListParams, PeakPrivacy,
    RequestOptions, UpdateAssistantRequest,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ASSISTANTS: &str = "/v1/ai/assistants";
const ID: &str = "5a6c9d7e-1b2f-4c3d-8e9f-0a1b2c3d4e5f";

/// The documented 201 answer.
fn assistant_json() -> serde_json::Value {
    json!({
        "id": ID, "name": "Invoices", "model": "mistral-swiss", "instructions": "Answer from the invoices.",
        "temperature": 0.5, "anonymize": true,
        "files": [{"id": "f1", "name": "x.pdf", "ext": "pdf", "size": "2371319", "mimetype": "application/pdf"}]
    })
}

#[tokio::test]
async fn create_sends_the_documented_body_and_decodes_the_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ASSISTANTS))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "name": "Invoices", "model": "mistral-swiss", "instructions": "Answer from the invoices.",
            "temperature": 0.5, "anonymize": true, "file_ids": ["f1"]
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(assistant_json()))
        .expect(1)
        .mount(&server)
        .await;
    let assistant = client(&server)
        .assistants()
        .create(
            CreateAssistantRequest::new("Invoices", "mistral-swiss")
                .instructions("Answer from the invoices.")
                .temperature(0.5)
                .file_ids(["f1"]),
        )
        .await
        .unwrap();
    assert_eq!(assistant.id, ID);
    assert_eq!(assistant.temperature, Some(0.5));
    assert_eq!(assistant.anonymize, Some(true));
    assert_eq!(
        assistant.files[0].size,
        Some(2_371_319),
        "size sent as a string"
    );
    assert_eq!(assistant.file_ids(), ["f1"]);
}

#[tokio::test]
async fn create_validation_errors_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ASSISTANTS))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Validation error",
            "errors": {"model": ["The model field must be a string.", "The selected model is invalid."],
                       "name": ["The name field is required."]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .assistants()
        .create(CreateAssistantRequest::new("x", "nope"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    let fields = err.field_errors().unwrap();
    assert_eq!(fields["model"].len(), 2);
    assert_eq!(fields["name"], ["The name field is required."]);

    for bad in [
        CreateAssistantRequest::new(" ", "m"),
        CreateAssistantRequest::new("a", ""),
        CreateAssistantRequest::new("a", "m").temperature(1.5),
        CreateAssistantRequest::new("a", "m").file_ids([""]),
    ] {
        let err = client.assistants().create(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn update_puts_only_the_set_fields_and_accepts_a_data_wrapper() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("{ASSISTANTS}/{ID}")))
        .and(body_json(json!({"instructions": "Answer in German.", "file_ids": []})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": ID, "name": "Invoices", "model": "mistral-swiss", "instructions": "Answer in German.",
            "temperature": "0.50", "anonymize": 1, "files": [], "created_at": "2024-05-01T10:00:00Z"
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let assistant = client(&server)
        .assistants()
        .update(
            ID,
            UpdateAssistantRequest::new()
                .instructions("Answer in German.")
                .file_ids(Vec::<String>::new()),
        )
        .await
        .unwrap();
    assert_eq!(assistant.instructions.as_deref(), Some("Answer in German."));
    assert_eq!(assistant.temperature, Some(0.5));
    assert_eq!(assistant.anonymize, Some(true));
    assert!(assistant.files.is_empty());
}

#[tokio::test]
async fn retrieve_list_and_delete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{ASSISTANTS}/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(assistant_json()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSISTANTS))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [assistant_json()], "next_cursor": "n2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASSISTANTS))
        .and(query_param("cursor", "n2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "a2", "name": "Contracts", "model": "llama3-swiss"}], "next_cursor": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{ASSISTANTS}/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "deleted"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        client.assistants().retrieve(ID).await.unwrap().name,
        "Invoices"
    );
    let all: Vec<_> = client
        .assistants()
        .list_stream(ListParams::new())
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = all.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Invoices", "Contracts"]);
    assert!(all[1].files.is_empty() && all[1].temperature.is_none());
    assert_eq!(client.assistants().delete(ID).await.unwrap().id, ID);
    assert_eq!(
        client
            .assistants()
            .retrieve("a/b")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
}

#[tokio::test]
async fn unexpected_shapes_are_decode_errors_with_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{ASSISTANTS}/a1")))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"[{"id":"a1"}]"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ASSISTANTS}/a2")))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"name":"no id"}"#))
        .mount(&server)
        .await;
    let client = client(&server);
    for (id, body) in [("a1", r#"[{"id":"a1"}]"#), ("a2", r#"{"name":"no id"}"#)] {
        let err = client.assistants().retrieve(id).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{id}");
        assert_eq!(err.raw_body(), Some(body));
        assert_eq!(err.status(), Some(200));
    }
}

#[tokio::test]
async fn query_uses_the_default_path_and_body_and_finds_the_answer() {
    let answers = [
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "c1", "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "On the 30th."}}]
        })),
        ResponseTemplate::new(200).set_body_json(json!({"answer": "On the 30th.", "sources": ["f1"]})),
        ResponseTemplate::new(200).set_body_json(json!({"data": {"response": "On the 30th."}})),
        ResponseTemplate::new(200).set_body_raw("On the 30th.", "text/plain; charset=utf-8"),
    ];
    for answer in answers {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("{ASSISTANTS}/{ID}/query")))
            .and(body_json(json!({"query": "When is invoice 7 due?"})))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        let answer = client(&server)
            .assistants()
            .query(ID, "When is invoice 7 due?")
            .await
            .unwrap();
        assert_eq!(answer.content, "On the 30th.");
    }
}

#[tokio::test]
async fn query_path_and_body_are_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{ASSISTANTS}/{ID}/completions")))
        .and(body_json(json!({
            "messages": [{"role": "user", "content": "Hi"}], "anonymize": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"content": "Hello"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/ai/ask"))
        .and(body_json(json!({"question": "Hi", "assistant_id": ID})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "Hello again"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let query = AssistantQuery::new("Hi")
        .path_template("ai/assistants/{id}/completions")
        .messages_body()
        .extra("anonymize", false);
    assert_eq!(
        client.assistants().query(ID, query).await.unwrap().content,
        "Hello"
    );
    let query = AssistantQuery::new("Hi")
        .path_template("ai/ask")
        .question_field("question")
        .extra("assistant_id", ID);
    let answer = client.assistants().query(ID, query).await.unwrap();
    assert_eq!(answer.content, "Hello again");
    assert_eq!(answer.raw["message"], "Hello again");
}

#[tokio::test]
async fn query_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{ASSISTANTS}/{ID}/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sources": []})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ASSISTANTS}/gone/query")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.assistants().query(ID, "Q?").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.raw_body(), Some(r#"{"sources":[]}"#));
    let err = client.assistants().query("gone", "Q?").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = client.assistants().query(ID, "  ").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn create_is_retried_with_the_same_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ASSISTANTS))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ASSISTANTS))
        .respond_with(ResponseTemplate::new(201).set_body_json(assistant_json()))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = builder(&server)
        .max_retries(2)
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    let options = RequestOptions::new().idempotency_key("create-invoices");
    let assistant = client
        .assistants()
        .create_with(
            CreateAssistantRequest::new("Invoices", "mistral-swiss"),
            options,
        )
        .await
        .unwrap();
    assert_eq!(assistant.id, ID);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers["idempotency-key"], "create-invoices");
    }
    assert_eq!(sleep.delays().len(), 1);
}

#[tokio::test]
async fn unauthenticated_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthenticated"})))
        .mount(&server)
        .await;
    let err = client(&server)
        .assistants()
        .list(ListParams::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.api_message(), Some("Unauthenticated"));
}

#[tokio::test]
async fn assistants_end_to_end_against_the_emulator() {
    let server = llm_testkit::PeakPrivacyEmulator::start().await;
    let client = PeakPrivacy::builder()
        .api_token(server.token())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let files = client
        .files()
        .upload([
            FilePart::from_bytes(
                "invoices.txt",
                "Invoice 7 is due on 30 June.\nInvoice 8 is paid.\n",
            ),
            FilePart::from_bytes("contract.md", "# Contract\nNotice period: 3 months.\n"),
        ])
        .await
        .unwrap();
    let assistant = client
        .assistants()
        .create(
            CreateAssistantRequest::new("Back office", "mistral-swiss")
                .instructions("Answer from the files.")
                .temperature(0.3)
                .file_ids(files.iter().map(|f| f.id.clone())),
        )
        .await
        .unwrap();
    assert_eq!(assistant.files.len(), 2);
    assert_eq!(
        assistant.files[0].size, files[0].size,
        "string size read as a number"
    );
    assert_eq!(assistant.temperature, Some(0.3));

    let answer = client
        .assistants()
        .query(&assistant.id, "When is invoice 7 due?")
        .await
        .unwrap();
    assert!(
        answer
            .content
            .contains("invoices.txt: \"Invoice 7 is due on 30 June.\""),
        "{}",
        answer.content
    );
    assert!(answer
        .content
        .ends_with("You asked: When is invoice 7 due?"));
    let sent = server.last_request().unwrap();
    assert_eq!(
        sent.path(),
        format!("/v1/ai/assistants/{}/query", assistant.id)
    );
    assert_eq!(
        sent.body_json().unwrap(),
        json!({"query": "When is invoice 7 due?"})
    );

    let updated = client
        .assistants()
        .update(
            &assistant.id,
            UpdateAssistantRequest::new()
                .name("Finance")
                .file_ids([files[1].id.clone()]),
        )
        .await
        .unwrap();
    assert_eq!((updated.name.as_str(), updated.files.len()), ("Finance", 1));
    assert_eq!(
        client.assistants().retrieve(&assistant.id).await.unwrap(),
        updated
    );

    let err = client
        .assistants()
        .create(CreateAssistantRequest::new("Bad", "no-such-model").file_ids(["missing"]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    let fields = err.field_errors().unwrap();
    assert_eq!(fields["model"], ["The selected model is invalid."]);
    assert_eq!(
        fields["file_ids.0"],
        ["The selected file_ids.0 is invalid."]
    );

    let listed: Vec<_> = client
        .assistants()
        .list_stream(ListParams::new().limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, [updated]);
    client.assistants().delete(&assistant.id).await.unwrap();
    assert!(server.assistant_ids().is_empty());
    let err = client
        .assistants()
        .query(&assistant.id, "Still there?")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
