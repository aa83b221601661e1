//! `GET /v1/ai/models`: a fixed, realistic model list.

use serde_json::json;

use crate::reply::Reply;

/// `(id, owned_by, max_tokens, created)` of the models the emulator lists.
pub(super) const MODELS: &[(&str, &str, u64, u64)] = &[
    ("mistral-swiss", "mistralai", 32_768, 1_704_067_200),
    ("llama3-swiss", "meta", 8_192, 1_714_521_600),
    ("gpt-4o-eu", "openai", 128_000, 1_717_200_000),
    ("gpt-4o-mini-us", "openai", 128_000, 1_721_347_200),
];

pub(super) fn list() -> Reply {
    let data: Vec<_> = MODELS
        .iter()
        .map(|(id, owned_by, max_tokens, created)| {
            json!({
                "id": id,
                "object": "model",
                "created": created,
                "owned_by": owned_by,
                "max_tokens": max_tokens,
            })
        })
        .collect();
    Reply::ok(json!({ "data": data }))
}
