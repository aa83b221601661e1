//! The model ids the PeakPrivacy API docs list.

/// Model ids listed in the PeakPrivacy API docs. The list is out of date and the API
/// accepts any string: call [`Models::list`](crate::Models::list) for the current ids.
///
/// ```
/// use peakprivacy::{model_ids, ChatCompletionRequest, Message};
/// let request = ChatCompletionRequest::new(model_ids::MISTRAL_SWISS, [Message::user("Hi")]);
/// assert_eq!(request.model, "mistral-swiss");
/// ```
pub mod model_ids {
    /// `gpt-4-1106-preview`.
    pub const GPT_4_1106_PREVIEW: &str = "gpt-4-1106-preview";
    /// `gpt-4`.
    pub const GPT_4: &str = "gpt-4";
    /// `gpt-3.5-turbo-1106`.
    pub const GPT_3_5_TURBO_1106: &str = "gpt-3.5-turbo-1106";
    /// `mistral-tiny`.
    pub const MISTRAL_TINY: &str = "mistral-tiny";
    /// `mistral-small`.
    pub const MISTRAL_SMALL: &str = "mistral-small";
    /// `mistral-medium`.
    pub const MISTRAL_MEDIUM: &str = "mistral-medium";
    /// `mistral-swiss` (hosted in Switzerland).
    pub const MISTRAL_SWISS: &str = "mistral-swiss";
}
