//! Chat: `client.chat().completions()`, the shared `llm_core::chat::Completions` over
//! AligneAI's path.

use llm_core::chat::ChatProvider;

use crate::{AligneAI, ChatCompletionRequest, Transport};

/// The chat resource, from [`AligneAI::chat`].
///
/// ```
/// let client = aligneai::AligneAI::new("k")?;
/// let chat = client.chat();
/// # let _ = chat; Ok::<(), aligneai::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a AligneAI,
}

impl<'a> Chat<'a> {
    pub(crate) fn new(client: &'a AligneAI) -> Self {
        Self { client }
    }

    /// Chat completions: `POST {base}/chat/completions`.
    ///
    /// ```
    /// let client = aligneai::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'a> {
        llm_core::chat::Completions::new(self.client)
    }
}

/// Chat completions, from [`Chat::completions`]: `create`, `create_with`, `create_stream`
/// and `create_stream_with` (`POST {base}/chat/completions`), the same methods as in every
/// provider crate.
///
/// A server that streams `text/plain` (the sister SDK reads raw text) is read whole into
/// one chunk; one that ignores `stream: true` and answers with JSON gives a one-chunk
/// stream.
///
/// ```no_run
/// use aligneai::{AligneAI, ChatCompletionRequest, Message};
/// use futures_util::StreamExt;
///
/// # async fn run() -> aligneai::Result<()> {
/// let client = AligneAI::from_env()?;
/// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [Message::user("Hi!")]);
/// let completion = client.chat().completions().create(request.clone()).await?;
/// println!("{}", completion.content());
///
/// let mut text = client.chat().completions().create_stream(request).await?.text();
/// while let Some(piece) = text.next().await {
///     print!("{}", piece?);
/// }
/// # Ok(()) }
/// ```
pub type Completions<'a> = llm_core::chat::Completions<'a, AligneAI>;

impl ChatProvider for AligneAI {
    type Request = ChatCompletionRequest;
    const COMPLETIONS_PATH: &'static str = "chat/completions";
    const MODELS_PATH: &'static str = "models";

    fn transport(&self) -> &Transport {
        AligneAI::transport(self)
    }
}
