//! `GET /v1/models`: a fixed model list.

use serde_json::json;

use crate::reply::Reply;

/// `(id, created)` of the models the emulator lists.
const MODELS: &[(&str, u64)] = &[
    ("nomic-embed-v1.5", 1_708_560_000),
    ("llama-3.1-8b-instruct", 1_721_692_800),
    ("mistral-7b-instruct", 1_695_859_200),
];

pub(super) fn list() -> Reply {
    let data: Vec<_> = MODELS
        .iter()
        .map(|(id, created)| {
            json!({ "id": id, "object": "model", "created": created, "owned_by": "aligneai" })
        })
        .collect();
    Reply::ok(json!({ "object": "list", "data": data }))
}
