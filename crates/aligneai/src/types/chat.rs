//! Chat completion requests, responses and streamed chunks.

use std::collections::BTreeMap;
use std::fmt;

use crate::{Error, Result};

/// Who wrote a [`ChatMessage`]. Unknown roles from the server are kept in
/// [`Role::Other`] instead of failing.
///
/// ```
/// use aligneai::Role;
/// assert_eq!(Role::from("assistant"), Role::Assistant);
/// assert_eq!(Role::from("critic").as_str(), "critic");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// Instructions for the model.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// A role this SDK does not know, kept as sent.
    Other(String),
}

impl Role {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::Other(role) => role,
        }
    }
}

impl From<&str> for Role {
    fn from(role: &str) -> Self {
        match role {
            "system" => Self::System,
            "user" => Self::User,
            "assistant" => Self::Assistant,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl From<String> for Role {
    fn from(role: String) -> Self {
        match role.as_str() {
            "system" | "user" | "assistant" => Self::from(role.as_str()),
            _ => Self::Other(role),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message of a conversation.
///
/// ```
/// use aligneai::{ChatMessage, Role};
///
/// let m = ChatMessage::user("Hello!");
/// assert_eq!(m.role, Role::User);
/// assert_eq!(m.content, "Hello!");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A message with any role.
    pub fn new(role: impl Into<Role>, content: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            content: content.into(),
        }
    }

    /// A `system` message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }

    /// A `user` message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }

    /// An `assistant` message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// Why the model stopped. Unknown values are kept in [`FinishReason::Other`].
///
/// ```
/// use aligneai::FinishReason;
/// assert_eq!(FinishReason::from("length"), FinishReason::Length);
/// assert_eq!(FinishReason::from("eos").as_str(), "eos");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FinishReason {
    /// A natural end or a stop sequence.
    Stop,
    /// The token limit was reached.
    Length,
    /// Content was filtered.
    ContentFilter,
    /// The model called tools.
    ToolCalls,
    /// A value this SDK does not know, kept as sent.
    Other(String),
}

impl FinishReason {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Stop => "stop",
            Self::Length => "length",
            Self::ContentFilter => "content_filter",
            Self::ToolCalls => "tool_calls",
            Self::Other(reason) => reason,
        }
    }
}

impl From<&str> for FinishReason {
    fn from(reason: &str) -> Self {
        match reason {
            "stop" => Self::Stop,
            "length" => Self::Length,
            "content_filter" => Self::ContentFilter,
            "tool_calls" => Self::ToolCalls,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to `POST {base}/chat/completions`: the model and messages (required) and
/// optional sampling settings, left out of the body when unset. Setters never fail;
/// invalid values (a blank model, no messages) are reported by `create` as
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
///
/// Only `model`, `messages` and `stream` are known from the sister SDK; the other fields
/// are the usual OpenAI-style names and are **unverified** for AligneAI.
///
/// ```
/// use aligneai::{ChatCompletionRequest, ChatMessage};
///
/// let request = ChatCompletionRequest::new(
///     "llama-3.1-8b-instruct",
///     vec![ChatMessage::system("Be brief."), ChatMessage::user("Hi!")],
/// )
/// .temperature(0.2)
/// .max_tokens(64)
/// .extra("seed", 7);
/// assert_eq!(request.messages().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChatCompletionRequest {
    pub(crate) model: String,
    pub(crate) messages: Vec<ChatMessage>,
    pub(crate) temperature: Option<f32>,
    pub(crate) top_p: Option<f32>,
    pub(crate) max_tokens: Option<u32>,
    pub(crate) extra: serde_json::Map<String, serde_json::Value>,
}

impl ChatCompletionRequest {
    /// A request for `model` continuing `messages`.
    pub fn new(model: impl Into<String>, messages: impl IntoIterator<Item = ChatMessage>) -> Self {
        Self {
            model: model.into(),
            messages: messages.into_iter().collect(),
            temperature: None,
            top_p: None,
            max_tokens: None,
            extra: serde_json::Map::new(),
        }
    }

    /// Sets the sampling temperature.
    #[must_use]
    pub fn temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Sets nucleus sampling.
    #[must_use]
    pub fn top_p(mut self, top_p: f32) -> Self {
        self.top_p = Some(top_p);
        self
    }

    /// Sets the largest number of tokens to generate.
    #[must_use]
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Adds a top-level body field this SDK does not model (for unverified API options).
    /// A field named like a modelled one (`model`, `messages`, `stream`, ...) is ignored.
    #[must_use]
    pub fn extra(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// Adds a message at the end.
    #[must_use]
    pub fn message(mut self, message: ChatMessage) -> Self {
        self.messages.push(message);
        self
    }

    /// The model.
    pub fn get_model(&self) -> &str {
        &self.model
    }

    /// The messages.
    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    /// Checks what the API would reject, before anything is sent.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.model.trim().is_empty() {
            return Err(Error::invalid_request("model must not be empty"));
        }
        if self.messages.is_empty() {
            return Err(Error::invalid_request(
                "messages must contain at least one message",
            ));
        }
        Ok(())
    }
}

/// Token counts of a chat call, when the server reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens in the prompt.
    pub prompt_tokens: Option<u64>,
    /// Tokens generated.
    pub completion_tokens: Option<u64>,
    /// Both together.
    pub total_tokens: Option<u64>,
}

impl Usage {
    pub(crate) fn new(prompt: Option<u64>, completion: Option<u64>, total: Option<u64>) -> Self {
        Self {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: total,
        }
    }
}

/// One answer of a [`ChatCompletion`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChatChoice {
    /// The position of this choice.
    pub index: u32,
    /// The generated message.
    pub message: ChatMessage,
    /// Why generation stopped, when reported.
    pub finish_reason: Option<FinishReason>,
}

/// A complete chat answer. Nothing is assumed about `id` (may be empty), `model` (may
/// differ from the requested one) or `usage` (may be absent).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChatCompletion {
    /// The server's id for this completion (empty when it sent none).
    pub id: String,
    /// The `object` field, when sent.
    pub object: Option<String>,
    /// Creation time (Unix seconds), when sent.
    pub created: Option<u64>,
    /// The model that answered, when reported.
    pub model: Option<String>,
    /// The answers (usually one).
    pub choices: Vec<ChatChoice>,
    /// Token counts, when reported.
    pub usage: Option<Usage>,
}

impl ChatCompletion {
    /// The text of the first choice.
    pub fn text(&self) -> Option<&str> {
        self.choices.first().map(|c| c.message.content.as_str())
    }
}

/// The new part of a message in a [`ChunkChoice`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChatDelta {
    /// The role, usually only in the first chunk.
    pub role: Option<Role>,
    /// The new text, when there is any.
    pub content: Option<String>,
}

/// One choice of a [`ChatCompletionChunk`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkChoice {
    /// The position of the choice this chunk extends.
    pub index: u32,
    /// What is new (read from `delta`, or from `message` when a server sends that).
    pub delta: ChatDelta,
    /// Why generation stopped, on the last chunk of the choice.
    pub finish_reason: Option<FinishReason>,
}

/// One streamed piece of a chat answer. Chunks carrying only a `finish_reason` or only
/// `usage` are delivered too.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChatCompletionChunk {
    /// The server's id for the completion (empty when it sent none).
    pub id: String,
    /// The `object` field, when sent.
    pub object: Option<String>,
    /// Creation time (Unix seconds), when sent.
    pub created: Option<u64>,
    /// The model that answers, when reported.
    pub model: Option<String>,
    /// The choices this chunk extends.
    pub choices: Vec<ChunkChoice>,
    /// Token counts, when reported (usually only on the last chunk, if at all).
    pub usage: Option<Usage>,
}

impl ChatCompletionChunk {
    /// The new text of the first choice, when there is any.
    pub fn text(&self) -> Option<&str> {
        self.choices.first()?.delta.content.as_deref()
    }

    /// A chunk holding raw text (for servers that stream `text/plain`).
    pub(crate) fn from_text(text: String) -> Self {
        Self {
            id: String::new(),
            object: None,
            created: None,
            model: None,
            choices: vec![ChunkChoice {
                index: 0,
                delta: ChatDelta {
                    role: Some(Role::Assistant),
                    content: Some(text),
                },
                finish_reason: None,
            }],
            usage: None,
        }
    }

    /// The one chunk standing for a whole completion (when a server answers a streaming
    /// request with one JSON body).
    pub(crate) fn from_completion(completion: ChatCompletion) -> Self {
        Self {
            id: completion.id,
            object: completion.object,
            created: completion.created,
            model: completion.model,
            choices: completion
                .choices
                .into_iter()
                .map(|c| ChunkChoice {
                    index: c.index,
                    delta: ChatDelta {
                        role: Some(c.message.role),
                        content: Some(c.message.content),
                    },
                    finish_reason: c.finish_reason,
                })
                .collect(),
            usage: completion.usage,
        }
    }
}

/// Joins streamed chunks into one [`ChatCompletion`].
#[derive(Debug, Default)]
pub(crate) struct ChunkAccumulator {
    id: String,
    object: Option<String>,
    created: Option<u64>,
    model: Option<String>,
    choices: BTreeMap<u32, (Option<Role>, String, Option<FinishReason>)>,
    usage: Option<Usage>,
}

impl ChunkAccumulator {
    pub(crate) fn push(&mut self, chunk: ChatCompletionChunk) {
        if self.id.is_empty() {
            self.id = chunk.id;
        }
        self.object = self.object.take().or(chunk.object);
        self.created = self.created.or(chunk.created);
        self.model = self.model.take().or(chunk.model);
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
        for choice in chunk.choices {
            let entry = self.choices.entry(choice.index).or_default();
            if let Some(role) = choice.delta.role {
                entry.0.get_or_insert(role);
            }
            if let Some(content) = choice.delta.content {
                entry.1.push_str(&content);
            }
            if choice.finish_reason.is_some() {
                entry.2 = choice.finish_reason;
            }
        }
    }

    pub(crate) fn finish(self) -> ChatCompletion {
        ChatCompletion {
            id: self.id,
            object: self.object,
            created: self.created,
            model: self.model,
            choices: self
                .choices
                .into_iter()
                .map(|(index, (role, content, finish_reason))| ChatChoice {
                    index,
                    message: ChatMessage::new(role.unwrap_or(Role::Assistant), content),
                    finish_reason,
                })
                .collect(),
            usage: self.usage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(
        index: u32,
        role: Option<Role>,
        text: Option<&str>,
        finish: Option<&str>,
    ) -> ChatCompletionChunk {
        ChatCompletionChunk {
            id: "c1".into(),
            object: None,
            created: Some(1),
            model: Some("m".into()),
            choices: vec![ChunkChoice {
                index,
                delta: ChatDelta {
                    role,
                    content: text.map(str::to_owned),
                },
                finish_reason: finish.map(FinishReason::from),
            }],
            usage: None,
        }
    }

    #[test]
    fn accumulates_choices_by_index() {
        let mut acc = ChunkAccumulator::default();
        acc.push(chunk(0, Some(Role::Assistant), Some("Hel"), None));
        acc.push(chunk(1, None, Some("B"), None));
        acc.push(chunk(0, None, Some("lo"), None));
        acc.push(chunk(0, None, None, Some("stop")));
        let done = acc.finish();
        assert_eq!(done.id, "c1");
        assert_eq!(done.text(), Some("Hello"));
        assert_eq!(done.choices[0].finish_reason, Some(FinishReason::Stop));
        assert_eq!(done.choices[1].message.content, "B");
        assert_eq!(done.choices[1].message.role, Role::Assistant);
    }

    #[test]
    fn unknown_values_are_kept() {
        assert_eq!(Role::from("tool".to_owned()), Role::Other("tool".into()));
        assert_eq!(FinishReason::from("eos"), FinishReason::Other("eos".into()));
    }
}
