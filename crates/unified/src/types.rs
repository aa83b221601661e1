//! Provider-neutral request and response types. Messages, roles and finish reasons are
//! the shared vocabulary of every provider crate (`llm_core::chat`, re-exported here), so
//! converting to and from a provider's types loses nothing.

use serde::{Deserialize, Serialize};

pub use llm_core::chat::{ChatCompletion, FinishReason, Message, Role};

/// PeakPrivacy-only options, applied when the model is a PeakPrivacy model and ignored by
/// the others.
///
/// ```
/// use unified::{ChatRequest, PeakPrivacyOptions};
/// let req = ChatRequest::user("Hi").peakprivacy(PeakPrivacyOptions::new().anonymize(false));
/// assert_eq!(req.provider_options.peakprivacy.unwrap().anonymize, Some(false));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PeakPrivacyOptions {
    /// Anonymise the prompt and de-anonymise the answer (server default: true; it turns
    /// streaming off).
    pub anonymize: Option<bool>,
    /// Inject PeakPrivacy's safety prompt.
    pub safe_prompt: Option<bool>,
}

impl PeakPrivacyOptions {
    /// No options set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `anonymize`.
    #[must_use]
    pub fn anonymize(mut self, on: bool) -> Self {
        self.anonymize = Some(on);
        self
    }

    /// Sets `safe_prompt`.
    #[must_use]
    pub fn safe_prompt(mut self, on: bool) -> Self {
        self.safe_prompt = Some(on);
        self
    }
}

/// Typed provider-specific options: each provider reads its own field and ignores the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProviderOptions {
    /// Options for PeakPrivacy models.
    pub peakprivacy: Option<PeakPrivacyOptions>,
}

/// A chat request any [`ChatModel`](crate::ChatModel) understands.
///
/// ```
/// use unified::{Message, ChatRequest};
/// let req = ChatRequest::new(vec![Message::system("Be brief."), Message::user("Hi")])
///     .temperature(0.2)
///     .max_tokens(64);
/// assert_eq!(req.messages.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatRequest {
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// A model id overriding the model's default, when set.
    pub model: Option<String>,
    /// Sampling temperature (range checked by the provider before sending).
    pub temperature: Option<f64>,
    /// Nucleus sampling, `0..=1`.
    pub top_p: Option<f64>,
    /// Longest answer, in tokens.
    pub max_tokens: Option<u32>,
    /// Seed for reproducible sampling, where supported.
    pub seed: Option<u64>,
    /// Provider-specific options.
    pub provider_options: ProviderOptions,
}

impl ChatRequest {
    /// A request with these messages.
    pub fn new(messages: Vec<Message>) -> Self {
        Self {
            messages,
            ..Self::default()
        }
    }

    /// A request with one user message.
    ///
    /// ```
    /// let req = unified::ChatRequest::user("Hi");
    /// assert_eq!(req.messages, [unified::Message::user("Hi")]);
    /// ```
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(vec![Message::user(content)])
    }

    /// Puts a system message (instructions) first.
    ///
    /// ```
    /// use unified::{ChatRequest, Role};
    /// let req = ChatRequest::user("Hi").system("Be brief.");
    /// assert_eq!(req.messages[0].role, Role::System);
    /// assert_eq!(req.messages.len(), 2);
    /// ```
    #[must_use]
    pub fn system(mut self, content: impl Into<String>) -> Self {
        self.messages.insert(0, Message::system(content));
        self
    }

    /// Appends a message (e.g. the model's last answer, then the next question).
    ///
    /// ```
    /// use unified::{ChatRequest, Message};
    /// let req = ChatRequest::user("Hi").message(Message::assistant("Hello!")).message(Message::user("Again"));
    /// assert_eq!(req.messages.len(), 3);
    /// ```
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Overrides the model id.
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the temperature.
    #[must_use]
    pub fn temperature(mut self, t: f64) -> Self {
        self.temperature = Some(t);
        self
    }

    /// Sets `top_p`.
    #[must_use]
    pub fn top_p(mut self, p: f64) -> Self {
        self.top_p = Some(p);
        self
    }

    /// Sets the maximum number of answer tokens.
    #[must_use]
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.max_tokens = Some(n);
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets PeakPrivacy-specific options.
    #[must_use]
    pub fn peakprivacy(mut self, options: PeakPrivacyOptions) -> Self {
        self.provider_options.peakprivacy = Some(options);
        self
    }
}

/// Token counts, when the provider reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens in the prompt.
    pub prompt_tokens: u64,
    /// Tokens in the answer.
    pub completion_tokens: u64,
    /// Both.
    pub total_tokens: u64,
}

impl Usage {
    /// Usage from its three counts.
    ///
    /// ```
    /// let u = unified::Usage::new(3, 4, 7);
    /// assert_eq!(u.total_tokens, 7);
    /// ```
    pub fn new(prompt_tokens: u64, completion_tokens: u64, total_tokens: u64) -> Self {
        Self {
            prompt_tokens,
            completion_tokens,
            total_tokens,
        }
    }
}

/// The provider's own response, for what the neutral types do not carry (every provider
/// answers with the same [`ChatCompletion`] type; [`ChatResponse::provider`] says which).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RawResponse {
    /// The provider's completion.
    Completion(Box<ChatCompletion>),
    /// No provider response (mock models, assembled streams).
    None,
}

/// A complete chat answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatResponse {
    /// The answer text.
    pub text: String,
    /// Why the model stopped, when known.
    pub finish_reason: Option<FinishReason>,
    /// Token counts, when reported.
    pub usage: Option<Usage>,
    /// The provider's name (`"peakprivacy"`, `"aligneai"`, `"mock"`).
    pub provider: String,
    /// The model that answered (as the server reports it).
    pub model: String,
    /// The provider's own response.
    pub raw: RawResponse,
}

/// One piece of a streamed answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatChunk {
    /// The new text (may be empty, e.g. on the final chunk).
    pub delta: String,
    /// Set on the last chunk, when the provider says why it stopped.
    pub finish_reason: Option<FinishReason>,
    /// Token counts, when the provider sends them in the stream.
    pub usage: Option<Usage>,
}

impl ChatChunk {
    /// A chunk carrying text.
    ///
    /// ```
    /// assert_eq!(unified::ChatChunk::text("Hel").delta, "Hel");
    /// ```
    pub fn text(delta: impl Into<String>) -> Self {
        Self {
            delta: delta.into(),
            ..Self::default()
        }
    }
}

/// Embedding vectors, one per input, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Embeddings {
    /// The vectors, `vectors[i]` for input `i`.
    pub vectors: Vec<Vec<f32>>,
    /// The length of each vector.
    pub dimensions: usize,
    /// The model, when reported.
    pub model: Option<String>,
    /// Token counts, when reported.
    pub usage: Option<Usage>,
}

impl Embeddings {
    /// Wraps vectors, taking the dimension from the first.
    ///
    /// ```
    /// let e = unified::Embeddings::new(vec![vec![0.0, 1.0], vec![1.0, 0.0]]);
    /// assert_eq!(e.dimensions, 2);
    /// ```
    pub fn new(vectors: Vec<Vec<f32>>) -> Self {
        let dimensions = vectors.first().map_or(0, Vec::len);
        Self {
            vectors,
            dimensions,
            model: None,
            usage: None,
        }
    }
}
