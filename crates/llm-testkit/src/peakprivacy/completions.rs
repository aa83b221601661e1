//! `POST /v1/ai/completions`: validation, JSON completions and message-style streams.

use serde_json::{json, Value};

use super::{ChunkStyle, PeakPrivacyApi};
use crate::chat::{self, complete, count_tokens, prompt_tokens, word_pieces};
use crate::ids::{now_unix, uuid_like};
use crate::reply::{parse_object, FieldErrors, Reply};
use crate::sse::SseReply;

pub(super) fn create(api: &PeakPrivacyApi, body: &[u8]) -> Reply {
    match try_create(api, body) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn try_create(api: &PeakPrivacyApi, body: &[u8]) -> Result<Reply, Reply> {
    let body = parse_object(body)?;
    let mut errors = FieldErrors::default();
    let model = chat::parse_model(&body, true, &mut errors);
    let messages = chat::parse_messages(&body, &mut errors);
    chat::check_range(&body, "temperature", 0.0, 1.0, &mut errors);
    chat::check_range(&body, "top_p", 0.0, 1.0, &mut errors);
    let max_tokens = chat::parse_count(&body, "max_tokens", &mut errors);
    chat::parse_count(&body, "random_seed", &mut errors);
    chat::parse_bool(&body, "safe_prompt", &mut errors);
    let stream = chat::parse_bool(&body, "stream", &mut errors);
    let anonymize = chat::parse_bool(&body, "anonymize", &mut errors);
    errors.check()?;
    let model = model.unwrap_or_default();

    let (text, finish_reason) = complete(&messages, max_tokens);
    let id = uuid_like();
    let created = now_unix();
    // The server default `anonymize: true` forces streaming off.
    if stream == Some(true) && anonymize == Some(false) {
        let mut events: Vec<String> = word_pieces(&text)
            .into_iter()
            .map(|piece| chunk(api.chunk_style, &id, created, &model, piece, Value::Null))
            .collect();
        events.push(chunk(
            api.chunk_style,
            &id,
            created,
            &model,
            "",
            Value::from(finish_reason),
        ));
        if api.done_sentinel {
            events.push("[DONE]".to_owned());
        }
        return Ok(Reply::Stream(SseReply {
            events,
            pace: api.chunk_delay,
        }));
    }

    let prompt = prompt_tokens(&messages);
    let completion = count_tokens(&text);
    Ok(Reply::ok(json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "finish_reason": finish_reason,
            "index": 0,
            "message": { "content": text, "role": "assistant" },
        }],
        "usage": {
            "completion_tokens": completion,
            "prompt_tokens": prompt,
            "total_tokens": prompt + completion,
        },
    })))
}

/// One stream chunk as compact JSON.
fn chunk(
    style: ChunkStyle,
    id: &str,
    created: u64,
    model: &str,
    content: &str,
    finish_reason: Value,
) -> String {
    let piece = json!({ "role": "assistant", "content": content });
    let mut choice = json!({ "index": 0, "finish_reason": finish_reason });
    if matches!(style, ChunkStyle::Message | ChunkStyle::Both) {
        choice["message"] = piece.clone();
    }
    if matches!(style, ChunkStyle::Delta | ChunkStyle::Both) {
        choice["delta"] = piece;
    }
    json!({
        "id": id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [choice],
    })
    .to_string()
}
