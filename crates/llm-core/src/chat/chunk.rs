//! One piece of a streamed chat completion.

use serde::{Deserialize, Serialize};

use super::{ChatCompletion, FinishReason, Role, Usage};
use crate::de;

/// One chunk of a streamed answer, as yielded by
/// [`ChatCompletionStream`](super::ChatCompletionStream). The new text is in
/// `choices[0].delta.content` (or [`content`](Self::content)).
///
/// Neither provider documents its stream format: PeakPrivacy's official client reads the
/// piece from `choices[0].message`, OpenAI-style servers send `choices[0].delta`, and
/// completion-style servers a plain `choices[0].text`. All are accepted (`delta` wins over
/// `message`, which wins over `text`) and surface as [`ChunkChoice::delta`].
///
/// ```
/// use llm_core::chat::ChatCompletionChunk;
///
/// let wire = r#"{"id":"x","object":"chat.completion","created":1,"model":"mistral-swiss",
///   "choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":"Hel"}}]}"#;
/// let chunk: ChatCompletionChunk = serde_json::from_str(wire)?;
/// assert_eq!(chunk.choices[0].delta.content.as_deref(), Some("Hel"));
/// assert_eq!(chunk.content(), "Hel");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatCompletionChunk {
    /// The completion id, the same on every chunk of one answer.
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub id: String,
    /// The object type (`"chat.completion.chunk"` or `"chat.completion"`; not fixed).
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub object: String,
    /// Creation time in Unix seconds, when the server sent it.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub created: Option<u64>,
    /// The model that answers.
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub model: String,
    /// The pieces, one per choice (usually one).
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// Token counts, when the server sends them (usually only on the last chunk, if at all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl ChatCompletionChunk {
    /// The new text of the first choice, or `""` (e.g. on a final chunk that carries only a
    /// finish reason).
    ///
    /// ```
    /// assert_eq!(llm_core::chat::ChatCompletionChunk::default().content(), "");
    /// ```
    pub fn content(&self) -> &str {
        self.choices
            .first()
            .and_then(|choice| choice.delta.content.as_deref())
            .unwrap_or("")
    }

    /// The finish reason of the first choice, when this chunk carries one.
    ///
    /// ```
    /// use llm_core::chat::{ChatCompletionChunk, FinishReason};
    /// let chunk: ChatCompletionChunk =
    ///     serde_json::from_str(r#"{"choices":[{"index":0,"finish_reason":"stop","delta":{}}]}"#)?;
    /// assert_eq!(chunk.finish_reason(), Some(&FinishReason::Stop));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.choices.first()?.finish_reason.as_ref()
    }
}

impl ChatCompletionChunk {
    /// Parses one chunk's JSON text, with the same result as `serde_json::from_str`: the
    /// usual chunk shape is read by a hand-written one-pass reader (about 1.7x fewer
    /// instructions than serde's typed parse of a 270-byte chunk, see BENCHMARKS.md);
    /// anything else, and every error, goes through serde. The streams use it for every
    /// event.
    ///
    /// # Errors
    /// serde_json's error when the text is not a chunk.
    ///
    /// ```
    /// use llm_core::chat::ChatCompletionChunk;
    ///
    /// let wire = r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hi \u00e9"}}]}"#;
    /// let chunk = ChatCompletionChunk::from_json(wire)?;
    /// assert_eq!(chunk.content(), "Hi é");
    /// assert_eq!(chunk, serde_json::from_str(wire)?);
    /// assert!(ChatCompletionChunk::from_json("{\"choices\":[").is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        match super::chunk_reader::read_chunk(text) {
            Some(chunk) => Ok(chunk),
            None => serde_json::from_str(text),
        }
    }

    /// A chunk holding `text` as the assistant's content of choice 0 (for servers that
    /// stream `text/plain`).
    ///
    /// ```
    /// let chunk = llm_core::chat::ChatCompletionChunk::from_text("Hello");
    /// assert_eq!(chunk.content(), "Hello");
    /// ```
    pub fn from_text(text: impl Into<String>) -> Self {
        Self {
            choices: vec![ChunkChoice {
                index: 0,
                delta: Delta {
                    role: Some(Role::Assistant),
                    content: Some(text.into()),
                },
                finish_reason: None,
            }],
            ..Self::default()
        }
    }
}

impl From<ChatCompletion> for ChatCompletionChunk {
    /// A whole completion as one chunk (used when the server answers a stream request with
    /// plain JSON).
    fn from(completion: ChatCompletion) -> Self {
        Self {
            id: completion.id,
            object: completion.object,
            created: completion.created,
            model: completion.model,
            choices: completion
                .choices
                .into_iter()
                .map(|choice| ChunkChoice {
                    index: choice.index,
                    delta: Delta {
                        role: Some(choice.message.role),
                        content: Some(choice.message.content),
                    },
                    finish_reason: choice.finish_reason,
                })
                .collect(),
            usage: completion.usage,
        }
    }
}

/// One choice of a [`ChatCompletionChunk`].
///
/// ```
/// let choice: llm_core::chat::ChunkChoice =
///     serde_json::from_str(r#"{"index":0,"delta":{"content":"lo"}}"#)?;
/// assert_eq!(choice.delta.content.as_deref(), Some("lo"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "WireChunkChoice")]
#[non_exhaustive]
pub struct ChunkChoice {
    /// The position of this choice.
    pub index: u32,
    /// The new piece of the message (read from `delta`, or from `message` when the server
    /// sends that instead).
    pub delta: Delta,
    /// Why generation stopped; set on the last chunk of a choice.
    pub finish_reason: Option<FinishReason>,
}

/// The new part of a message in a [`ChunkChoice`].
///
/// ```
/// let delta = llm_core::chat::Delta::default();
/// assert!(delta.role.is_none() && delta.content.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Delta {
    /// The role, usually only on the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The new text, if any.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
}

/// A chunk choice as it may arrive: with `delta`, `message` or both. Decoded by
/// [`ChoiceVisitor`]: a `message` after a `delta` that has both role and content is
/// skipped unparsed (it could change nothing), which saves its allocations on every chunk
/// of a server that sends both.
#[derive(Default)]
pub(super) struct WireChunkChoice {
    pub(super) index: u32,
    pub(super) delta: Option<Delta>,
    pub(super) message: Option<Delta>,
    /// Completion-style plain text, read as content when neither `delta` nor `message`
    /// carries any.
    pub(super) text: Option<String>,
    pub(super) finish_reason: Option<FinishReason>,
}

impl<'de> Deserialize<'de> for WireChunkChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChoiceVisitor)
    }
}

/// The keys of a chunk choice; any other key is skipped.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChoiceKey {
    Index,
    Delta,
    Message,
    Text,
    FinishReason,
    #[serde(other)]
    Other,
}

/// `index` as `de::u32_or_zero` reads it.
#[derive(Deserialize)]
struct LenientIndex(#[serde(deserialize_with = "de::u32_or_zero")] u32);

/// `text` as `de::opt_string` reads it.
#[derive(Deserialize)]
struct LenientText(#[serde(deserialize_with = "de::opt_string")] Option<String>);

/// Reads a chunk choice object field by field (see [`WireChunkChoice`]).
struct ChoiceVisitor;

impl<'de> serde::de::Visitor<'de> for ChoiceVisitor {
    type Value = WireChunkChoice;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a chunk choice object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut choice = WireChunkChoice::default();
        while let Some(key) = map.next_key::<ChoiceKey>()? {
            match key {
                ChoiceKey::Index => choice.index = map.next_value::<LenientIndex>()?.0,
                ChoiceKey::Delta => choice.delta = map.next_value()?,
                ChoiceKey::Message if choice.delta.as_ref().is_some_and(Delta::is_complete) => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                ChoiceKey::Message => choice.message = map.next_value()?,
                ChoiceKey::Text => choice.text = map.next_value::<LenientText>()?.0,
                ChoiceKey::FinishReason => choice.finish_reason = map.next_value()?,
                ChoiceKey::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(choice)
    }
}

impl Delta {
    /// Both role and content set: a `message` next to it could add nothing.
    pub(super) fn is_complete(&self) -> bool {
        self.role.is_some() && self.content.is_some()
    }
}

impl WireChunkChoice {
    /// The piece this choice carries: `delta` over `message` over `text`.
    pub(super) fn into_delta(self) -> Delta {
        let delta = match (self.delta, self.message) {
            (Some(delta), Some(message)) => Delta {
                role: delta.role.or(message.role),
                content: delta.content.or(message.content),
            },
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => Delta::default(),
        };
        match (delta.content, self.text) {
            (None, Some(text)) => Delta {
                role: delta.role,
                content: Some(text),
            },
            (content, _) => Delta {
                role: delta.role,
                content,
            },
        }
    }
}

impl From<WireChunkChoice> for ChunkChoice {
    fn from(mut wire: WireChunkChoice) -> Self {
        let (index, finish_reason) = (wire.index, wire.finish_reason.take());
        Self {
            index,
            delta: wire.into_delta(),
            finish_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn choice(json: &str) -> ChunkChoice {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_message_after_a_complete_delta_is_skipped_unparsed() {
        // Skipped: even a `message` that is not a delta at all does not fail the chunk.
        let skipped = choice(r#"{"delta":{"role":"assistant","content":"x"},"message":5}"#);
        assert_eq!(skipped.delta.content.as_deref(), Some("x"));
        // Still read when the delta lacks the role: the message supplies it.
        let merged =
            choice(r#"{"delta":{"content":"x"},"message":{"role":"system","content":"y"}}"#);
        assert_eq!(merged.delta.role, Some(Role::System));
        assert_eq!(merged.delta.content.as_deref(), Some("x"));
        // A message first is parsed; the delta still wins.
        let first = choice(
            r#"{"message":{"role":"user","content":"y"},"delta":{"role":"assistant","content":"x"}}"#,
        );
        assert_eq!(
            (first.delta.role, first.delta.content.as_deref()),
            (Some(Role::Assistant), Some("x"))
        );
        // Lenient index and text, unknown keys ignored, a non-object refused.
        let lenient = choice(r#"{"index":"2","text":7,"logprobs":{"a":[1]}}"#);
        assert_eq!(
            (lenient.index, lenient.delta.content.as_deref()),
            (2, Some("7"))
        );
        assert!(serde_json::from_str::<ChunkChoice>("[0]").is_err());
    }

    #[test]
    fn message_delta_or_both() {
        assert_eq!(
            choice(r#"{"message":{"content":"a"}}"#)
                .delta
                .content
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            choice(r#"{"delta":{"content":"b"}}"#)
                .delta
                .content
                .as_deref(),
            Some("b")
        );
        let both = choice(
            r#"{"delta":{"content":"new"},"message":{"role":"assistant","content":"whole"}}"#,
        );
        assert_eq!(both.delta.content.as_deref(), Some("new"));
        assert_eq!(both.delta.role, Some(Role::Assistant));
        let neither = choice(r#"{"index":"2","finish_reason":"stop"}"#);
        assert_eq!(neither.index, 2);
        assert_eq!(neither.delta, Delta::default());
        assert_eq!(neither.finish_reason, Some(FinishReason::Stop));
        // null content is "no content"
        assert_eq!(
            choice(r#"{"message":{"content":null}}"#).delta.content,
            None
        );
    }

    #[test]
    fn serialises_as_delta() {
        let json = serde_json::to_string(&choice(r#"{"message":{"content":"a"}}"#)).unwrap();
        assert_eq!(
            json,
            r#"{"index":0,"delta":{"content":"a"},"finish_reason":null}"#
        );
    }
}
