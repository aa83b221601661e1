//! PeakPrivacy emulator, Files API: multipart uploads, validation, 413, cursor pages,
//! retrieve, delete, auth, faults and recording.

mod support;

use llm_testkit::{Fault, PeakPrivacyEmulator};
use reqwest::Method;
use serde_json::Value;

const BOUNDARY: &str = "test-boundary-7d2c";

/// A multipart body with one `files[]` part per `(file name, content type, bytes)`.
fn form(files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content_type, data) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends `body` as a multipart upload (with the token unless `token` is `None`).
async fn upload(
    server: &PeakPrivacyEmulator,
    body: Vec<u8>,
    token: Option<&str>,
) -> support::Reply {
    let mut request = reqwest::Client::new()
        .post(format!("{}files", server.base_url()))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("accept", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.header("api-token", token);
    }
    let response = request.send().await.expect("the emulator answers");
    support::Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("a body").to_vec(),
    }
}

async fn get(server: &PeakPrivacyEmulator, method: Method, path: &str) -> support::Reply {
    let url = format!("{}{path}", server.base_url());
    support::send(method, &url, &[("Api-Token", server.token())], None).await
}

#[tokio::test]
async fn upload_answers_the_documented_array_and_stores_the_bytes() {
    let server = PeakPrivacyEmulator::start().await;
    let reply = upload(
        &server,
        form(&[
            ("data1.json", "application/json", br#"{"a":1}"#),
            ("notes.txt", "text/plain; charset=utf-8", b"hello"),
        ]),
        Some(server.token()),
    )
    .await;
    assert_eq!(reply.status, 200);
    let files = reply.json();
    let files = files.as_array().expect("an array");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "data1.json");
    assert_eq!(files[0]["ext"], "json");
    assert_eq!(files[0]["size"], 7);
    assert_eq!(files[0]["mimetype"], "application/json");
    assert_eq!(files[1]["mimetype"], "text/plain");
    let ids = server.file_ids();
    assert_eq!(ids.len(), 2);
    assert_eq!(files[1]["id"], ids[1].as_str());
    assert_eq!(server.file_content(&ids[1]).as_deref(), Some(&b"hello"[..]));
    let recorded = server.last_request().expect("recorded");
    assert_eq!(recorded.path(), "/v1/files");
    assert!(recorded
        .body()
        .starts_with(format!("--{BOUNDARY}").as_bytes()));
}

#[tokio::test]
async fn upload_validation_errors_name_the_file_index() {
    let server = PeakPrivacyEmulator::start().await;
    let reply = upload(
        &server,
        form(&[
            ("ok.txt", "text/plain", b"fine"),
            ("data1.txt", "application/pdf", b"%PDF"),
            ("empty.csv", "text/csv", b""),
        ]),
        Some(server.token()),
    )
    .await;
    assert_eq!(reply.status, 400);
    let body = reply.json();
    assert_eq!(body["message"], "Validation error");
    assert_eq!(
        body["errors"]["files.1"][0],
        "The data1.txt file must be with correct mimetype."
    );
    assert_eq!(
        body["errors"]["files.2"][0],
        "The empty.csv file must not be empty."
    );
    assert!(body["errors"].get("files.0").is_none());
    assert!(
        server.file_ids().is_empty(),
        "nothing stored on a validation error"
    );

    let reply = upload(&server, form(&[]), Some(server.token())).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["errors"]["files"][0],
        "The files field is required."
    );
}

#[tokio::test]
async fn too_large_uploads_get_413_and_bad_tokens_401() {
    let server = PeakPrivacyEmulator::builder()
        .max_upload_bytes(1024)
        .start()
        .await;
    let big = vec![b'x'; 2048];
    let reply = upload(
        &server,
        form(&[("big.txt", "text/plain", &big)]),
        Some(server.token()),
    )
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json()["error"], "Request Entity Too Large");
    let reply = upload(
        &server,
        form(&[("a.txt", "text/plain", b"a")]),
        Some("wrong"),
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "Unauthenticated");
    let reply = upload(&server, form(&[("a.txt", "text/plain", b"a")]), None).await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn list_pages_with_cursors_until_the_last_page() {
    let server = PeakPrivacyEmulator::start().await;
    for name in ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"] {
        let reply = upload(
            &server,
            form(&[(name, "text/plain", b"x")]),
            Some(server.token()),
        )
        .await;
        assert_eq!(reply.status, 200);
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("files?limit=2&cursor={c}"),
            None => "files?limit=2".to_owned(),
        };
        let page = get(&server, Method::GET, &path).await;
        assert_eq!(page.status, 200);
        let page = page.json();
        pages += 1;
        assert_eq!(page["per_page"], 2);
        for file in page["data"].as_array().expect("data") {
            names.push(file["name"].as_str().expect("a name").to_owned());
        }
        match &page["next_cursor"] {
            Value::String(next) => {
                let url = page["next_page_url"].as_str().expect("a next page url");
                assert!(url.ends_with(&format!("cursor={next}")));
                cursor = Some(next.clone());
            }
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);

    let default = get(&server, Method::GET, "files").await.json();
    assert_eq!(default["per_page"], 20);
    let bad = get(&server, Method::GET, "files?limit=0&cursor=%%%").await;
    assert_eq!(bad.status, 422);
    let errors = &bad.json()["errors"];
    assert!(errors.get("limit").is_some() && errors.get("cursor").is_some());
}

#[tokio::test]
async fn retrieve_and_delete_stored_files() {
    let server = PeakPrivacyEmulator::start().await;
    upload(
        &server,
        form(&[("a.pdf", "application/pdf", b"%PDF-1.4")]),
        Some(server.token()),
    )
    .await;
    let id = server.file_ids().remove(0);
    let file = get(&server, Method::GET, &format!("files/{id}")).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.json()["size"], 8);
    let deleted = get(&server, Method::DELETE, &format!("files/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert!(server.file_ids().is_empty());
    for method in [Method::GET, Method::DELETE] {
        let gone = get(&server, method, &format!("files/{id}")).await;
        assert_eq!(gone.status, 404);
    }
    let wrong = get(&server, Method::PUT, &format!("files/{id}")).await;
    assert_eq!(wrong.status, 405);
}

#[tokio::test]
async fn faults_fire_on_the_files_path() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(Fault::status(503).path("/v1/files"));
    let reply = upload(
        &server,
        form(&[("a.txt", "text/plain", b"a")]),
        Some(server.token()),
    )
    .await;
    assert_eq!(reply.status, 503);
    assert!(server.file_ids().is_empty());
    let reply = upload(
        &server,
        form(&[("a.txt", "text/plain", b"a")]),
        Some(server.token()),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(server.received_count(), 2);
}
