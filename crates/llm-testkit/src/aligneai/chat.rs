//! `POST /v1/chat/completions`: OpenAI-style completions and `delta` streams ending in `[DONE]`.

use serde_json::{json, Value};

use super::AligneAIApi;
use crate::chat::{self, complete, count_tokens, prompt_tokens, word_pieces};
use crate::ids::{now_unix, uuid_like};
use crate::reply::{parse_object, FieldErrors, Reply};
use crate::sse::SseReply;

/// The model named in answers when the request names none.
const DEFAULT_MODEL: &str = "llama-3.1-8b-instruct";
/// Longest message content accepted, in characters (as the sister SDK documents).
const MAX_CONTENT_CHARS: usize = 5000;

pub(super) fn create(api: &AligneAIApi, body: &[u8]) -> Reply {
    match try_create(api, body) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn try_create(api: &AligneAIApi, body: &[u8]) -> Result<Reply, Reply> {
    let body = parse_object(body)?;
    let mut errors = FieldErrors::default();
    let model = chat::parse_model(&body, false, &mut errors);
    let messages = chat::parse_messages(&body, &mut errors);
    for (index, message) in messages.iter().enumerate() {
        if message.content.chars().count() > MAX_CONTENT_CHARS {
            let field = format!("messages.{index}.content");
            errors.add(
                &field,
                &format!(
                    "The {field} field must not be greater than {MAX_CONTENT_CHARS} characters."
                ),
            );
        }
    }
    let max_tokens = chat::parse_count(&body, "max_tokens", &mut errors);
    let stream = chat::parse_bool(&body, "stream", &mut errors);
    errors.check()?;
    let model = model.unwrap_or_else(|| DEFAULT_MODEL.to_owned());

    let (text, finish_reason) = complete(&messages, max_tokens);
    let id = format!("chatcmpl-{}", uuid_like().replace('-', ""));
    let created = now_unix();
    if stream == Some(true) {
        let chunk = |delta: Value, finish: Value| {
            json!({
                "id": id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
            })
            .to_string()
        };
        let mut events = vec![chunk(
            json!({ "role": "assistant", "content": "" }),
            Value::Null,
        )];
        events.extend(
            word_pieces(&text)
                .into_iter()
                .map(|piece| chunk(json!({ "content": piece }), Value::Null)),
        );
        events.push(chunk(json!({}), Value::from(finish_reason)));
        events.push("[DONE]".to_owned());
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
            "index": 0,
            "message": { "role": "assistant", "content": text },
            "finish_reason": finish_reason,
        }],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    })))
}
