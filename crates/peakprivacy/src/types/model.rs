//! Models of `GET ai/models`, and the documented model ids.

use serde::{Deserialize, Serialize};

use super::de;

/// A model the account can use, as listed by [`Models::list`](crate::Models::list).
/// `max_tokens` is a PeakPrivacy extension of the OpenAI model object.
///
/// ```
/// let model: peakprivacy::Model = serde_json::from_str(
///     r#"{"id":"mistral-swiss","object":"model","created":0,"owned_by":"peakprivacy","max_tokens":32000}"#,
/// )?;
/// assert_eq!(model.id, "mistral-swiss");
/// assert_eq!(model.max_tokens, Some(32000));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Model {
    /// The id to put in [`ChatCompletionRequest::model`](crate::ChatCompletionRequest).
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub id: String,
    /// Creation time in Unix seconds, when sent.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub created: Option<u64>,
    /// The largest context (or answer) size in tokens, when sent.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub max_tokens: Option<u64>,
    /// The object type, usually `"model"`.
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub object: String,
    /// The owner or vendor of the model.
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub owned_by: String,
}

/// The `ai/models` body: `{"data": [...]}` (documented by the official client) or a bare
/// array (tolerated).
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum WireModelList {
    Object {
        #[serde(default)]
        data: Vec<Model>,
    },
    Array(Vec<Model>),
}

impl WireModelList {
    pub(crate) fn into_models(self) -> Vec<Model> {
        match self {
            Self::Object { data } | Self::Array(data) => data,
        }
    }
}

/// Model ids listed in the PeakPrivacy API docs. The list is out of date and the API
/// accepts any string: call [`Models::list`](crate::Models::list) for the current ids.
///
/// ```
/// use peakprivacy::{model_ids, ChatCompletionRequest, Message};
/// let request = ChatCompletionRequest::new(model_ids::MISTRAL_SWISS, [Message::user("Hi")]);
/// assert_eq!(request.model, "mistral-swiss");
/// ```
pub mod model_ids {
    /// `gpt-4-1106-preview`.
    pub const GPT_4_1106_PREVIEW: &str = "gpt-4-1106-preview";
    /// `gpt-4`.
    pub const GPT_4: &str = "gpt-4";
    /// `gpt-3.5-turbo-1106`.
    pub const GPT_3_5_TURBO_1106: &str = "gpt-3.5-turbo-1106";
    /// `mistral-tiny`.
    pub const MISTRAL_TINY: &str = "mistral-tiny";
    /// `mistral-small`.
    pub const MISTRAL_SMALL: &str = "mistral-small";
    /// `mistral-medium`.
    pub const MISTRAL_MEDIUM: &str = "mistral-medium";
    /// `mistral-swiss` (hosted in Switzerland).
    pub const MISTRAL_SWISS: &str = "mistral-swiss";
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn list_shapes() {
        let a: WireModelList =
            serde_json::from_str(r#"{"object":"list","data":[{"id":"a"}]}"#).unwrap();
        let b: WireModelList = serde_json::from_str(r#"[{"id":"a","max_tokens":"8192"}]"#).unwrap();
        assert_eq!(a.into_models()[0].id, "a");
        assert_eq!(b.into_models()[0].max_tokens, Some(8192));
    }
}
