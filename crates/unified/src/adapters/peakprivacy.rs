//! PeakPrivacy as a [`ChatModel`](crate::ChatModel): the neutral request becomes a
//! `peakprivacy::ChatCompletionRequest`, with the PeakPrivacy-only options applied.

use peakprivacy::{ChatCompletionRequest, PeakPrivacy};

use super::{NeutralProvider, ProviderChat};
use crate::ChatRequest;

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

    fn request(request: ChatRequest, model: &str) -> ChatCompletionRequest {
        let mut out = ChatCompletionRequest::new(
            request.model.unwrap_or_else(|| model.to_owned()),
            request.messages,
        );
        out.temperature = request.temperature;
        out.top_p = request.top_p;
        out.max_tokens = request.max_tokens;
        out.seed = request.seed;
        if let Some(options) = request.provider_options.peakprivacy {
            out.anonymize = options.anonymize;
            out.safe_prompt = options.safe_prompt;
        }
        out
    }
}
