//! Chat: `client.chat().completions()`.

mod completions;

pub use completions::Completions;

use crate::AligneAI;

/// The chat resource, from [`AligneAI::chat`].
#[derive(Debug, Clone, Copy)]
pub struct Chat<'c> {
    client: &'c AligneAI,
}

impl<'c> Chat<'c> {
    pub(crate) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// Chat completions: `POST {base}/chat/completions`.
    ///
    /// ```
    /// # let client = aligneai::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'c> {
        Completions::new(self.client)
    }
}
