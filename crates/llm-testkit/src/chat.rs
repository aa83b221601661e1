//! Chat request parsing and the deterministic replies both emulators give.

use serde_json::{Map, Value};

use crate::reply::FieldErrors;

/// One `{role, content}` message of a chat request.
#[derive(Debug, Clone)]
pub(crate) struct ChatMessage {
    pub(crate) role: String,
    pub(crate) content: String,
}

/// Reads and validates the `messages` field, Laravel style: each problem is added to `errors`
/// under its field path (`messages`, `messages.0.content`, ...).
pub(crate) fn parse_messages(
    body: &Map<String, Value>,
    errors: &mut FieldErrors,
) -> Vec<ChatMessage> {
    let items = match body.get("messages") {
        None | Some(Value::Null) => {
            errors.add("messages", "The messages field is required.");
            return Vec::new();
        }
        Some(Value::Array(items)) if items.is_empty() => {
            errors.add("messages", "The messages field is required.");
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add("messages", "The messages field must be an array.");
            return Vec::new();
        }
    };
    let mut messages = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let role = string_field(item, "role", &format!("messages.{index}.role"), errors);
        let content = string_field(
            item,
            "content",
            &format!("messages.{index}.content"),
            errors,
        );
        if let (Some(role), Some(content)) = (role, content) {
            messages.push(ChatMessage { role, content });
        }
    }
    messages
}

fn string_field(item: &Value, key: &str, path: &str, errors: &mut FieldErrors) -> Option<String> {
    match item.get(key) {
        None | Some(Value::Null) => {
            errors.add(path, &format!("The {path} field is required."));
            None
        }
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            errors.add(path, &format!("The {path} field must be a string."));
            None
        }
    }
}

/// Reads the `model` field, which must be a non-empty string when present; a missing model is
/// an error only when `required`.
pub(crate) fn parse_model(
    body: &Map<String, Value>,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<String> {
    parse_name(body, "model", required, errors)
}

/// Reads `field`, which must be a non-empty string when present; a missing (or blank)
/// value is an error only when `required`.
pub(crate) fn parse_name(
    body: &Map<String, Value>,
    field: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<String> {
    match body.get(field) {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
        None | Some(Value::Null) if !required => None,
        None | Some(Value::Null) | Some(Value::String(_)) => {
            errors.add(field, &format!("The {field} field is required."));
            None
        }
        Some(_) => {
            errors.add(field, &format!("The {field} field must be a string."));
            None
        }
    }
}

/// Reads an optional non-negative integer field.
pub(crate) fn parse_count(
    body: &Map<String, Value>,
    key: &str,
    errors: &mut FieldErrors,
) -> Option<u64> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64(),
        Some(_) => {
            errors.add(
                key,
                &format!("The {key} field must be an integer of at least 0."),
            );
            None
        }
    }
}

/// Reads an optional boolean field (`null` counts as absent).
pub(crate) fn parse_bool(
    body: &Map<String, Value>,
    key: &str,
    errors: &mut FieldErrors,
) -> Option<bool> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(value)) => Some(*value),
        Some(_) => {
            errors.add(key, &format!("The {key} field must be true or false."));
            None
        }
    }
}

/// Checks that an optional number field lies in `[min, max]`.
pub(crate) fn check_range(
    body: &Map<String, Value>,
    key: &str,
    min: f64,
    max: f64,
    errors: &mut FieldErrors,
) {
    match body.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => {
            let in_range = n.as_f64().is_some_and(|v| (min..=max).contains(&v));
            if !in_range {
                errors.add(
                    key,
                    &format!("The {key} field must be between {min} and {max}."),
                );
            }
        }
        Some(_) => errors.add(key, &format!("The {key} field must be a number.")),
    }
}

/// The assistant's reply: `"You said: <last user message>"`, or a greeting when there is no
/// user message.
pub(crate) fn reply_text(messages: &[ChatMessage]) -> String {
    match messages.iter().rev().find(|m| m.role == "user") {
        Some(last) => format!("You said: {}", last.content),
        None => "Hello! How can I assist you today?".to_owned(),
    }
}

/// The emulator's token count: one token per whitespace-separated word.
pub(crate) fn count_tokens(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// The assistant's answer to a conversation and its finish reason: the [`reply_text`], cut
/// to `max_tokens` words (finish reason `"length"`) when that limit is lower.
pub(crate) fn complete(
    messages: &[ChatMessage],
    max_tokens: Option<u64>,
) -> (String, &'static str) {
    let text = reply_text(messages);
    match max_tokens {
        Some(limit) if count_tokens(&text) > limit => {
            let kept: Vec<&str> = text.split_whitespace().take(limit as usize).collect();
            (kept.join(" "), "length")
        }
        _ => (text, "stop"),
    }
}

/// Prompt tokens of a conversation: the words of every message.
pub(crate) fn prompt_tokens(messages: &[ChatMessage]) -> u64 {
    messages.iter().map(|m| count_tokens(&m.content)).sum()
}

/// The reply cut into word pieces whose concatenation is exactly the reply.
pub(crate) fn word_pieces(text: &str) -> Vec<&str> {
    text.split_inclusive(' ').collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn reply_echoes_the_last_user_message() {
        let mut errors = FieldErrors::default();
        let body = obj(json!({"messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "second one"}
        ]}));
        let messages = parse_messages(&body, &mut errors);
        assert!(errors.is_empty());
        assert_eq!(reply_text(&messages), "You said: second one");
        assert_eq!(prompt_tokens(&messages), 4);
    }

    #[test]
    fn max_tokens_truncates_with_length_reason() {
        let messages = [ChatMessage {
            role: "user".into(),
            content: "a b c".into(),
        }];
        assert_eq!(
            complete(&messages, Some(3)),
            ("You said: a".to_owned(), "length")
        );
        assert_eq!(
            complete(&messages, None),
            ("You said: a b c".to_owned(), "stop")
        );
    }

    #[test]
    fn pieces_rebuild_the_text() {
        let text = "You said:  spaced  words";
        assert_eq!(word_pieces(text).concat(), text);
        assert_eq!(word_pieces("You said: hi"), ["You ", "said: ", "hi"]);
    }

    #[test]
    fn missing_fields_are_reported_by_path() {
        let mut errors = FieldErrors::default();
        parse_messages(&obj(json!({"messages": [{"role": "user"}]})), &mut errors);
        assert_eq!(
            errors.into_value(),
            json!({"messages.0.content": ["The messages.0.content field is required."]})
        );
    }
}
