//! The traits implemented over the provider clients, written once: [`ProviderChat`] is a
//! [`ChatModel`] over any provider client (the shared chat vocabulary makes the answers the
//! same type); a provider only says how a neutral [`ChatRequest`] becomes its request.

mod aligneai;
mod peakprivacy;

use std::fmt;

use async_trait::async_trait;
use futures_util::StreamExt;
use llm_core::chat::{self, ChatProvider, ChatRequest as _, SharedSettings};

use crate::{
    ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream, ProviderOptions, RawResponse,
    Result, Usage,
};

pub use self::aligneai::{AligneAIChat, AligneAIEmbeddings};
pub use self::peakprivacy::PeakPrivacyChat;

/// How a provider client takes part in [`ProviderChat`]: its name, and the provider-only
/// options it reads from a neutral request.
pub trait NeutralProvider: ChatProvider + Clone + fmt::Debug + 'static {
    /// The provider's name, as [`ChatModel::provider`] reports it.
    const NAME: &'static str;

    /// Applies this provider's own options (by default none).
    fn apply_options(request: &mut Self::Request, options: &ProviderOptions) {
        let _ = (request, options);
    }
}

/// The provider's request for a neutral one, with `model` when the request names none.
fn provider_request<C: NeutralProvider>(request: ChatRequest, model: &str) -> C::Request {
    let mut out = C::Request::from_shared(SharedSettings {
        model: request.model.unwrap_or_else(|| model.to_owned()),
        messages: request.messages,
        temperature: request.temperature,
        top_p: request.top_p,
        max_tokens: request.max_tokens,
        seed: request.seed,
    });
    C::apply_options(&mut out, &request.provider_options);
    out
}

/// A [`ChatModel`] over a provider client and a default model id:
/// [`PeakPrivacyChat`] and [`AligneAIChat`].
///
/// ```
/// use unified::{ChatModel, PeakPrivacyChat};
///
/// let client = peakprivacy::PeakPrivacy::new("token")?;
/// let model = PeakPrivacyChat::new(client, "mistral-swiss");
/// assert_eq!((model.provider(), model.model()), ("peakprivacy", "mistral-swiss"));
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProviderChat<C> {
    client: C,
    model: String,
}

impl<C: NeutralProvider> ProviderChat<C> {
    /// Wraps `client`, answering with `model` unless a request names another.
    ///
    /// ```
    /// use unified::{AligneAIChat, ChatModel};
    /// let model = AligneAIChat::new(aligneai::AligneAI::new("key")?, "llama-3-8b");
    /// assert_eq!((model.provider(), model.model()), ("aligneai", "llama-3-8b"));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn new(client: C, model: impl Into<String>) -> Self {
        Self {
            client,
            model: model.into(),
        }
    }

    /// The wrapped client.
    ///
    /// ```
    /// let model = unified::PeakPrivacyChat::new(peakprivacy::PeakPrivacy::new("t")?, "m");
    /// assert_eq!(model.client().base_url(), "https://api.peakprivacy.ch/v1/");
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn client(&self) -> &C {
        &self.client
    }
}

/// Neutral usage from a provider's.
fn usage(usage: Option<&chat::Usage>) -> Option<Usage> {
    usage.map(|u| {
        Usage::new(
            u64::from(u.prompt_tokens),
            u64::from(u.completion_tokens),
            u64::from(u.total_tokens),
        )
    })
}

#[async_trait]
impl<C: NeutralProvider> ChatModel for ProviderChat<C> {
    fn provider(&self) -> &'static str {
        C::NAME
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        let request = provider_request::<C>(request, &self.model);
        let requested = request.model().to_owned();
        let completion = chat::Completions::new(&self.client).create(request).await?;
        let model = if completion.model.is_empty() {
            requested
        } else {
            completion.model.clone()
        };
        Ok(ChatResponse {
            text: completion.content().to_owned(),
            finish_reason: completion
                .choices
                .first()
                .and_then(|c| c.finish_reason.clone()),
            usage: usage(completion.usage.as_ref()),
            provider: C::NAME.to_owned(),
            model,
            raw: RawResponse::Completion(Box::new(completion)),
        })
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        let request = provider_request::<C>(request, &self.model);
        let stream = chat::Completions::new(&self.client)
            .create_stream(request)
            .await?;
        Ok(Box::pin(stream.map(|chunk| {
            chunk.map(|c| ChatChunk {
                delta: c.content().to_owned(),
                finish_reason: c.finish_reason().cloned(),
                usage: usage(c.usage.as_ref()),
            })
        })))
    }
}
