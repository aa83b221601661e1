//! [`ChatModel`] and [`EmbeddingModel`] for AligneAI.

use aligneai::{AligneAI, BatchOptions, ChatCompletionRequest, ChatMessage, EmbeddingRequest};
use async_trait::async_trait;
use futures_util::StreamExt;

use crate::{
    ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream, EmbeddingModel, Embeddings,
    FinishReason, RawResponse, Result, Usage,
};

/// An AligneAI chat model: a client and a default model id.
///
/// ```
/// use unified::{AligneAIChat, ChatModel};
///
/// let client = aligneai::AligneAI::new("key")?;
/// let model = AligneAIChat::new(client, "llama-3-8b");
/// assert_eq!(model.provider(), "aligneai");
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AligneAIChat {
    client: AligneAI,
    model: String,
}

impl AligneAIChat {
    /// Wraps `client`, answering with `model` unless a request names another.
    pub fn new(client: AligneAI, model: impl Into<String>) -> Self {
        Self {
            client,
            model: model.into(),
        }
    }

    /// The wrapped client.
    pub fn client(&self) -> &AligneAI {
        &self.client
    }

    fn request(&self, req: ChatRequest) -> ChatCompletionRequest {
        let model = req.model.unwrap_or_else(|| self.model.clone());
        let messages = req
            .messages
            .into_iter()
            .map(|m| ChatMessage::new(m.role.as_str(), m.content));
        let mut out = ChatCompletionRequest::new(model, messages);
        if let Some(t) = req.temperature {
            out = out.temperature(t);
        }
        if let Some(p) = req.top_p {
            out = out.top_p(p);
        }
        if let Some(n) = req.max_tokens {
            out = out.max_tokens(n);
        }
        if let Some(seed) = req.seed {
            out = out.extra("seed", seed);
        }
        out
    }
}

fn finish(reason: Option<&aligneai::FinishReason>) -> Option<FinishReason> {
    reason.map(|r| FinishReason::parse(r.as_str()))
}

fn usage(u: Option<&aligneai::Usage>) -> Option<Usage> {
    u.map(|u| {
        let prompt = u.prompt_tokens.unwrap_or(0);
        let completion = u.completion_tokens.unwrap_or(0);
        Usage::new(
            prompt,
            completion,
            u.total_tokens.unwrap_or(prompt + completion),
        )
    })
}

#[async_trait]
impl ChatModel for AligneAIChat {
    fn provider(&self) -> &'static str {
        "aligneai"
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        let requested = request.model.clone().unwrap_or_else(|| self.model.clone());
        let completion = self
            .client
            .chat()
            .completions()
            .create(self.request(request))
            .await?;
        let first = completion.choices.first();
        Ok(ChatResponse {
            text: completion.text().unwrap_or_default().to_owned(),
            finish_reason: finish(first.and_then(|c| c.finish_reason.as_ref())),
            usage: usage(completion.usage.as_ref()),
            provider: "aligneai",
            model: completion.model.clone().unwrap_or(requested),
            raw: RawResponse::AligneAI(Box::new(completion)),
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
                delta: c.text().unwrap_or_default().to_owned(),
                finish_reason: finish(c.choices.first().and_then(|ch| ch.finish_reason.as_ref())),
                usage: usage(c.usage.as_ref()),
            })
        })))
    }
}

/// An AligneAI embedding model. Large input lists are sent with the aligneai batching
/// helper (default batch size and concurrency; a batch the server rejects as too large is
/// split), so `embed` accepts any number of inputs.
///
/// ```
/// use unified::{AligneAIEmbeddings, EmbeddingModel};
///
/// let client = aligneai::AligneAI::new("key")?;
/// let model = AligneAIEmbeddings::new(client, Some("nomic-embed-v1.5".into()));
/// assert_eq!(model.model(), Some("nomic-embed-v1.5"));
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AligneAIEmbeddings {
    client: AligneAI,
    model: Option<String>,
}

impl AligneAIEmbeddings {
    /// Wraps `client`; `model` is sent when set (the server picks its default otherwise).
    pub fn new(client: AligneAI, model: Option<String>) -> Self {
        Self { client, model }
    }
}

#[async_trait]
impl EmbeddingModel for AligneAIEmbeddings {
    fn provider(&self) -> &'static str {
        "aligneai"
    }

    fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
        let mut request = EmbeddingRequest::new(inputs);
        if let Some(model) = &self.model {
            request = request.model(model.clone());
        }
        let response = self
            .client
            .embeddings()
            .create_batched(request, BatchOptions::default())
            .await?;
        let model = response.model.clone().or_else(|| self.model.clone());
        let usage = response.usage.map(|u| {
            let prompt = u.prompt_tokens.unwrap_or(0);
            Usage::new(prompt, 0, u.total_tokens.unwrap_or(prompt))
        });
        let mut out = Embeddings::new(response.into_vectors());
        out.model = model;
        out.usage = usage;
        Ok(out)
    }
}
