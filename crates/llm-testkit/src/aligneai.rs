//! The AligneAI API emulator: handle and builder.
//!
//! AligneAI's REST API is not public; this emulates the shape of the same company's public
//! sister SDK (header `API-Key`, optional `Workspace-ID`, `POST {base}/embeddings` with
//! `inputs`), answered in the OpenAI style. It is **unverified** against the live service.

mod chat;
mod embeddings;
mod models;
mod routes;

use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::server::Server;

/// The API key a default [`AligneAIEmulator`] accepts.
pub const DEFAULT_API_KEY: &str = "aa-test-key";

/// The embedding size when a request sets no `dimensions`.
pub const DEFAULT_DIMENSIONS: usize = 768;

/// Settings of one AligneAI emulator.
#[derive(Debug, Clone)]
pub(crate) struct AligneAIApi {
    pub(crate) api_key: String,
    pub(crate) workspace_id: Option<String>,
    pub(crate) max_batch_size: Option<usize>,
    pub(crate) require_embedding_fields: bool,
    pub(crate) chunk_delay: Duration,
}

/// A local emulator of the AligneAI API (`/v1/embeddings`, `/v1/chat/completions`,
/// `/v1/models`, `/v1/ping`) on `127.0.0.1` with a random port. The server stops when this is
/// dropped.
///
/// Requests need the header `API-Key: <key>` (401 `{"error":"Unauthenticated"}` otherwise)
/// and, when the emulator was built with a workspace id, `Workspace-ID: <id>` (403
/// `{"error":"Invalid workspace"}` otherwise). Embeddings are deterministic unit vectors
/// derived from each input text (see [`AligneAIEmulator::embedding_for`]); chat replies are
/// `"You said: <last user message>"`, streamed OpenAI-style (`delta` chunks, then
/// `data: [DONE]`) when `"stream": true`.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use llm_testkit::AligneAIEmulator;
///
/// let server = AligneAIEmulator::builder().workspace_id("ws-1").max_batch_size(16).start().await;
/// assert!(server.base_url().ends_with("/v1"));
/// assert_eq!(server.workspace_id(), Some("ws-1"));
/// # }
/// ```
#[derive(Debug)]
pub struct AligneAIEmulator {
    server: Server,
    base_url: String,
    api_key: String,
    workspace_id: Option<String>,
}

impl_controls!(AligneAIEmulator);

impl AligneAIEmulator {
    /// Starts an emulator with the default settings on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no loopback port can be bound; use
    /// [`AligneAIEmulatorBuilder::try_start`] to get the error instead.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::AligneAIEmulator::start().await;
    /// # }
    /// ```
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Starts an emulator with the default settings on a runtime of its own (a background
    /// thread), for tests of blocking clients that have no tokio runtime.
    ///
    /// # Panics
    ///
    /// Panics if no loopback port can be bound or the thread cannot be spawned.
    ///
    /// ```
    /// let server = llm_testkit::AligneAIEmulator::start_blocking();
    /// ```
    pub fn start_blocking() -> Self {
        Self::builder().start_blocking()
    }

    /// A builder to change the key, require a workspace id, limit the batch size, require
    /// the embedding fields the sister SDK always sends, or pace streams.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::AligneAIEmulator::builder().api_key("k").start().await;
    /// assert_eq!(server.api_key(), "k");
    /// # }
    /// ```
    pub fn builder() -> AligneAIEmulatorBuilder {
        AligneAIEmulatorBuilder {
            api: AligneAIApi {
                api_key: DEFAULT_API_KEY.to_owned(),
                workspace_id: None,
                max_batch_size: None,
                require_embedding_fields: false,
                chunk_delay: Duration::ZERO,
            },
        }
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT/v1` (no trailing `/`; clients
    /// join `{base}/embeddings`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::AligneAIEmulator::start().await;
    /// assert_eq!(server.base_url(), format!("http://{}/v1", server.addr()));
    /// # }
    /// ```
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The one key the emulator accepts in the `API-Key` header.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::AligneAIEmulator::start().await;
    /// assert_eq!(server.api_key(), llm_testkit::aligneai::DEFAULT_API_KEY);
    /// # }
    /// ```
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The workspace id required in the `Workspace-ID` header, if one was configured.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::AligneAIEmulator::start().await;
    /// assert_eq!(server.workspace_id(), None);
    /// # }
    /// ```
    pub fn workspace_id(&self) -> Option<&str> {
        self.workspace_id.as_deref()
    }

    /// The embedding the emulator returns for `text` at `dimensions` (a unit vector seeded by
    /// a hash of the text), so tests can assert exact values.
    ///
    /// ```
    /// let v = llm_testkit::AligneAIEmulator::embedding_for("hello", 8);
    /// assert_eq!(v.len(), 8);
    /// let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    /// assert!((norm - 1.0).abs() < 1e-4);
    /// ```
    pub fn embedding_for(text: &str, dimensions: usize) -> Vec<f32> {
        embeddings::vector(text, dimensions)
    }

    /// The chat reply text for a conversation whose last `user` message is
    /// `last_user_message`.
    ///
    /// ```
    /// assert_eq!(llm_testkit::AligneAIEmulator::reply_for("Hi"), "You said: Hi");
    /// ```
    pub fn reply_for(last_user_message: &str) -> String {
        format!("You said: {last_user_message}")
    }

    fn from_server(server: Server, api: &AligneAIApi) -> Self {
        let base_url = format!("http://{}/v1", server.addr());
        Self {
            server,
            base_url,
            api_key: api.api_key.clone(),
            workspace_id: api.workspace_id.clone(),
        }
    }
}

/// Configures and starts an [`AligneAIEmulator`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
///
/// let server = llm_testkit::AligneAIEmulator::builder()
///     .api_key("my-key")
///     .workspace_id("ws-42")
///     .max_batch_size(64)
///     .require_embedding_fields(true)
///     .chunk_delay(Duration::from_millis(5))
///     .start()
///     .await;
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct AligneAIEmulatorBuilder {
    api: AligneAIApi,
}

impl AligneAIEmulatorBuilder {
    /// The key to accept in the `API-Key` header (default [`DEFAULT_API_KEY`]).
    ///
    /// ```
    /// let builder = llm_testkit::AligneAIEmulator::builder().api_key("secret");
    /// ```
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api.api_key = key.into();
        self
    }

    /// Require this value in the `Workspace-ID` header (default: the header is not checked).
    ///
    /// ```
    /// let builder = llm_testkit::AligneAIEmulator::builder().workspace_id("ws-1");
    /// ```
    pub fn workspace_id(mut self, id: impl Into<String>) -> Self {
        self.api.workspace_id = Some(id.into());
        self
    }

    /// Answer 413 `{"error":"Request Entity Too Large"}` to embedding requests with more than
    /// `max` inputs (default: no limit).
    ///
    /// ```
    /// let builder = llm_testkit::AligneAIEmulator::builder().max_batch_size(100);
    /// ```
    pub fn max_batch_size(mut self, max: usize) -> Self {
        self.api.max_batch_size = Some(max);
        self
    }

    /// With `true`, answer 422 `{"message":"Validation error","errors":{..}}` to embedding
    /// requests that lack `model`, `dimensions` or `encoding_format` (or send them as
    /// `null`), one `"The <field> field is required."` per missing field, as a server that
    /// requires what the sister SDK always sends would. Default `false`: the three are
    /// optional (`dimensions` then defaults to [`DEFAULT_DIMENSIONS`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = llm_testkit::AligneAIEmulator::builder()
    ///     .require_embedding_fields(true)
    ///     .start()
    ///     .await;
    /// let answer = reqwest::Client::new()
    ///     .post(format!("{}/embeddings", server.base_url()))
    ///     .header("API-Key", server.api_key())
    ///     .body(r#"{"inputs": ["a"], "model": "nomic-embed-v1.5", "dimensions": 64}"#)
    ///     .send()
    ///     .await?;
    /// assert_eq!(answer.status(), 422);
    /// let body: serde_json::Value = serde_json::from_slice(&answer.bytes().await?)?;
    /// assert_eq!(body["errors"]["encoding_format"][0], "The encoding format field is required.");
    /// # Ok(())
    /// # }
    /// ```
    pub fn require_embedding_fields(mut self, required: bool) -> Self {
        self.api.require_embedding_fields = required;
        self
    }

    /// Pause between streamed chat events (default none).
    ///
    /// ```
    /// let builder = llm_testkit::AligneAIEmulator::builder()
    ///     .chunk_delay(std::time::Duration::from_millis(10));
    /// ```
    pub fn chunk_delay(mut self, delay: Duration) -> Self {
        self.api.chunk_delay = delay;
        self
    }

    /// Starts the emulator on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no loopback port can be bound.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::AligneAIEmulator::builder().start().await;
    /// # }
    /// ```
    pub async fn start(self) -> AligneAIEmulator {
        self.try_start()
            .await
            .unwrap_or_else(|error| panic!("cannot start the AligneAI emulator: {error}"))
    }

    /// Starts the emulator on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// Fails if no loopback port can be bound.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let server = llm_testkit::AligneAIEmulator::builder().try_start().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn try_start(self) -> io::Result<AligneAIEmulator> {
        let api = Arc::new(self.api);
        let server = Server::start(api.clone()).await?;
        Ok(AligneAIEmulator::from_server(server, &api))
    }

    /// Starts the emulator on a runtime of its own (a background thread).
    ///
    /// # Panics
    ///
    /// Panics if no loopback port can be bound or the thread cannot be spawned.
    ///
    /// ```
    /// let server = llm_testkit::AligneAIEmulator::builder().start_blocking();
    /// ```
    pub fn start_blocking(self) -> AligneAIEmulator {
        self.try_start_blocking()
            .unwrap_or_else(|error| panic!("cannot start the AligneAI emulator: {error}"))
    }

    /// Starts the emulator on a runtime of its own (a background thread).
    ///
    /// # Errors
    ///
    /// Fails if no loopback port can be bound or the thread cannot be spawned.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let server = llm_testkit::AligneAIEmulator::builder().try_start_blocking()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_start_blocking(self) -> io::Result<AligneAIEmulator> {
        let api = Arc::new(self.api);
        let server = Server::start_blocking(api.clone())?;
        Ok(AligneAIEmulator::from_server(server, &api))
    }
}
