//! `/v1/ai/assistants`: create (201, the documented body, `files[].size` as a string),
//! update (`PUT`), get, cursor-paginated list, delete, and query
//! (`POST /v1/ai/assistants/{id}/query` with `{"query": ".."}` or chat `messages`; the
//! real path and body are not documented). Validation errors are Laravel's 422 bodies.

use hyper::StatusCode;
use serde_json::{json, Map, Value};

use super::files::list_reply;
use super::models::MODELS;
use super::store::{Store, StoredAssistant};
use super::PeakPrivacyApi;
use crate::chat;
use crate::ids::{now_unix, uuid_like};
use crate::reply::{parse_object, FieldErrors, Reply};
use crate::server::ApiRequest;

/// The fields of a create or update body, validated.
#[derive(Default)]
struct Fields {
    name: Option<String>,
    model: Option<String>,
    instructions: Option<Option<String>>,
    temperature: Option<f64>,
    anonymize: Option<bool>,
    file_ids: Option<Vec<String>>,
}

/// Reads and validates the fields; `required` for create, all optional for update.
fn fields(store: &Store, body: &Map<String, Value>, required: bool) -> Result<Fields, Reply> {
    let mut errors = FieldErrors::default();
    let name = chat::parse_name(body, "name", required, &mut errors);
    let model = chat::parse_model(body, required, &mut errors);
    // Besides the shape, the model must be one the API offers.
    let known = model
        .as_ref()
        .is_none_or(|model| MODELS.iter().any(|(id, ..)| id == model));
    let wrong_type = !matches!(
        body.get("model"),
        None | Some(Value::Null | Value::String(_))
    );
    if !known || wrong_type {
        errors.add("model", "The selected model is invalid.");
    }
    let instructions = match body.get("instructions") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(text)) => Some(Some(text.clone())),
        Some(_) => {
            errors.add("instructions", "The instructions field must be a string.");
            None
        }
    };
    let temperature = match body.get("temperature") {
        None | Some(Value::Null) => {
            if required {
                errors.add("temperature", "The temperature field is required.");
            }
            None
        }
        Some(_) => {
            chat::check_range(body, "temperature", 0.0, 1.0, &mut errors);
            body.get("temperature").and_then(Value::as_f64)
        }
    };
    let anonymize = chat::parse_bool(body, "anonymize", &mut errors);
    let file_ids = match body.get("file_ids") {
        None | Some(Value::Null) => None,
        Some(Value::Array(ids)) => {
            let mut valid = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                match id.as_str() {
                    Some(id) if store.file(id).is_some() => valid.push(id.to_owned()),
                    _ => errors.add(
                        &format!("file_ids.{index}"),
                        &format!("The selected file_ids.{index} is invalid."),
                    ),
                }
            }
            Some(valid)
        }
        Some(_) => {
            errors.add("file_ids", "The file_ids field must be an array.");
            None
        }
    };
    errors.check()?;
    Ok(Fields {
        name,
        model,
        instructions,
        temperature,
        anonymize,
        file_ids,
    })
}

/// The assistant as the API answers it, with its files (`size` a string, as documented).
fn to_json(store: &Store, assistant: &StoredAssistant) -> Value {
    let files: Vec<Value> = assistant
        .file_ids
        .iter()
        .filter_map(|id| store.file(id))
        .map(|file| file.to_assistant_json())
        .collect();
    json!({
        "id": assistant.id,
        "name": assistant.name,
        "model": assistant.model,
        "instructions": assistant.instructions,
        "temperature": assistant.temperature,
        "anonymize": assistant.anonymize,
        "files": files,
    })
}

/// `POST /v1/ai/assistants`: 201 with the assistant.
pub(super) fn create(api: &PeakPrivacyApi, body: &[u8]) -> Reply {
    let body = match parse_object(body) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut store = api.store.lock();
    let fields = match fields(&store, &body, true) {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    let assistant = StoredAssistant {
        seq: store.next_seq(),
        id: uuid_like(),
        name: fields.name.unwrap_or_default(),
        model: fields.model.unwrap_or_default(),
        instructions: fields.instructions.flatten(),
        temperature: fields.temperature.unwrap_or(0.7),
        anonymize: fields.anonymize.unwrap_or(true),
        file_ids: fields.file_ids.unwrap_or_default(),
    };
    let answer = to_json(&store, &assistant);
    store.assistants.push(assistant);
    Reply::json(StatusCode::CREATED, answer)
}

/// `PUT /v1/ai/assistants/{id}`: changes the fields given; 200 with the assistant.
pub(super) fn update(api: &PeakPrivacyApi, id: &str, body: &[u8]) -> Reply {
    let body = match parse_object(body) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let mut store = api.store.lock();
    let fields = match fields(&store, &body, false) {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    let Some(assistant) = store.assistants.iter_mut().find(|a| a.id == id) else {
        return not_found(id);
    };
    if let Some(name) = fields.name {
        assistant.name = name;
    }
    if let Some(model) = fields.model {
        assistant.model = model;
    }
    if let Some(instructions) = fields.instructions {
        assistant.instructions = instructions;
    }
    if let Some(temperature) = fields.temperature {
        assistant.temperature = temperature;
    }
    if let Some(anonymize) = fields.anonymize {
        assistant.anonymize = anonymize;
    }
    if let Some(file_ids) = fields.file_ids {
        assistant.file_ids = file_ids;
    }
    let assistant = assistant.clone();
    Reply::ok(to_json(&store, &assistant))
}

/// `GET /v1/ai/assistants/{id}`.
pub(super) fn get(api: &PeakPrivacyApi, id: &str) -> Reply {
    let store = api.store.lock();
    match store.assistants.iter().find(|a| a.id == id) {
        Some(assistant) => Reply::ok(to_json(&store, assistant)),
        None => not_found(id),
    }
}

/// `GET /v1/ai/assistants?limit=&cursor=`.
pub(super) fn list(api: &PeakPrivacyApi, request: &ApiRequest, base_path: &str) -> Reply {
    list_reply(api, request, base_path, |store| {
        store
            .assistants
            .iter()
            .map(|a| (a.seq, to_json(store, a)))
            .collect()
    })
}

/// `DELETE /v1/ai/assistants/{id}`.
pub(super) fn delete(api: &PeakPrivacyApi, id: &str) -> Reply {
    let mut store = api.store.lock();
    let before = store.assistants.len();
    store.assistants.retain(|a| a.id != id);
    if store.assistants.len() == before {
        return not_found(id);
    }
    Reply::ok(json!({ "message": "Assistant deleted successfully." }))
}

/// `POST /v1/ai/assistants/{id}/query`: a chat-completion-shaped answer whose text names
/// the assistant's files, quotes the first line of a text file that shares a word of four
/// or more letters with the question, and repeats the question.
pub(super) fn query(api: &PeakPrivacyApi, id: &str, body: &[u8]) -> Reply {
    let body = match parse_object(body) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let question = match body.get("query") {
        Some(Value::String(q)) if !q.trim().is_empty() => Some(q.clone()),
        _ => body
            .get("messages")
            .and_then(Value::as_array)
            .and_then(|messages| {
                messages
                    .iter()
                    .rev()
                    .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
            })
            .and_then(|m| m.get("content").and_then(Value::as_str))
            .filter(|q| !q.trim().is_empty())
            .map(str::to_owned),
    };
    let Some(question) = question else {
        let mut errors = FieldErrors::default();
        errors.add("query", "The query field is required.");
        return match errors.check() {
            Err(reply) => reply,
            Ok(()) => Reply::malformed_json("no question"),
        };
    };
    let store = api.store.lock();
    let Some(assistant) = store.assistants.iter().find(|a| a.id == id) else {
        return not_found(id);
    };
    let text = answer_text(&store, assistant, &question);
    let prompt = chat::count_tokens(&question);
    let completion = chat::count_tokens(&text);
    Reply::ok(json!({
        "id": uuid_like(),
        "object": "chat.completion",
        "created": now_unix(),
        "model": assistant.model,
        "assistant_id": assistant.id,
        "choices": [{
            "finish_reason": "stop",
            "index": 0,
            "message": { "role": "assistant", "content": text },
        }],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }))
}

/// The emulated answer (see [`query`]).
fn answer_text(store: &Store, assistant: &StoredAssistant, question: &str) -> String {
    let files: Vec<_> = assistant
        .file_ids
        .iter()
        .filter_map(|id| store.file(id))
        .collect();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect();
    let quote = files
        .iter()
        .filter(|f| f.mimetype.starts_with("text/") || f.mimetype == "application/json")
        .find_map(|f| {
            let text = String::from_utf8_lossy(&f.data);
            text.lines()
                .find(|line| {
                    let line = line.to_lowercase();
                    words.iter().any(|w| line.contains(w.as_str()))
                })
                .map(|line| format!(" {}: \"{}\"", f.name, line.trim()))
        })
        .unwrap_or_default();
    format!(
        "{} read {} file(s) [{}].{} You asked: {}",
        assistant.name,
        files.len(),
        names.join(", "),
        quote,
        question
    )
}

/// Laravel's 404 for a missing model.
fn not_found(id: &str) -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        json!({ "message": format!("No query results for model [App\\Models\\Assistant] {id}") }),
    )
}
