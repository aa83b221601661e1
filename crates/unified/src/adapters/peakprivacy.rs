//! [`ChatModel`] for PeakPrivacy.

use async_trait::async_trait;
use futures_util::StreamExt;
use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};

use crate::{
    ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream, FinishReason, RawResponse, Result,
    Usage,
};

/// A PeakPrivacy chat model: a client and a default model id.
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
pub struct PeakPrivacyChat {
    client: PeakPrivacy,
    model: String,
}

impl PeakPrivacyChat {
    /// Wraps `client`, answering with `model` unless a request names another.
    pub fn new(client: PeakPrivacy, model: impl Into<String>) -> Self {
        Self {
            client,
            model: model.into(),
        }
    }

    /// The wrapped client.
    pub fn client(&self) -> &PeakPrivacy {
        &self.client
    }

    fn request(&self, req: ChatRequest) -> ChatCompletionRequest {
        let model = req.model.unwrap_or_else(|| self.model.clone());
        let messages = req
            .messages
            .into_iter()
            .map(|m| Message::new(m.role.as_str(), m.content));
        let mut out = ChatCompletionRequest::new(model, messages);
        if let Some(t) = req.temperature {
            out = out.temperature(f64::from(t));
        }
        if let Some(p) = req.top_p {
            out = out.top_p(f64::from(p));
        }
        if let Some(n) = req.max_tokens {
            out = out.max_tokens(n);
        }
        if let Some(seed) = req.seed {
            // PeakPrivacy seeds are unsigned; reinterpret the bits so every seed is usable.
            out = out.seed(seed as u64);
        }
        if let Some(pp) = req.provider_options.peakprivacy {
            if let Some(a) = pp.anonymize {
                out = out.anonymize(a);
            }
            if let Some(s) = pp.safe_prompt {
                out = out.safe_prompt(s);
            }
        }
        out
    }
}

fn finish(reason: Option<&peakprivacy::FinishReason>) -> Option<FinishReason> {
    reason.map(|r| FinishReason::parse(r.as_str()))
}

fn usage(u: Option<&peakprivacy::Usage>) -> Option<Usage> {
    u.map(|u| {
        Usage::new(
            u64::from(u.prompt_tokens),
            u64::from(u.completion_tokens),
            u64::from(u.total_tokens),
        )
    })
}

#[async_trait]
impl ChatModel for PeakPrivacyChat {
    fn provider(&self) -> &'static str {
        "peakprivacy"
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        let completion = self
            .client
            .chat()
            .completions()
            .create(self.request(request))
            .await?;
        Ok(ChatResponse {
            text: completion.content().to_owned(),
            finish_reason: finish(
                completion
                    .choices
                    .first()
                    .and_then(|c| c.finish_reason.as_ref()),
            ),
            usage: usage(completion.usage.as_ref()),
            provider: "peakprivacy",
            model: completion.model.clone(),
            raw: RawResponse::PeakPrivacy(Box::new(completion)),
        })
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        let stream = self
            .client
            .chat()
            .completions()
            .create_stream(self.request(request))
            .await?;
        Ok(Box::pin(stream.map(|chunk| {
            chunk.map(|c| ChatChunk {
                delta: c.content().to_owned(),
                finish_reason: finish(c.finish_reason()),
                usage: usage(c.usage.as_ref()),
            })
        })))
    }
}
