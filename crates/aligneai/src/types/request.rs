//! The body of `POST {base}/chat/completions`: the shared request fields (from
//! [`llm_core::chat_completion_request!`]); AligneAI has no fields of its own.

use llm_core::chat::SamplingLimits;

llm_core::chat_completion_request! {
    /// A chat completion request: the model and messages (required) and optional sampling
    /// settings, left out of the body when unset.
    ///
    /// Setters never fail: invalid values (a blank model, no messages, a `temperature`
    /// outside `0..=2` or a `top_p` outside `0..=1`, or either not finite) are reported by
    /// [`create`](crate::chat::Completions::create) as
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending.
    ///
    /// The same type, setters and validation exist in `peakprivacy`. Only `model`,
    /// `messages` and `stream` are known from the sister SDK; the other fields are the
    /// usual OpenAI-style names (`seed` included) and the OpenAI ranges, **unverified** for
    /// AligneAI (PeakPrivacy documents `temperature` in `0..=1`; AligneAI documents none, so
    /// the OpenAI range applies). Use [`extra`](Self::extra) for anything else the server
    /// accepts.
    ///
    /// ```
    /// use aligneai::{ChatCompletionRequest, Message};
    ///
    /// let request = ChatCompletionRequest::new(
    ///     "llama-3.1-8b-instruct",
    ///     [Message::system("Be brief."), Message::user("Hi!")],
    /// )
    /// .temperature(1.5)
    /// .max_tokens(64)
    /// .seed(7);
    /// assert!(request.validate().is_ok());
    /// let body = serde_json::to_value(&request).unwrap();
    /// assert_eq!(body["seed"], 7);
    /// ```
    pub struct ChatCompletionRequest {
        crate = "aligneai", seed = "seed", limits = SamplingLimits::OPENAI,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{ErrorKind, Message};

    #[test]
    fn validation_uses_the_openai_ranges() {
        let base = || ChatCompletionRequest::new("m", [Message::user("x")]);
        assert!(base().temperature(2.0).top_p(1.0).validate().is_ok());
        for bad in [
            base().temperature(2.1),
            base().temperature(f64::INFINITY),
            base().top_p(f64::NAN),
            ChatCompletionRequest::new("m", []),
        ] {
            assert_eq!(
                bad.validate().unwrap_err().kind(),
                ErrorKind::InvalidRequest
            );
        }
    }
}
