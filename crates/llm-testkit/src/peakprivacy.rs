//! The PeakPrivacy API emulator: handle, builder and stream options.

mod assistants;
mod completions;
mod files;
mod models;
mod routes;
mod store;

use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::server::Server;
use store::SharedStore;

/// The token a default [`PeakPrivacyEmulator`] accepts.
pub const DEFAULT_TOKEN: &str = "pp-test-token";

/// Which field streamed chat chunks put the content piece in.
///
/// PeakPrivacy's own client reads `choices[0].message`; OpenAI-style clients read
/// `choices[0].delta`. Use the non-default styles to test a client's tolerance.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use llm_testkit::{ChunkStyle, PeakPrivacyEmulator};
///
/// let server = PeakPrivacyEmulator::builder().chunk_style(ChunkStyle::Delta).start().await;
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkStyle {
    /// `choices[0].message.{role, content}`, as PeakPrivacy sends (the default).
    #[default]
    Message,
    /// `choices[0].delta.{role, content}`, as OpenAI sends.
    Delta,
    /// Both `message` and `delta`, with the same content.
    Both,
}

/// Settings of one PeakPrivacy emulator.
#[derive(Debug, Clone)]
pub(crate) struct PeakPrivacyApi {
    pub(crate) token: String,
    pub(crate) chunk_delay: Duration,
    pub(crate) chunk_style: ChunkStyle,
    pub(crate) done_sentinel: bool,
    pub(crate) max_upload_bytes: usize,
    pub(crate) store: SharedStore,
}

/// The default largest upload body (`POST files`) the emulator accepts before answering
/// 413 `{"error":"Request Entity Too Large"}`: 20 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// A local emulator of the PeakPrivacy API (`/v1/ai/completions`, `/v1/ai/models`,
/// `/v1/ai/ping`, the Files API under `/v1/files` and the Assistants API under
/// `/v1/ai/assistants`, with files and assistants kept in memory) on `127.0.0.1` with a
/// random port. The server stops when this is dropped.
///
/// Requests need the header `Api-Token: <token>` (see [`PeakPrivacyEmulator::token`]);
/// otherwise the answer is 401 `{"error":"Unauthenticated"}`. A chat completion replies
/// `"You said: <last user message>"` (see [`PeakPrivacyEmulator::reply_for`]). It streams
/// (SSE, one word per event, `message`-style chunks, no `[DONE]`) only when the request has
/// `"stream": true` **and** `"anonymize": false`, because the real server's default
/// `anonymize: true` turns streaming off.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use llm_testkit::PeakPrivacyEmulator;
///
/// let server = PeakPrivacyEmulator::start().await;
/// assert!(server.base_url().ends_with("/v1/"));
/// // Point the code under test at the emulator, e.g.
/// // PEAKPRIVACY_API_URL = server.base_url(), PEAKPRIVACY_API_TOKEN = server.token().
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct PeakPrivacyEmulator {
    server: Server,
    base_url: String,
    token: String,
    store: SharedStore,
}

impl_controls!(PeakPrivacyEmulator);

impl PeakPrivacyEmulator {
    /// Starts an emulator with the default settings on the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Panics if called outside a tokio runtime or if no loopback port can be bound; use
    /// [`PeakPrivacyEmulatorBuilder::try_start`] to get the error instead.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::start().await;
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
    /// let server = llm_testkit::PeakPrivacyEmulator::start_blocking();
    /// ```
    pub fn start_blocking() -> Self {
        Self::builder().start_blocking()
    }

    /// A builder to change the token, stream pacing and stream format.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::builder().token("secret").start().await;
    /// assert_eq!(server.token(), "secret");
    /// # }
    /// ```
    pub fn builder() -> PeakPrivacyEmulatorBuilder {
        PeakPrivacyEmulatorBuilder {
            api: PeakPrivacyApi {
                token: DEFAULT_TOKEN.to_owned(),
                chunk_delay: Duration::ZERO,
                chunk_style: ChunkStyle::Message,
                done_sentinel: false,
                max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
                store: SharedStore::default(),
            },
        }
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT/v1/` (with the trailing `/`,
    /// since PeakPrivacy clients append `ai/completions` to it).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::start().await;
    /// assert_eq!(server.base_url(), format!("http://{}/v1/", server.addr()));
    /// # }
    /// ```
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The one token the emulator accepts in the `Api-Token` header.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::start().await;
    /// assert_eq!(server.token(), llm_testkit::peakprivacy::DEFAULT_TOKEN);
    /// # }
    /// ```
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The reply text the emulator gives when `last_user_message` is the content of the last
    /// `user` message (before any `max_tokens` cut).
    ///
    /// ```
    /// assert_eq!(llm_testkit::PeakPrivacyEmulator::reply_for("Hi"), "You said: Hi");
    /// ```
    pub fn reply_for(last_user_message: &str) -> String {
        format!("You said: {last_user_message}")
    }

    /// The ids of the files stored so far (uploaded and not deleted), oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::start().await;
    /// assert!(server.file_ids().is_empty());
    /// # }
    /// ```
    pub fn file_ids(&self) -> Vec<String> {
        self.store
            .lock()
            .files
            .iter()
            .map(|f| f.id.clone())
            .collect()
    }

    /// The bytes of a stored file, as the emulator received them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::start().await;
    /// assert_eq!(server.file_content("no-such-id"), None);
    /// # }
    /// ```
    pub fn file_content(&self, id: &str) -> Option<Vec<u8>> {
        self.store.lock().file(id).map(|f| f.data.to_vec())
    }

    /// The ids of the assistants that exist, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = llm_testkit::PeakPrivacyEmulator::start().await;
    /// assert!(server.assistant_ids().is_empty());
    /// # }
    /// ```
    pub fn assistant_ids(&self) -> Vec<String> {
        self.store
            .lock()
            .assistants
            .iter()
            .map(|a| a.id.clone())
            .collect()
    }

    fn from_server(server: Server, token: String, store: SharedStore) -> Self {
        let base_url = format!("http://{}/v1/", server.addr());
        Self {
            server,
            base_url,
            token,
            store,
        }
    }
}

/// Configures and starts a [`PeakPrivacyEmulator`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use llm_testkit::{ChunkStyle, PeakPrivacyEmulator};
///
/// let server = PeakPrivacyEmulator::builder()
///     .token("my-token")
///     .chunk_delay(Duration::from_millis(5))
///     .chunk_style(ChunkStyle::Message)
///     .done_sentinel(true)
///     .start()
///     .await;
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct PeakPrivacyEmulatorBuilder {
    api: PeakPrivacyApi,
}

impl PeakPrivacyEmulatorBuilder {
    /// The token to accept in the `Api-Token` header (default [`DEFAULT_TOKEN`]).
    ///
    /// ```
    /// let builder = llm_testkit::PeakPrivacyEmulator::builder().token("secret");
    /// ```
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.api.token = token.into();
        self
    }

    /// Pause between streamed events (default none).
    ///
    /// ```
    /// let builder = llm_testkit::PeakPrivacyEmulator::builder()
    ///     .chunk_delay(std::time::Duration::from_millis(10));
    /// ```
    pub fn chunk_delay(mut self, delay: std::time::Duration) -> Self {
        self.api.chunk_delay = delay;
        self
    }

    /// Where streamed chunks carry their content (default [`ChunkStyle::Message`]).
    ///
    /// ```
    /// let builder = llm_testkit::PeakPrivacyEmulator::builder()
    ///     .chunk_style(llm_testkit::ChunkStyle::Both);
    /// ```
    pub fn chunk_style(mut self, style: ChunkStyle) -> Self {
        self.api.chunk_style = style;
        self
    }

    /// End streams with a `data: [DONE]` event (default `false`: the stream just ends).
    ///
    /// ```
    /// let builder = llm_testkit::PeakPrivacyEmulator::builder().done_sentinel(true);
    /// ```
    pub fn done_sentinel(mut self, enabled: bool) -> Self {
        self.api.done_sentinel = enabled;
        self
    }

    /// The largest upload body (`POST files`) accepted; a bigger one is answered 413
    /// `{"error":"Request Entity Too Large"}` (default [`DEFAULT_MAX_UPLOAD_BYTES`]; the
    /// server reads at most 32 MiB of any request).
    ///
    /// ```
    /// let builder = llm_testkit::PeakPrivacyEmulator::builder().max_upload_bytes(1024);
    /// ```
    pub fn max_upload_bytes(mut self, bytes: usize) -> Self {
        self.api.max_upload_bytes = bytes;
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
    /// let server = llm_testkit::PeakPrivacyEmulator::builder().start().await;
    /// # }
    /// ```
    pub async fn start(self) -> PeakPrivacyEmulator {
        self.try_start()
            .await
            .unwrap_or_else(|error| panic!("cannot start the PeakPrivacy emulator: {error}"))
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
    /// let server = llm_testkit::PeakPrivacyEmulator::builder().try_start().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn try_start(self) -> io::Result<PeakPrivacyEmulator> {
        let token = self.api.token.clone();
        // A fresh store per emulator, even from clones of one builder.
        let mut api = self.api;
        api.store = SharedStore::default();
        let store = api.store.clone();
        let server = Server::start(Arc::new(api)).await?;
        Ok(PeakPrivacyEmulator::from_server(server, token, store))
    }

    /// Starts the emulator on a runtime of its own (a background thread).
    ///
    /// # Panics
    ///
    /// Panics if no loopback port can be bound or the thread cannot be spawned.
    ///
    /// ```
    /// let server = llm_testkit::PeakPrivacyEmulator::builder().start_blocking();
    /// ```
    pub fn start_blocking(self) -> PeakPrivacyEmulator {
        self.try_start_blocking()
            .unwrap_or_else(|error| panic!("cannot start the PeakPrivacy emulator: {error}"))
    }

    /// Starts the emulator on a runtime of its own (a background thread).
    ///
    /// # Errors
    ///
    /// Fails if no loopback port can be bound or the thread cannot be spawned.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let server = llm_testkit::PeakPrivacyEmulator::builder().try_start_blocking()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_start_blocking(self) -> io::Result<PeakPrivacyEmulator> {
        let token = self.api.token.clone();
        // A fresh store per emulator, even from clones of one builder.
        let mut api = self.api;
        api.store = SharedStore::default();
        let store = api.store.clone();
        let server = Server::start_blocking(Arc::new(api))?;
        Ok(PeakPrivacyEmulator::from_server(server, token, store))
    }
}
