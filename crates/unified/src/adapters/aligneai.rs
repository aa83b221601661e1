//! AligneAI as a [`ChatModel`](crate::ChatModel) and an
//! [`EmbeddingModel`](crate::EmbeddingModel).

use aligneai::{AligneAI, BatchOptions, EmbeddingRequest};
use async_trait::async_trait;

use super::{NeutralProvider, ProviderChat};
use crate::{EmbeddingModel, Embeddings, Result, Usage};

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
pub type AligneAIChat = ProviderChat<AligneAI>;

/// PeakPrivacy-only options are ignored.
impl NeutralProvider for AligneAI {
    const NAME: &'static str = "aligneai";
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
