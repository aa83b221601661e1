//! The blocking chat resource.

use super::AligneAI;

/// Blocking chat, from [`AligneAI::chat`].
///
/// ```
/// let client = aligneai::blocking::AligneAI::new("k")?;
/// let chat = client.chat();
/// # let _ = chat; Ok::<(), aligneai::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a AligneAI,
}

impl<'a> Chat<'a> {
    pub(super) fn new(client: &'a AligneAI) -> Self {
        Self { client }
    }

    /// Chat completions.
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'a> {
        llm_core::blocking::Completions::new(self.client)
    }
}

/// Blocking chat completions, from [`Chat::completions`]: `create`, `create_with`,
/// `create_stream` and `create_stream_with` (streams are iterators), the same methods as
/// in every provider crate.
///
/// ```no_run
/// use aligneai::{ChatCompletionRequest, Message};
///
/// let client = aligneai::blocking::AligneAI::from_env()?;
/// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [Message::user("Hi")]);
/// for piece in client.chat().completions().create_stream(request)?.text() {
///     print!("{}", piece?);
/// }
/// # Ok::<(), aligneai::Error>(())
/// ```
pub type Completions<'a> = llm_core::blocking::Completions<'a, AligneAI>;
