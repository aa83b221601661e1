//! Embedding requests and responses.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// One or many texts to embed. Built from a `&str`, a `String`, or any list of them, so
/// [`EmbeddingRequest::new`] accepts all of these.
///
/// ```
/// use aligneai::EmbeddingInput;
///
/// assert_eq!(EmbeddingInput::from("one").len(), 1);
/// assert_eq!(EmbeddingInput::from(vec!["a", "b"]).len(), 2);
/// assert_eq!(EmbeddingInput::from(["a", "b", "c"]).len(), 3);
/// let many: EmbeddingInput = (0..4).map(|i| format!("text {i}")).collect();
/// assert_eq!(many.as_slice()[3], "text 3");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmbeddingInput(Vec<String>);

impl EmbeddingInput {
    /// The texts, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The number of texts.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no texts.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The texts as a `Vec`.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

impl From<&str> for EmbeddingInput {
    fn from(text: &str) -> Self {
        Self(vec![text.to_owned()])
    }
}

impl From<String> for EmbeddingInput {
    fn from(text: String) -> Self {
        Self(vec![text])
    }
}

impl From<&String> for EmbeddingInput {
    fn from(text: &String) -> Self {
        Self(vec![text.clone()])
    }
}

impl From<Vec<String>> for EmbeddingInput {
    fn from(texts: Vec<String>) -> Self {
        Self(texts)
    }
}

impl From<Vec<&str>> for EmbeddingInput {
    fn from(texts: Vec<&str>) -> Self {
        texts.into_iter().collect()
    }
}

impl From<&[String]> for EmbeddingInput {
    fn from(texts: &[String]) -> Self {
        Self(texts.to_vec())
    }
}

impl From<&[&str]> for EmbeddingInput {
    fn from(texts: &[&str]) -> Self {
        texts.iter().copied().collect()
    }
}

impl<const N: usize> From<[&str; N]> for EmbeddingInput {
    fn from(texts: [&str; N]) -> Self {
        texts.into_iter().collect()
    }
}

impl<const N: usize> From<[String; N]> for EmbeddingInput {
    fn from(texts: [String; N]) -> Self {
        Self(texts.into())
    }
}

impl<S: Into<String>> FromIterator<S> for EmbeddingInput {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Self(iter.into_iter().map(Into::into).collect())
    }
}

/// How the server should encode each vector. Either way, the SDK returns `Vec<f32>`.
///
/// # Which to choose
///
/// **[`Base64`](Self::Base64) when your deployment supports it**: it is smaller, cheaper
/// to decode and exact. Measured with 1536-dimension vectors (`llm-bench`, see
/// `BENCHMARKS.md`, "Embeddings: JSON floats vs base64"):
///
/// - **bytes**: a base64 body is 0.43x a float body whose numbers have 9 decimals
///   (about 12 characters a value), and about 0.26x one printed the way Python prints a
///   float32 widened to a double (about 21 characters a value); base64 is 5.33 characters
///   a value, whatever the values.
/// - **client CPU**: decoding JSON numbers is most of a float response's cost; a base64
///   response of 8 or 64 vectors costs this client about 0.2-0.35x the CPU of the same
///   vectors as floats (1 vector: about 0.6-0.7x, the request's fixed cost weighs more).
/// - **precision**: base64 carries each `f32` bit for bit. JSON floats come back exact only
///   if the server prints enough digits (shortest round-trip or 9 significant digits);
///   fixed decimals or fewer digits lose precision (9 decimals: 0.5 % of values differ, by
///   up to 200 ulp for small values; 7 significant digits: most values differ).
///
/// **[`Float`](Self::Float)** when you do not know that the server accepts base64, or want
/// bodies a person can read in logs and traces. It stays the default
/// ([`DEFAULT_ENCODING_FORMAT`](crate::DEFAULT_ENCODING_FORMAT)): it is the sister SDK's
/// default, and AligneAI does not document base64 support.
///
/// ```
/// use aligneai::{EmbeddingRequest, EncodingFormat};
/// assert_eq!(EncodingFormat::Base64.as_str(), "base64");
/// // Ask for base64; the response still holds `Vec<f32>`.
/// let request = EmbeddingRequest::new("text").encoding_format(EncodingFormat::Base64);
/// assert_eq!(request.get_encoding_format(), Some(EncodingFormat::Base64));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum EncodingFormat {
    /// JSON arrays of numbers.
    Float,
    /// Base64 of the little-endian `f32` bytes: smaller responses, cheaper to decode, exact.
    Base64,
}

impl EncodingFormat {
    /// The wire value (`"float"` or `"base64"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Float => "float",
            Self::Base64 => "base64",
        }
    }
}

impl fmt::Display for EncodingFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to `POST {base}/embeddings`: the texts (required) and optional model,
/// dimensions and encoding (the client sends its defaults for those left unset, see
/// [`AligneAIBuilder::embedding_defaults`](crate::AligneAIBuilder::embedding_defaults)).
/// Setters never fail; invalid values (no texts, an empty text, zero dimensions) are
/// reported by `create` as [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
///
/// ```
/// use aligneai::{EmbeddingRequest, EncodingFormat};
///
/// let request = EmbeddingRequest::new(["first text", "second text"])
///     .model("nomic-embed-v1.5")
///     .dimensions(256)
///     .encoding_format(EncodingFormat::Base64);
/// assert_eq!(request.inputs().len(), 2);
/// assert_eq!(request.get_dimensions(), Some(256));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingRequest {
    inputs: EmbeddingInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dimensions: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encoding_format: Option<EncodingFormat>,
}

impl EmbeddingRequest {
    /// A request embedding `inputs` (one text or many).
    pub fn new(inputs: impl Into<EmbeddingInput>) -> Self {
        Self {
            inputs: inputs.into(),
            model: None,
            dimensions: None,
            encoding_format: None,
        }
    }

    /// Sets the model. When unset, the client sends
    /// [`DEFAULT_EMBEDDING_MODEL`](crate::DEFAULT_EMBEDDING_MODEL), or leaves the field
    /// out if built with
    /// [`embedding_defaults(false)`](crate::AligneAIBuilder::embedding_defaults).
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the number of dimensions of each vector (the sister SDK documents 64, 128,
    /// 256, 512 and 768). When unset, the client sends
    /// [`DEFAULT_EMBEDDING_DIMENSIONS`](crate::DEFAULT_EMBEDDING_DIMENSIONS), or leaves
    /// the field out if built with
    /// [`embedding_defaults(false)`](crate::AligneAIBuilder::embedding_defaults).
    #[must_use]
    pub fn dimensions(mut self, dimensions: u32) -> Self {
        self.dimensions = Some(dimensions);
        self
    }

    /// Sets the wire encoding of the vectors. When unset, the client sends
    /// [`DEFAULT_ENCODING_FORMAT`](crate::DEFAULT_ENCODING_FORMAT), or leaves the field
    /// out if built with
    /// [`embedding_defaults(false)`](crate::AligneAIBuilder::embedding_defaults).
    #[must_use]
    pub fn encoding_format(mut self, format: EncodingFormat) -> Self {
        self.encoding_format = Some(format);
        self
    }

    /// The texts to embed.
    pub fn inputs(&self) -> &EmbeddingInput {
        &self.inputs
    }

    /// The model, when set.
    pub fn get_model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// The dimensions, when set.
    pub fn get_dimensions(&self) -> Option<u32> {
        self.dimensions
    }

    /// The encoding format, when set.
    pub fn get_encoding_format(&self) -> Option<EncodingFormat> {
        self.encoding_format
    }

    /// Checks what the API would reject, before anything is sent.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.inputs.is_empty() {
            return Err(Error::invalid_request(
                "inputs must contain at least one text",
            ));
        }
        if let Some(index) = self.inputs.as_slice().iter().position(String::is_empty) {
            return Err(Error::invalid_request(format!(
                "inputs[{index}] is an empty string, which the API rejects"
            )));
        }
        if self.model.as_deref().is_some_and(|m| m.trim().is_empty()) {
            return Err(Error::invalid_request("model must not be blank when set"));
        }
        if self.dimensions == Some(0) {
            return Err(Error::invalid_request("dimensions must be at least 1"));
        }
        Ok(())
    }
}

/// One vector of an [`EmbeddingResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Embedding {
    /// The position of the input text this vector belongs to.
    pub index: usize,
    /// The vector (decoded from base64 when the server sent base64).
    pub embedding: Vec<f32>,
}

/// Token counts of an embeddings call, when the server reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbeddingUsage {
    /// Tokens in the inputs.
    pub prompt_tokens: Option<u64>,
    /// Tokens billed.
    pub total_tokens: Option<u64>,
}

impl EmbeddingUsage {
    /// Adds the counts of `other` (a count known on either side is kept).
    pub(crate) fn add(self, other: Self) -> Self {
        fn sum(a: Option<u64>, b: Option<u64>) -> Option<u64> {
            match (a, b) {
                (Some(a), Some(b)) => Some(a.saturating_add(b)),
                (a, b) => a.or(b),
            }
        }
        Self {
            prompt_tokens: sum(self.prompt_tokens, other.prompt_tokens),
            total_tokens: sum(self.total_tokens, other.total_tokens),
        }
    }
}

/// The answer to an embeddings request: one vector per input, **in input order**
/// (`data[i].index == i`), whatever order or shape the server used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmbeddingResponse {
    /// One entry per input text, in input order.
    pub data: Vec<Embedding>,
    /// The model the server reports, when it does.
    pub model: Option<String>,
    /// Token counts, when the server reports them.
    pub usage: Option<EmbeddingUsage>,
}

impl EmbeddingResponse {
    /// The number of vectors.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when there are no vectors.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The vectors, in input order.
    pub fn vectors(&self) -> impl ExactSizeIterator<Item = &[f32]> + '_ {
        self.data.iter().map(|e| e.embedding.as_slice())
    }

    /// The vectors, in input order, as owned `Vec`s.
    pub fn into_vectors(self) -> Vec<Vec<f32>> {
        self.data.into_iter().map(|e| e.embedding).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages_name_the_problem() {
        let err = EmbeddingRequest::new(Vec::<String>::new())
            .validate()
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
        let err = EmbeddingRequest::new(["a", "", "c"])
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("inputs[1]"), "{err}");
        let err = EmbeddingRequest::new("a")
            .dimensions(0)
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("dimensions"));
        assert!(EmbeddingRequest::new(" ").validate().is_ok());
    }

    #[test]
    fn usage_adds() {
        let a = EmbeddingUsage {
            prompt_tokens: Some(2),
            total_tokens: None,
        };
        let b = EmbeddingUsage {
            prompt_tokens: Some(3),
            total_tokens: Some(4),
        };
        let sum = a.add(b);
        assert_eq!(sum.prompt_tokens, Some(5));
        assert_eq!(sum.total_tokens, Some(4));
    }
}

#[cfg(test)]
mod serde_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn request_and_response_round_trip_through_json() {
        let request = EmbeddingRequest::new(["a", "b"])
            .dimensions(4)
            .encoding_format(EncodingFormat::Base64);
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"inputs": ["a", "b"], "dimensions": 4, "encoding_format": "base64"})
        );
        assert_eq!(
            serde_json::from_value::<EmbeddingRequest>(json).unwrap(),
            request
        );
        let response = EmbeddingResponse {
            data: vec![Embedding {
                index: 0,
                embedding: vec![0.5, -1.0],
            }],
            model: Some("m".into()),
            usage: Some(EmbeddingUsage {
                prompt_tokens: Some(2),
                total_tokens: None,
            }),
        };
        let text = serde_json::to_string(&response).unwrap();
        assert_eq!(
            serde_json::from_str::<EmbeddingResponse>(&text).unwrap(),
            response
        );
    }
}
