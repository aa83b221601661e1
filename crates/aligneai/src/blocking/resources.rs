//! Blocking resources: embeddings, chat completions, models.

use std::sync::Arc;

use super::{AligneAI, ChatCompletionStream};
use crate::{
    BatchOptions, ChatCompletion, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse,
    ModelList, RequestOptions, Result,
};

/// Blocking embeddings, from [`AligneAI::embeddings`].
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'c> {
    client: &'c AligneAI,
}

impl<'c> Embeddings<'c> {
    pub(super) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// See [`crate::embeddings::Embeddings::create`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let response = client.embeddings().create(aligneai::EmbeddingRequest::new(["a", "b"]))?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        self.create_with(request, RequestOptions::default())
    }

    /// See [`crate::embeddings::Embeddings::create_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_with(EmbeddingRequest::new("a"), RequestOptions::new())?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: EmbeddingRequest,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        let inner = &self.client.inner;
        self.client
            .block_on(inner.embeddings().create_with(request, options))
    }

    /// See [`crate::embeddings::Embeddings::create_batched`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{BatchOptions, EmbeddingRequest};
    /// let texts: Vec<String> = (0..500).map(|i| i.to_string()).collect();
    /// let response = client.embeddings().create_batched(EmbeddingRequest::new(texts), BatchOptions::new())?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_batched(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
    ) -> Result<EmbeddingResponse> {
        self.create_batched_with(request, batch, RequestOptions::default())
    }

    /// See [`crate::embeddings::Embeddings::create_batched_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{BatchOptions, EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_batched_with(
    ///     EmbeddingRequest::new(["a", "b"]),
    ///     BatchOptions::new().batch_size(1),
    ///     RequestOptions::new().max_retries(0),
    /// )?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_batched_with(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        let inner = &self.client.inner;
        self.client.block_on(
            inner
                .embeddings()
                .create_batched_with(request, batch, options),
        )
    }
}

/// Blocking chat, from [`AligneAI::chat`].
#[derive(Debug, Clone, Copy)]
pub struct Chat<'c> {
    client: &'c AligneAI,
}

impl<'c> Chat<'c> {
    pub(super) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// Chat completions.
    ///
    /// ```
    /// # let client = aligneai::blocking::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'c> {
        Completions {
            client: self.client,
        }
    }
}

/// Blocking chat completions, from `client.chat().completions()`.
#[derive(Debug, Clone, Copy)]
pub struct Completions<'c> {
    client: &'c AligneAI,
}

impl Completions<'_> {
    /// See [`crate::chat::Completions::create`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage};
    /// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Hi")]);
    /// let completion = client.chat().completions().create(request)?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create(&self, request: ChatCompletionRequest) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::default())
    }

    /// See [`crate::chat::Completions::create_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage, RequestOptions};
    /// let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// let completion = client.chat().completions().create_with(request, RequestOptions::new())?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        let inner = &self.client.inner;
        self.client
            .block_on(inner.chat().completions().create_with(request, options))
    }

    /// See [`crate::chat::Completions::create_stream`]; the chunks come as an iterator.
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage};
    /// let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// for chunk in client.chat().completions().create_stream(request)? {
    ///     print!("{}", chunk?.text().unwrap_or_default());
    /// }
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_stream(&self, request: ChatCompletionRequest) -> Result<ChatCompletionStream> {
        self.create_stream_with(request, RequestOptions::default())
    }

    /// See [`crate::chat::Completions::create_stream_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage, RequestOptions};
    /// let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// let chunks = client.chat().completions().create_stream_with(request, RequestOptions::new())?;
    /// let completion = chunks.collect_completion()?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_stream_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletionStream> {
        let inner = &self.client.inner;
        let stream = self.client.block_on(
            inner
                .chat()
                .completions()
                .create_stream_with(request, options),
        )?;
        Ok(ChatCompletionStream::new(
            stream,
            Arc::clone(&self.client.runtime),
        ))
    }
}

/// Blocking models, from [`AligneAI::models`].
#[derive(Debug, Clone, Copy)]
pub struct Models<'c> {
    client: &'c AligneAI,
}

impl<'c> Models<'c> {
    pub(super) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// See [`crate::models::Models::list`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let ids: Vec<String> = client.models().list()?.ids().map(str::to_owned).collect();
    /// # let _ = ids; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn list(&self) -> Result<ModelList> {
        self.list_with(RequestOptions::default())
    }

    /// See [`crate::models::Models::list_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let models = client.models().list_with(aligneai::RequestOptions::new())?;
    /// # let _ = models; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn list_with(&self, options: RequestOptions) -> Result<ModelList> {
        let inner = &self.client.inner;
        self.client.block_on(inner.models().list_with(options))
    }
}
