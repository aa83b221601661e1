//! PeakPrivacy as a [`ChatModel`](crate::ChatModel): the neutral request becomes a
//! `peakprivacy::ChatCompletionRequest`, with the PeakPrivacy-only options applied.
//!
//! **Anonymisation is on by default, and said so.** The PeakPrivacy server anonymises
//! unless told otherwise, and does not stream while it does (a streamed request gets the
//! whole answer as one chunk). A [`PeakPrivacyChat`] therefore sends `"anonymize": true`
//! explicitly, reports [`streams_natively`](crate::ChatModel::streams_natively)` == false`
//! and [`Capabilities::anonymizes`](crate::Capabilities::anonymizes); turn it off per model
//! with [`PeakPrivacyChat::anonymize`]`(false)` (then it streams natively) or per request
//! with [`PeakPrivacyOptions`](crate::PeakPrivacyOptions).

use peakprivacy::{ChatCompletionRequest, PeakPrivacy};

use super::{NeutralProvider, ProviderChat};
use crate::{Capabilities, PeakPrivacyOptions, ProviderOptions};

/// A PeakPrivacy chat model: a client, a default model id, and whether it anonymises
/// (default yes).
///
/// ```
/// use unified::{ChatModel, PeakPrivacyChat};
///
/// let client = peakprivacy::PeakPrivacy::new("token")?;
/// let model = PeakPrivacyChat::new(client.clone(), "mistral-swiss");
/// assert_eq!((model.provider(), model.model()), ("peakprivacy", "mistral-swiss"));
/// assert!(model.capabilities().anonymizes && !model.streams_natively());
/// let streaming = PeakPrivacyChat::new(client, "mistral-swiss").anonymize(false);
/// assert!(streaming.streams_natively());
/// # Ok::<(), unified::Error>(())
/// ```
pub type PeakPrivacyChat = ProviderChat<PeakPrivacy>;

impl NeutralProvider for PeakPrivacy {
    const NAME: &'static str = peakprivacy::PROVIDER_NAME;

    fn apply_options(request: &mut ChatCompletionRequest, options: &ProviderOptions) {
        if let Some(options) = &options.peakprivacy {
            request.anonymize = options.anonymize;
            request.safe_prompt = options.safe_prompt;
        }
    }

    fn default_options() -> ProviderOptions {
        ProviderOptions::new().peakprivacy(PeakPrivacyOptions::new().anonymize(true))
    }

    fn capabilities(options: &ProviderOptions) -> Capabilities {
        // The server's default is to anonymise: only an explicit `false` streams.
        let anonymizes = options
            .peakprivacy
            .as_ref()
            .and_then(|o| o.anonymize)
            .unwrap_or(true);
        Capabilities::new()
            .streaming(true)
            .native_streaming(!anonymizes)
            .raw_response(true)
            .provider_options(true)
            .anonymizes(anonymizes)
    }
}

impl ProviderChat<PeakPrivacy> {
    /// Whether this model anonymises (sent explicitly on every request unless the request
    /// sets its own [`PeakPrivacyOptions::anonymize`]). Default `true`; `false` lets the
    /// server stream.
    ///
    /// ```
    /// use unified::{ChatModel, PeakPrivacyChat};
    /// let model = PeakPrivacyChat::new(peakprivacy::PeakPrivacy::new("t")?, "mistral-swiss").anonymize(false);
    /// assert!(!model.capabilities().anonymizes);
    /// # Ok::<(), unified::Error>(())
    /// ```
    #[must_use]
    pub fn anonymize(mut self, on: bool) -> Self {
        let mut options = self.options().peakprivacy.clone().unwrap_or_default();
        options.anonymize = Some(on);
        self.options_mut().peakprivacy = Some(options);
        self
    }
}
