//! AligneAI as a [`ChatModel`](crate::ChatModel) and an
//! [`EmbeddingModel`](crate::EmbeddingModel).

use aligneai::{AligneAI, BatchOptions, EmbeddingRequest};
use async_trait::async_trait;

use super::{NeutralProvider, ProviderChat};
use crate::{
    Capabilities, EmbeddingModel, Embeddings, Error, ErrorKind, ProviderOptions, RequestOptions,
    Result, Usage,
};

/// An AligneAI chat model: a client and a default model id.
///
/// ```
/// use unified::{AligneAIChat, ChatModel};
///
/// let client = aligneai::AligneAI::new("key")?;
/// let model = AligneAIChat::new(client, "llama-3-8b");
/// assert_eq!(model.provider(), "aligneai");
/// assert!(model.streams_natively() && model.capabilities().embeddings);
/// # Ok::<(), unified::Error>(())
/// ```
pub type AligneAIChat = ProviderChat<AligneAI>;

/// PeakPrivacy-only options are ignored.
impl NeutralProvider for AligneAI {
    const NAME: &'static str = aligneai::PROVIDER_NAME;

    fn capabilities(options: &ProviderOptions) -> Capabilities {
        let _ = options;
        Capabilities::new()
            .native_streaming(true)
            .raw_response(true)
            .embeddings(true)
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
/// let model = AligneAIEmbeddings::new(client, Some("nomic-embed-v1.5".into())).with_dimensions(256);
/// assert_eq!((model.model(), model.dimensions()), (Some("nomic-embed-v1.5"), Some(256)));
/// # Ok::<(), unified::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AligneAIEmbeddings {
    client: AligneAI,
    model: Option<String>,
    dimensions: Option<usize>,
}

impl AligneAIEmbeddings {
    /// Wraps `client`. The model and dimensions are those the client sends: `model` when
    /// set, else [`aligneai::DEFAULT_EMBEDDING_MODEL`] and
    /// [`aligneai::DEFAULT_EMBEDDING_DIMENSIONS`] (declared, so an answer of another length
    /// is an error). A client built with `embedding_defaults(false)` sends only what is
    /// set, and the server picks the rest.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// let model = unified::AligneAIEmbeddings::new(aligneai::AligneAI::new("k")?, None);
    /// assert_eq!((model.model(), model.dimensions()), (Some("nomic-embed-v1.5"), Some(768)));
    ///
    /// let bare = aligneai::AligneAI::builder().api_key("k").embedding_defaults(false).build()?;
    /// let model = unified::AligneAIEmbeddings::new(bare, None);
    /// assert_eq!((model.model(), model.dimensions()), (None, None));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn new(client: AligneAI, model: Option<String>) -> Self {
        let (model, dimensions) = if client.sends_embedding_defaults() {
            let model = model.or_else(|| Some(aligneai::DEFAULT_EMBEDDING_MODEL.to_owned()));
            let dimensions = usize::try_from(aligneai::DEFAULT_EMBEDDING_DIMENSIONS).ok();
            (model, dimensions)
        } else {
            (model, None)
        };
        Self {
            client,
            model,
            dimensions,
        }
    }

    /// Asks for vectors of `dimensions` floats (sent as `dimensions`) and declares them:
    /// an answer of another length is an [`ErrorKind::Decode`] error, never passed on.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// let model = unified::AligneAIEmbeddings::new(aligneai::AligneAI::new("k")?, None).with_dimensions(64);
    /// assert_eq!(model.dimensions(), Some(64));
    /// # Ok::<(), unified::Error>(())
    /// ```
    #[must_use]
    pub fn with_dimensions(mut self, dimensions: usize) -> Self {
        self.dimensions = Some(dimensions);
        self
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

    fn dimensions(&self) -> Option<usize> {
        self.dimensions
    }

    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
        self.embed_with(inputs, RequestOptions::new()).await
    }

    async fn embed_with(&self, inputs: Vec<String>, options: RequestOptions) -> Result<Embeddings> {
        let mut request = EmbeddingRequest::new(inputs);
        if let Some(model) = &self.model {
            request = request.model(model.clone());
        }
        if let Some(dimensions) = self.dimensions {
            let wire = u32::try_from(dimensions).map_err(|_| {
                Error::invalid_request(format!("{dimensions} dimensions is more than u32::MAX"))
            })?;
            request = request.dimensions(wire);
        }
        let response = self
            .client
            .embeddings()
            .create_batched_with(request, BatchOptions::default(), options)
            .await?;
        let model = response.model.clone().or_else(|| self.model.clone());
        let usage = response.usage.map(|u| Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: None,
            total_tokens: u.total_tokens,
        });
        let mut out = Embeddings::new(response.into_vectors());
        if let Some(expected) = self.dimensions {
            if let Some(bad) = out.vectors.iter().find(|v| v.len() != expected) {
                return Err(Error::with_message(
                    ErrorKind::Decode,
                    format!(
                        "asked for {expected} dimensions, the server answered {}",
                        bad.len()
                    ),
                ));
            }
        }
        out.model = model;
        out.usage = usage;
        Ok(out)
    }
}
