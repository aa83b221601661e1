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
///
/// ```
/// use unified::{PeakPrivacyOptions, ProviderOptions};
/// let model_level = ProviderOptions::new().peakprivacy(PeakPrivacyOptions::new().anonymize(true).safe_prompt(true));
/// let request = ProviderOptions::new().peakprivacy(PeakPrivacyOptions::new().anonymize(false));
/// let merged = request.or(&model_level).peakprivacy.unwrap();
/// assert_eq!((merged.anonymize, merged.safe_prompt), (Some(false), Some(true)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProviderOptions {
    /// Options for PeakPrivacy models.
    pub peakprivacy: Option<PeakPrivacyOptions>,
}

impl ProviderOptions {
    /// No options.
    ///
    /// ```
    /// assert!(unified::ProviderOptions::new().peakprivacy.is_none());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the PeakPrivacy options.
    ///
    /// ```
    /// let o = unified::ProviderOptions::new().peakprivacy(unified::PeakPrivacyOptions::new().safe_prompt(true));
    /// assert_eq!(o.peakprivacy.unwrap().safe_prompt, Some(true));
    /// ```
    #[must_use]
    pub fn peakprivacy(mut self, options: PeakPrivacyOptions) -> Self {
        self.peakprivacy = Some(options);
        self
    }

    /// These options, with every field left unset taken from `defaults`.
    ///
    /// ```
    /// use unified::{PeakPrivacyOptions, ProviderOptions};
    /// let defaults = ProviderOptions::new().peakprivacy(PeakPrivacyOptions::new().anonymize(true));
    /// assert_eq!(ProviderOptions::new().or(&defaults), defaults);
    /// ```
    #[must_use]
    pub fn or(self, defaults: &ProviderOptions) -> Self {
        let peakprivacy = match (self.peakprivacy, &defaults.peakprivacy) {
            (Some(mine), Some(theirs)) => Some(PeakPrivacyOptions {
                anonymize: mine.anonymize.or(theirs.anonymize),
                safe_prompt: mine.safe_prompt.or(theirs.safe_prompt),
            }),
            (mine, theirs) => mine.or_else(|| theirs.clone()),
        };
        Self { peakprivacy }
    }
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

    /// Continues a conversation: appends the model's `answer` (as an assistant message)
    /// and the next user message.
    ///
    /// ```
    /// use unified::{ChatModel, ChatRequest, MockChatModel, Role};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let model = MockChatModel::new();
    /// let first = ChatRequest::user("Hi").system("Be brief.");
    /// let answer = model.chat(first.clone()).await?;
    /// let next = first.continue_with(&answer, "And then?");
    /// let roles: Vec<Role> = next.messages.iter().map(|m| m.role.clone()).collect();
    /// assert_eq!(roles, [Role::System, Role::User, Role::Assistant, Role::User]);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn continue_with(mut self, answer: &ChatResponse, next: impl Into<String>) -> Self {
        self.messages.push(answer.to_message());
        self.messages.push(Message::user(next));
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

/// Token counts, each `None` when the provider did not report it (unknown is not zero:
/// an embedding has no completion tokens, and some servers send only a total).
///
/// Chat usage comes from the provider's `usage` object, whose counts the provider crates
/// read as 0 when a field is missing; a response without a `usage` object has
/// `ChatResponse::usage == None`.
///
/// ```
/// let u = unified::Usage::new(3, 4, 7);
/// assert_eq!((u.prompt_tokens, u.total_tokens), (Some(3), Some(7)));
/// let unknown = unified::Usage::default();
/// assert_eq!(unknown.completion_tokens, None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens in the prompt.
    pub prompt_tokens: Option<u64>,
    /// Tokens in the answer.
    pub completion_tokens: Option<u64>,
    /// Both (or what the provider bills).
    pub total_tokens: Option<u64>,
}

impl Usage {
    /// Usage from its three counts, all known.
    ///
    /// ```
    /// let u = unified::Usage::new(3, 4, 7);
    /// assert_eq!(u.completion_tokens, Some(4));
    /// ```
    pub fn new(prompt_tokens: u64, completion_tokens: u64, total_tokens: u64) -> Self {
        Self {
            prompt_tokens: Some(prompt_tokens),
            completion_tokens: Some(completion_tokens),
            total_tokens: Some(total_tokens),
        }
    }
}

/// Lossless: every count of a provider's usage is known.
///
/// ```
/// let raw: llm_core::chat::Usage = serde_json::from_str(r#"{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#)?;
/// assert_eq!(unified::Usage::from(raw), unified::Usage::new(1, 2, 3));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl From<llm_core::chat::Usage> for Usage {
    fn from(u: llm_core::chat::Usage) -> Self {
        Self::new(
            u64::from(u.prompt_tokens),
            u64::from(u.completion_tokens),
            u64::from(u.total_tokens),
        )
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
///
/// ```
/// use unified::{ChatCompletion, ChatResponse, RawResponse};
/// let completion: ChatCompletion = serde_json::from_str(
///     r#"{"id":"c1","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}"#,
/// )?;
/// let response = ChatResponse::from_completion(completion.clone(), "aligneai");
/// assert_eq!((response.text.as_str(), response.model.as_str()), ("Hi", "m"));
/// // The provider's completion is kept whole, so the way back is lossless.
/// assert_eq!(ChatCompletion::try_from(response).unwrap(), completion);
/// # Ok::<(), serde_json::Error>(())
/// ```
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
    /// The HTTP response's metadata (request id, status, headers with the credential
    /// redacted, attempts, elapsed time) for an answer of a provider model, also when
    /// collected from its stream (attempts until the headers arrived); `None` for mock
    /// answers. Through a `FallbackChat`, the metadata of the
    /// member call that answered (members make one attempt each; the fallback loop's
    /// retries are not counted in it). Not serialized.
    #[serde(skip)]
    pub meta: Option<llm_core::ResponseMeta>,
}

impl ChatResponse {
    /// The answer as an assistant message, to continue the conversation.
    ///
    /// ```
    /// use unified::{ChatModel, ChatRequest, Message, MockChatModel};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let answer = MockChatModel::new().reply("Bern").chat(ChatRequest::user("?")).await?;
    /// assert_eq!(answer.to_message(), Message::assistant("Bern"));
    /// # Ok(()) }
    /// ```
    pub fn to_message(&self) -> Message {
        Message::assistant(self.text.clone())
    }

    /// The neutral answer of a provider's completion (kept in [`raw`](Self::raw)), from
    /// `provider`.
    ///
    /// ```
    /// let completion: unified::ChatCompletion = serde_json::from_str(r#"{"choices":[]}"#)?;
    /// let response = unified::ChatResponse::from_completion(completion, "peakprivacy");
    /// assert_eq!((response.text.as_str(), response.provider.as_str()), ("", "peakprivacy"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn from_completion(completion: ChatCompletion, provider: &str) -> Self {
        Self {
            text: completion.content().to_owned(),
            finish_reason: completion
                .choices
                .first()
                .and_then(|c| c.finish_reason.clone()),
            usage: completion.usage.map(Usage::from),
            provider: provider.to_owned(),
            model: completion.model.clone(),
            raw: RawResponse::Completion(Box::new(completion)),
            meta: None,
        }
    }
}

/// Lossless (the completion is kept in [`ChatResponse::raw`]); the provider's name is
/// unknown here and left empty: use [`ChatResponse::from_completion`] to set it.
///
/// ```
/// let completion: unified::ChatCompletion = serde_json::from_str(r#"{"model":"m","choices":[]}"#)?;
/// assert_eq!(unified::ChatResponse::from(completion).model, "m");
/// # Ok::<(), serde_json::Error>(())
/// ```
impl From<ChatCompletion> for ChatResponse {
    fn from(completion: ChatCompletion) -> Self {
        Self::from_completion(completion, "")
    }
}

/// The provider's completion back, when the response holds one (answers of a provider
/// model); otherwise the response itself is returned as the error (mock answers and
/// collected streams have no provider completion to give back losslessly).
///
/// ```
/// use unified::{ChatCompletion, ChatModel, ChatRequest, MockChatModel};
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let response = MockChatModel::new().chat(ChatRequest::user("hi")).await?;
/// assert!(ChatCompletion::try_from(response).is_err());
/// # Ok(()) }
/// ```
impl TryFrom<ChatResponse> for ChatCompletion {
    type Error = ChatResponse;

    fn try_from(response: ChatResponse) -> std::result::Result<Self, ChatResponse> {
        match response.raw {
            RawResponse::Completion(completion) => Ok(*completion),
            raw @ RawResponse::None => Err(ChatResponse { raw, ..response }),
        }
    }
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
    /// The model that answers (as the server reports it), when known. The models of this
    /// crate set it on the first chunk; [`collect_stream`](crate::collect_stream) reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The provider's name, set with [`model`](Self::model) on the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The response's metadata (status, request id, headers with the credential redacted,
    /// attempts until the headers arrived, elapsed time): on the first chunk of a
    /// provider's stream, `None` on the others and for the mock. Not serialized.
    #[serde(skip)]
    pub meta: Option<llm_core::ResponseMeta>,
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

/// The first choice's text, finish reason, usage and the model a provider's chunk names
/// (what a neutral chunk carries; other choices are not kept).
///
/// ```
/// let raw = llm_core::chat::ChatCompletionChunk::from_text("Hel");
/// assert_eq!(unified::ChatChunk::from(raw).delta, "Hel");
/// ```
impl From<llm_core::chat::ChatCompletionChunk> for ChatChunk {
    fn from(chunk: llm_core::chat::ChatCompletionChunk) -> Self {
        Self {
            delta: chunk.content().to_owned(),
            finish_reason: chunk.finish_reason().cloned(),
            usage: chunk.usage.map(Usage::from),
            model: Some(chunk.model).filter(|m| !m.is_empty()),
            provider: None,
            meta: None,
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
