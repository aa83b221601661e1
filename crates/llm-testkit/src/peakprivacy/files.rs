//! `/v1/files`: upload (multipart, `files[]` repeated), cursor-paginated list, retrieve and
//! delete, with the documented bodies: 200 with an array of `{id, name, ext, size,
//! mimetype}`, 400 `{"message":"Validation error","errors":{"files.0":[..]}}`, 413
//! `{"error":"Request Entity Too Large"}`.

use hyper::StatusCode;
use serde_json::{json, Value};

use super::store::{cursor_page, decode_cursor, query_param, Store, StoredFile};
use super::PeakPrivacyApi;
use crate::ids::uuid_like;
use crate::multipart::{self, Part};
use crate::reply::{FieldErrors, Reply};
use crate::server::ApiRequest;

/// Files per page when the request gives no `limit` (the documented default).
const DEFAULT_LIMIT: usize = 20;

/// The largest `limit` accepted.
const MAX_LIMIT: usize = 100;

/// The extensions the emulator stores and the content types it accepts for each (the
/// docs name "pdf, txt, csv, docx, images").
const ACCEPTED: &[(&str, &[&str])] = &[
    ("pdf", &["application/pdf"]),
    ("txt", &["text/plain"]),
    ("csv", &["text/csv", "text/plain", "application/csv"]),
    ("md", &["text/markdown", "text/x-markdown", "text/plain"]),
    ("json", &["application/json", "text/plain"]),
    (
        "docx",
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ),
    ("png", &["image/png"]),
    ("jpg", &["image/jpeg"]),
    ("jpeg", &["image/jpeg"]),
    ("gif", &["image/gif"]),
    ("webp", &["image/webp"]),
];

/// `POST /v1/files`.
pub(super) fn upload(api: &PeakPrivacyApi, request: &ApiRequest) -> Reply {
    if request.body.len() > api.max_upload_bytes {
        return Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
    }
    let parts = match request
        .header("content-type")
        .and_then(multipart::boundary)
        .map(|boundary| multipart::parse(&request.body, &boundary))
    {
        Some(Ok(parts)) => parts,
        Some(Err(problem)) => {
            return Reply::malformed_json(&format!("malformed multipart body: {problem}"))
        }
        None => Vec::new(),
    };
    let files: Vec<&Part> = parts
        .iter()
        .filter(|part| part.name == "files[]" || part.name.starts_with("files["))
        .collect();
    let mut errors = FieldErrors::default();
    if files.is_empty() {
        errors.add("files", "The files field is required.");
    }
    let mut accepted = Vec::new();
    for (index, part) in files.iter().enumerate() {
        let field = format!("files.{index}");
        let name = part.filename.clone().unwrap_or_default();
        match check(part, &name) {
            Ok((ext, mimetype)) => accepted.push((name, ext, mimetype, part.data.clone())),
            Err(message) => errors.add(&field, &message),
        }
    }
    if !errors.is_empty() {
        return Reply::json(
            StatusCode::BAD_REQUEST,
            json!({ "message": "Validation error", "errors": errors.into_value() }),
        );
    }
    let mut store = api.store.lock();
    let mut answer = Vec::new();
    for (name, ext, mimetype, data) in accepted {
        let file = StoredFile {
            seq: store.next_seq(),
            id: uuid_like(),
            name,
            ext,
            mimetype,
            data,
        };
        answer.push(file.to_json());
        store.files.push(file);
    }
    Reply::ok(Value::Array(answer))
}

/// The extension and content type of an acceptable file part, or the documented message.
fn check(part: &Part, name: &str) -> Result<(String, String), String> {
    let wrong = || format!("The {name} file must be with correct mimetype.");
    if name.trim().is_empty() {
        return Err("The file must be a file.".to_owned());
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .ok_or_else(wrong)?;
    let essence = part
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase())
        .ok_or_else(wrong)?;
    let types = ACCEPTED
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, types)| *types)
        .ok_or_else(wrong)?;
    if !types.contains(&essence.as_str()) {
        return Err(wrong());
    }
    if part.data.is_empty() {
        return Err(format!("The {name} file must not be empty."));
    }
    Ok((ext, essence))
}

/// `GET /v1/files?limit=&cursor=`.
pub(super) fn list(api: &PeakPrivacyApi, request: &ApiRequest, base_path: &str) -> Reply {
    list_reply(api, request, base_path, |store| {
        store
            .files
            .iter()
            .map(|file| (file.seq, file.to_json()))
            .collect()
    })
}

/// One page of a list request (files or assistants): the cursor and limit from the query,
/// then the page of `items` (each with its sequence number) in the store.
pub(super) fn list_reply(
    api: &PeakPrivacyApi,
    request: &ApiRequest,
    base_path: &str,
    items: impl FnOnce(&Store) -> Vec<(u64, Value)>,
) -> Reply {
    let (after, limit) = match page_query(request.query.as_deref()) {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let store = api.store.lock();
    Reply::ok(cursor_page(&items(&store), after, limit, base_path))
}

/// The `cursor` and `limit` of a list request, or the 422 Laravel would give.
pub(super) fn page_query(query: Option<&str>) -> Result<(Option<u64>, usize), Reply> {
    let mut errors = FieldErrors::default();
    let limit = match query_param(query, "limit") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
            _ => {
                errors.add(
                    "limit",
                    &format!("The limit field must be between 1 and {MAX_LIMIT}."),
                );
                DEFAULT_LIMIT
            }
        },
    };
    let after = match query_param(query, "cursor").filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => match decode_cursor(&cursor) {
            Some(seq) => Some(seq),
            None => {
                errors.add("cursor", "The cursor is invalid.");
                None
            }
        },
    };
    errors.check()?;
    Ok((after, limit))
}

/// `GET /v1/files/{id}`.
pub(super) fn retrieve(api: &PeakPrivacyApi, id: &str) -> Reply {
    match api.store.lock().file(id) {
        Some(file) => Reply::ok(file.to_json()),
        None => not_found(id),
    }
}

/// `DELETE /v1/files/{id}`: also detaches the file from every assistant.
pub(super) fn delete(api: &PeakPrivacyApi, id: &str) -> Reply {
    let mut store = api.store.lock();
    let before = store.files.len();
    store.files.retain(|file| file.id != id);
    if store.files.len() == before {
        return not_found(id);
    }
    for assistant in &mut store.assistants {
        assistant.file_ids.retain(|file| file != id);
    }
    Reply::ok(json!({ "message": "File deleted successfully." }))
}

/// Laravel's 404 for a missing model.
fn not_found(id: &str) -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        json!({ "message": format!("No query results for model [App\\Models\\File] {id}") }),
    )
}
