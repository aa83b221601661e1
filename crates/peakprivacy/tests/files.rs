//! The Files API against wiremock: the multipart body byte for byte, the documented
//! answers and errors, list pages and the auto-paginating stream, retrieve and delete,
//! and retries of replayable versus streamed upload bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::*;
use futures_util::{StreamExt, TryStreamExt};
use llm_core::retry::RecordingSleep;
use peakprivacy::{ErrorKind, FilePart, ListParams, PeakPrivacy, RequestOptions};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const FILES: &str = "/v1/files";

/// The documented 200 answer of an upload of `data1.json` and one more file.
fn uploaded_json() -> serde_json::Value {
    json!([
        {"id": "0b9c5b3e-0d6a-4a57-9a6e-5c1f1c7d2a10", "name": "a.txt", "ext": "txt", "size": 5, "mimetype": "text/plain"},
        {"id": "7f3e0f0c-3f0e-4a4f-8d5a-2d2f2b7f8e11", "name": "data1.json", "ext": "json", "size": 568959, "mimetype": "application/json"}
    ])
}

/// A fresh file in the temp directory with `content`.
fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pp-files-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// The boundary of a recorded multipart request.
fn boundary_of(request: &Request) -> String {
    let content_type = request.headers["content-type"].to_str().unwrap();
    content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type")
        .to_owned()
}

#[tokio::test]
async fn upload_sends_every_file_as_files_array_field_byte_for_byte() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(FILES))
        .respond_with(ResponseTemplate::new(200).set_body_json(uploaded_json()))
        .expect(1)
        .mount(&server)
        .await;
    let json_path = temp_file("data1.json", br#"{"k": "v"}"#);

    let files = client(&server)
        .files()
        .upload([
            FilePart::from_bytes("a.txt", "alpha"),
            FilePart::from_path(&json_path),
            FilePart::from_bytes("notes", "n").content_type("text/markdown"),
        ])
        .await
        .unwrap();

    assert_eq!(files.len(), 2);
    assert_eq!(files[1].name, "data1.json");
    assert_eq!(files[1].size, Some(568_959));
    assert_eq!(files[1].mimetype.as_deref(), Some("application/json"));

    let request = &server.received_requests().await.unwrap()[0];
    let b = boundary_of(request);
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nalpha\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"data1.json\"\r\nContent-Type: application/json\r\n\r\n{{\"k\": \"v\"}}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"notes\"\r\nContent-Type: text/markdown\r\n\r\nn\r\n\
         --{b}--\r\n"
    );
    assert_eq!(String::from_utf8(request.body.clone()).unwrap(), expected);
    assert_eq!(
        request.headers["content-length"].to_str().unwrap(),
        expected.len().to_string()
    );
    assert_eq!(request.headers["api-token"], TOKEN);
    assert_eq!(request.headers["x-requested-with"], "XMLHttpRequest");
    assert_eq!(request.headers["accept"], "application/json");
    assert!(request.headers.get("transfer-encoding").is_none());
}

#[tokio::test]
async fn upload_from_a_reader_is_chunked_and_byte_exact() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(FILES))
        .respond_with(ResponseTemplate::new(200).set_body_json(uploaded_json()))
        .mount(&server)
        .await;
    let content = "line\n".repeat(50_000);
    let reader = std::io::Cursor::new(content.clone().into_bytes());
    client(&server)
        .files()
        .upload([FilePart::from_reader("big.txt", reader)])
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let b = boundary_of(request);
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--{b}--\r\n"
    );
    assert!(request.body == expected.as_bytes(), "body differs");
    assert_eq!(request.headers["transfer-encoding"], "chunked");
}

#[tokio::test]
async fn upload_errors_follow_the_documented_statuses() {
    let cases = [
        (
            400,
            json!({"message": "Validation error", "errors": {"files.0": ["The data1.txt file must be with correct mimetype."]}}),
            ErrorKind::BadRequest,
        ),
        (
            401,
            json!({"error": "Unauthenticated"}),
            ErrorKind::Authentication,
        ),
        (
            403,
            json!({"error": "Subscription amount limit has been reached"}),
            ErrorKind::QuotaExceeded,
        ),
        (
            413,
            json!({"error": "Request Entity Too Large"}),
            ErrorKind::PayloadTooLarge,
        ),
    ];
    for (status, body, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(FILES))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server)
            .files()
            .upload([FilePart::from_bytes("data1.txt", "x")])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "status {status}");
        assert_eq!(err.status(), Some(status));
        if status == 400 {
            let fields = err.field_errors().expect("field errors");
            assert_eq!(
                fields["files.0"],
                ["The data1.txt file must be with correct mimetype."]
            );
        }
        if status == 413 {
            assert_eq!(err.api_message(), Some("Request Entity Too Large"));
        }
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let none: [FilePart; 0] = [];
    let missing = std::env::temp_dir().join("pp-no-such-dir/none.pdf");
    for result in [
        client.files().upload(none).await,
        client.files().upload([FilePart::from_path(&missing)]).await,
        client.files().upload([FilePart::from_bytes("", "x")]).await,
    ] {
        assert_eq!(result.unwrap_err().kind(), ErrorKind::InvalidRequest);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unexpected_upload_answer_is_a_decode_error_with_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(FILES))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"queued"}"#))
        .mount(&server)
        .await;
    let err = client(&server)
        .files()
        .upload([FilePart::from_bytes("a.txt", "x")])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.raw_body(), Some(r#"{"status":"queued"}"#));
}

/// One Laravel cursor page of files `ids` with `next` as the next cursor.
fn page(ids: &[&str], next: Option<&str>) -> ResponseTemplate {
    let data: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "name": format!("{id}.txt"), "ext": "txt", "size": 1, "mimetype": "text/plain"}))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "data": data, "path": "https://api.peakprivacy.ch/v1/files", "per_page": 2,
        "next_cursor": next, "next_page_url": next.map(|c| format!("https://api.peakprivacy.ch/v1/files?cursor={c}")),
        "prev_cursor": null, "prev_page_url": null
    }))
}

#[tokio::test]
async fn list_sends_limit_and_cursor_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "eyJpZCI6Mn0="))
        .respond_with(page(&["f3", "f4"], Some("eyJpZCI6NH0")))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .files()
        .list(ListParams::new().limit(2).cursor("eyJpZCI6Mn0="))
        .await
        .unwrap();
    let ids: Vec<_> = page.data.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["f3", "f4"]);
    assert_eq!(page.next_cursor.as_deref(), Some("eyJpZCI6NH0"));
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.url.query(), Some("limit=2&cursor=eyJpZCI6Mn0%3D"));
}

#[tokio::test]
async fn list_stream_follows_cursors_across_three_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&["f1", "f2"], Some("c2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&["f3", "f4"], Some("c3")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&["f5"], None))
        .expect(1)
        .mount(&server)
        .await;
    let files: Vec<_> = client(&server)
        .files()
        .list_stream(ListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = files.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["f1", "f2", "f3", "f4", "f5"]);
    for request in server.received_requests().await.unwrap() {
        assert!(request.url.query().unwrap().contains("limit=2"));
    }
}

#[tokio::test]
async fn list_stream_yields_an_error_and_stops() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&["f1"], Some("c2")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthenticated"})))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .files()
        .list_stream(ListParams::new())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id, "f1");
    assert_eq!(
        items[1].as_ref().unwrap_err().kind(),
        ErrorKind::Authentication
    );
}

#[tokio::test]
async fn list_accepts_a_bare_array_and_reports_other_shapes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param("limit", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": "f1", "name": "a.pdf", "size": "12"}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"files": 3})))
        .mount(&server)
        .await;
    let client = client(&server);
    let page = client
        .files()
        .list(ListParams::new().limit(1))
        .await
        .unwrap();
    assert_eq!((page.data[0].size, page.next_cursor), (Some(12), None));
    let err = client
        .files()
        .list(ListParams::new().limit(2))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.raw_body(), Some(r#"{"files":3}"#));
}

#[tokio::test]
async fn retrieve_and_delete_by_id() {
    let server = MockServer::start().await;
    let id = "0b9c5b3e-0d6a-4a57-9a6e-5c1f1c7d2a10";
    Mock::given(method("GET"))
        .and(path(format!("{FILES}/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": {"id": id, "name": "a.txt", "ext": "txt", "size": "5", "mimetype": "text/plain"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{FILES}/{id}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{FILES}/missing")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let file = client.files().retrieve(id).await.unwrap();
    assert_eq!((file.name.as_str(), file.size), ("a.txt", Some(5)));
    assert_eq!(client.files().delete(id).await.unwrap().id, id);
    let err = client.files().retrieve("missing").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    for bad in ["", "../ai/models", "a?b=c"] {
        assert_eq!(
            client.files().delete(bad).await.unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

/// A client with 2 retries and a recording sleep.
fn retrying(server: &MockServer) -> (PeakPrivacy, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let client = builder(server)
        .max_retries(2)
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    (client, sleep)
}

/// 503 once, then the documented 200.
async fn flaky_upload(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(FILES))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(FILES))
        .respond_with(ResponseTemplate::new(200).set_body_json(uploaded_json()))
        .mount(server)
        .await;
}

#[tokio::test]
async fn bytes_and_path_uploads_are_replayed_with_the_same_idempotency_key() {
    let path_file = temp_file("report.pdf", b"%PDF-1.4 fake");
    for part in [
        FilePart::from_bytes("a.txt", "alpha"),
        FilePart::from_path(&path_file),
    ] {
        let server = MockServer::start().await;
        flaky_upload(&server).await;
        let (client, sleep) = retrying(&server);
        let options = RequestOptions::new().idempotency_key("upload-1");
        let files = client.files().upload_with([part], options).await.unwrap();
        assert_eq!(files.len(), 2);
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2, "one retry");
        assert_eq!(sleep.delays().len(), 1);
        assert_eq!(
            requests[0].body, requests[1].body,
            "the same body is sent again"
        );
        assert!(!requests[1].body.is_empty());
        for request in &requests {
            assert_eq!(request.headers["idempotency-key"], "upload-1");
        }
    }
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_and_not_retried() {
    let server = MockServer::start().await;
    flaky_upload(&server).await;
    let (client, sleep) = retrying(&server);
    let reader = std::io::Cursor::new(b"streamed".to_vec());
    let err = client
        .files()
        .upload_with(
            [FilePart::from_reader("s.txt", reader)],
            RequestOptions::new().idempotency_key("upload-2"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(err.status(), Some(503));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["idempotency-key"], "upload-2");
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn files_end_to_end_against_the_emulator() {
    let server = llm_testkit::PeakPrivacyEmulator::start().await;
    let client = PeakPrivacy::builder()
        .api_token(server.token())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let pdf = temp_file("contract.pdf", b"%PDF-1.4 contract");
    let uploaded = client
        .files()
        .upload([
            FilePart::from_bytes("a.txt", "alpha"),
            FilePart::from_path(&pdf),
            FilePart::from_reader("c.csv", std::io::Cursor::new(b"x,y\n1,2\n".to_vec())),
        ])
        .await
        .unwrap();
    let names: Vec<_> = uploaded.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a.txt", "contract.pdf", "c.csv"]);
    assert_eq!(uploaded[1].mimetype.as_deref(), Some("application/pdf"));
    assert_eq!(uploaded[1].size, Some(17));
    assert_eq!(
        server.file_content(&uploaded[2].id).as_deref(),
        Some(&b"x,y\n1,2\n"[..])
    );

    let listed: Vec<_> = client
        .files()
        .list_stream(ListParams::new().limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, uploaded);
    let gets = server
        .requests()
        .iter()
        .filter(|r| r.method() == "GET")
        .count();
    assert_eq!(gets, 3, "one request per page of one file");

    assert_eq!(
        client.files().retrieve(&uploaded[0].id).await.unwrap(),
        uploaded[0]
    );
    client.files().delete(&uploaded[0].id).await.unwrap();
    let err = client.files().retrieve(&uploaded[0].id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let err = client
        .files()
        .upload([FilePart::from_bytes("data1.txt", "x").content_type("application/pdf")])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert!(err.field_errors().unwrap().contains_key("files.0"));
}
