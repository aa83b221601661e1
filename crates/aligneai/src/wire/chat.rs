//! `POST /chat/completions` request body, and the completion/chunk shapes we accept.

use serde::{Deserialize, Serialize};

use crate::types::{
    ChatChoice, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatDelta, ChatMessage,
    ChunkChoice, FinishReason, Role, Usage,
};

/// Body fields the SDK writes itself; `extra` cannot override them.
const RESERVED: [&str; 6] = [
    "model",
    "messages",
    "stream",
    "temperature",
    "top_p",
    "max_tokens",
];

/// The request body: `{model, messages: [{role, content}], stream, ...}`.
#[derive(Debug, Serialize)]
pub(crate) struct RequestBody<'a> {
    model: &'a str,
    messages: Vec<MessageOut<'a>>,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct MessageOut<'a> {
    role: &'a str,
    content: &'a str,
}

impl<'a> RequestBody<'a> {
    pub(crate) fn new(request: &'a ChatCompletionRequest, stream: bool) -> Self {
        let extra = request
            .extra
            .iter()
            .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self {
            model: &request.model,
            messages: request
                .messages
                .iter()
                .map(|m| MessageOut {
                    role: m.role.as_str(),
                    content: &m.content,
                })
                .collect(),
            stream,
            temperature: request.temperature,
            top_p: request.top_p,
            max_tokens: request.max_tokens,
            extra,
        }
    }
}

/// A completion or a streamed chunk (they share one shape; choices carry `message`,
/// `delta`, or both).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireCompletion {
    #[serde(deserialize_with = "super::lenient_string")]
    id: Option<String>,
    #[serde(deserialize_with = "super::lenient_string")]
    object: Option<String>,
    #[serde(deserialize_with = "super::lenient_u64")]
    created: Option<u64>,
    #[serde(deserialize_with = "super::lenient_string")]
    model: Option<String>,
    choices: Vec<WireChoice>,
    usage: Option<WireUsage>,
    /// An error object sent inside a stream.
    pub(crate) error: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireChoice {
    index: Option<u32>,
    message: Option<WireMessage>,
    delta: Option<WireMessage>,
    /// Completion-style plain text, accepted as content.
    #[serde(deserialize_with = "super::lenient_string")]
    text: Option<String>,
    #[serde(deserialize_with = "super::lenient_string")]
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireMessage {
    #[serde(deserialize_with = "super::lenient_string")]
    role: Option<String>,
    #[serde(deserialize_with = "super::lenient_string")]
    content: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUsage {
    #[serde(deserialize_with = "super::lenient_u64")]
    prompt_tokens: Option<u64>,
    #[serde(deserialize_with = "super::lenient_u64")]
    completion_tokens: Option<u64>,
    #[serde(deserialize_with = "super::lenient_u64")]
    total_tokens: Option<u64>,
}

impl WireUsage {
    fn into_usage(self) -> Usage {
        Usage::new(
            self.prompt_tokens,
            self.completion_tokens,
            self.total_tokens,
        )
    }
}

impl WireChoice {
    /// `message` first, then `delta`, then `text`: (role, content).
    fn parts(self) -> (Option<Role>, Option<String>) {
        let message = self.message.or(self.delta).unwrap_or_default();
        let content = message.content.or(self.text);
        (message.role.map(Role::from), content)
    }
}

impl WireCompletion {
    /// The message of the error object sent in a stream, when this is one.
    pub(crate) fn stream_error(&self) -> Option<String> {
        if !self.choices.is_empty() {
            return None;
        }
        let error = self.error.as_ref()?;
        Some(match error {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(o) => o
                .get("message")
                .and_then(|m| m.as_str())
                .map_or_else(|| error.to_string(), str::to_owned),
            other => other.to_string(),
        })
    }

    pub(crate) fn into_completion(self) -> ChatCompletion {
        ChatCompletion {
            id: self.id.unwrap_or_default(),
            object: self.object,
            created: self.created,
            model: self.model,
            choices: self
                .choices
                .into_iter()
                .enumerate()
                .map(|(position, choice)| {
                    let index = choice.index.unwrap_or(position as u32);
                    let finish_reason = choice.finish_reason.as_deref().map(FinishReason::from);
                    let (role, content) = choice.parts();
                    ChatChoice {
                        index,
                        message: ChatMessage::new(
                            role.unwrap_or(Role::Assistant),
                            content.unwrap_or_default(),
                        ),
                        finish_reason,
                    }
                })
                .collect(),
            usage: self.usage.map(WireUsage::into_usage),
        }
    }

    pub(crate) fn into_chunk(self) -> ChatCompletionChunk {
        ChatCompletionChunk {
            id: self.id.unwrap_or_default(),
            object: self.object,
            created: self.created,
            model: self.model,
            choices: self
                .choices
                .into_iter()
                .enumerate()
                .map(|(position, choice)| {
                    let index = choice.index.unwrap_or(position as u32);
                    let finish_reason = choice.finish_reason.as_deref().map(FinishReason::from);
                    let (role, content) = choice.parts();
                    ChunkChoice {
                        index,
                        delta: ChatDelta { role, content },
                        finish_reason,
                    }
                })
                .collect(),
            usage: self.usage.map(WireUsage::into_usage),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_shape_and_reserved_extras() {
        let request = ChatCompletionRequest::new("m", [ChatMessage::user("hi")])
            .extra("stream", true)
            .extra("seed", 3);
        let body = serde_json::to_value(RequestBody::new(&request, false)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":false,"seed":3})
        );
    }

    #[test]
    fn chunk_with_message_instead_of_delta() {
        let wire: WireCompletion = serde_json::from_str(
            r#"{"id":7,"choices":[{"message":{"role":"assistant","content":"Hi"},"finish_reason":null}],"new":1}"#,
        )
        .unwrap();
        let chunk = wire.into_chunk();
        assert_eq!(chunk.id, "7");
        assert_eq!(chunk.text(), Some("Hi"));
        assert_eq!(chunk.choices[0].delta.role, Some(Role::Assistant));
    }

    #[test]
    fn stream_error_object() {
        let wire: WireCompletion =
            serde_json::from_str(r#"{"error":{"message":"overloaded","type":"server"}}"#).unwrap();
        assert_eq!(wire.stream_error().as_deref(), Some("overloaded"));
    }
}
