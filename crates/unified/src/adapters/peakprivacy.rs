//! PeakPrivacy as a [`ChatModel`](crate::ChatModel): the neutral request becomes a
//! `peakprivacy::ChatCompletionRequest`, with the PeakPrivacy-only options applied.

use peakprivacy::{ChatCompletionRequest, PeakPrivacy};

use super::{NeutralProvider, ProviderChat};
use crate::ProviderOptions;

/// A PeakPrivacy chat model: a client and a default model id.
///
/// ```
/// use unified::{ChatModel, PeakPrivacyChat};
///
/// let client = peakprivacy::PeakPrivacy::new("token")?;
/// let model = PeakPrivacyChat::new(client, "mistral-swiss");
/// assert_eq!((model.provider(), model.model()), ("peakprivacy", "mistral-swiss"));
/// # Ok::<(), unified::Error>(())
/// ```
pub type PeakPrivacyChat = ProviderChat<PeakPrivacy>;

impl NeutralProvider for PeakPrivacy {
    const NAME: &'static str = "peakprivacy";

    fn apply_options(request: &mut ChatCompletionRequest, options: &ProviderOptions) {
        if let Some(options) = &options.peakprivacy {
            request.anonymize = options.anonymize;
            request.safe_prompt = options.safe_prompt;
        }
    }
}
