//! A whole chat answer: [`ChatCompletion`], its [`Choice`]s, [`FinishReason`] and [`Usage`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::chunk::WireChunkChoice;
use super::{Message, Role};
use crate::de;

/// A chat completion, as returned by a provider's `chat().completions().create(..)` or
/// collected from a stream with
/// [`collect_completion`](super::ChatCompletionStream::collect_completion).
///
/// Decoding is tolerant: unknown fields are ignored, and missing ones take defaults.
/// Do not assume `id` has a fixed format or that `model` equals the requested model.
///
/// ```
/// use llm_core::chat::{ChatCompletion, FinishReason};
///
/// let json = r#"{"id":"1df8f5af-c96d-42ba-938a-3f5c4f62e633","object":"chat.completion",
///   "created":1705942239,"model":"gpt-3.5-turbo-1106",
///   "choices":[{"finish_reason":"stop","index":0,
///     "message":{"content":"Hello! How can I assist you today?","role":"assistant"}}],
///   "usage":{"completion_tokens":9,"prompt_tokens":8,"total_tokens":17}}"#;
/// let completion: ChatCompletion = serde_json::from_str(json)?;
/// assert_eq!(completion.content(), "Hello! How can I assist you today?");
/// assert_eq!(completion.choices[0].finish_reason, Some(FinishReason::Stop));
/// assert_eq!(completion.usage.unwrap().total_tokens, 17);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatCompletion {
    /// The completion id (empty when the server sent none; a number is kept as its text).
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub id: String,
    /// The object type, e.g. `"chat.completion"`.
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub object: String,
    /// Creation time in Unix seconds, when the server sent it.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub created: Option<u64>,
    /// The model that answered (may differ from the requested one).
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub model: String,
    /// The answers (usually one).
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Token counts, when the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl ChatCompletion {
    /// The text of the first choice, or `""` when there is none.
    ///
    /// ```
    /// let completion = llm_core::chat::ChatCompletion::default();
    /// assert_eq!(completion.content(), "");
    /// ```
    pub fn content(&self) -> &str {
        self.choices
            .first()
            .map_or("", |choice| choice.message.content.as_str())
    }
}

/// One answer of a [`ChatCompletion`].
///
/// ```
/// let choice: llm_core::chat::Choice =
///     serde_json::from_str(r#"{"index":0,"message":{"role":"assistant","content":"Hi"}}"#)?;
/// assert_eq!(choice.message.content, "Hi");
/// assert_eq!(choice.finish_reason, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// The message is read from `message`, or from `delta` or a plain `text` when a server sends
/// those instead (see [`ChunkChoice`](super::ChunkChoice)).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "WireChunkChoice")]
#[non_exhaustive]
pub struct Choice {
    /// The position of this choice.
    pub index: u32,
    /// The generated message (role `assistant` when the server sent none).
    pub message: Message,
    /// Why generation stopped.
    pub finish_reason: Option<FinishReason>,
}

impl From<WireChunkChoice> for Choice {
    fn from(mut wire: WireChunkChoice) -> Self {
        let (index, finish_reason) = (wire.index, wire.finish_reason.take());
        let delta = wire.into_delta();
        Self {
            index,
            message: Message::new(
                delta.role.unwrap_or(Role::Assistant),
                delta.content.unwrap_or_default(),
            ),
            finish_reason,
        }
    }
}

/// Why the model stopped generating. Values the server adds later are kept in
/// [`FinishReason::Other`].
///
/// ```
/// use llm_core::chat::FinishReason;
///
/// assert_eq!(FinishReason::from("length"), FinishReason::Length);
/// assert_eq!(FinishReason::from("eos"), FinishReason::Other("eos".into()));
/// assert_eq!(FinishReason::Stop.as_str(), "stop");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FinishReason {
    /// A natural stop or a stop sequence.
    Stop,
    /// The `max_tokens` limit was reached.
    Length,
    /// Content was filtered.
    ContentFilter,
    /// The model called tools.
    ToolCalls,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

impl FinishReason {
    /// The reason as it appears on the wire.
    ///
    /// ```
    /// assert_eq!(llm_core::chat::FinishReason::ContentFilter.as_str(), "content_filter");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Self::Stop => "stop",
            Self::Length => "length",
            Self::ContentFilter => "content_filter",
            Self::ToolCalls => "tool_calls",
            Self::Other(other) => other,
        }
    }
}

impl From<&str> for FinishReason {
    fn from(value: &str) -> Self {
        match value {
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

impl Serialize for FinishReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FinishReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::from_str_value(d)
    }
}

/// Token counts of a request and its answer.
///
/// ```
/// let usage: llm_core::chat::Usage =
///     serde_json::from_str(r#"{"prompt_tokens":8,"completion_tokens":9,"total_tokens":17}"#)?;
/// assert_eq!(usage.prompt_tokens + usage.completion_tokens, usage.total_tokens);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens in the prompt.
    #[serde(default, deserialize_with = "de::u32_or_zero")]
    pub prompt_tokens: u32,
    /// Tokens generated.
    #[serde(default, deserialize_with = "de::u32_or_zero")]
    pub completion_tokens: u32,
    /// Both together.
    #[serde(default, deserialize_with = "de::u32_or_zero")]
    pub total_tokens: u32,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tolerant_decoding() {
        let c: ChatCompletion = serde_json::from_str(
            r#"{"id":null,"choices":[{"message":{"content":null},"finish_reason":"eos"}],"extra":1}"#,
        )
        .unwrap();
        assert_eq!(c.created, None);
        assert_eq!(c.content(), "");
        assert_eq!(
            c.choices[0].finish_reason,
            Some(FinishReason::Other("eos".into()))
        );
        assert!(c.usage.is_none());
    }
}
