//! `GET ai/models`: the shared `llm_core::chat::Models` over PeakPrivacy's path.

use crate::PeakPrivacy;

/// The models resource, from [`PeakPrivacy::models`]: `list` and `list_with`, returning
/// `Vec<Model>` (the same methods as in every provider crate).
///
/// ```no_run
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = peakprivacy::PeakPrivacy::from_env()?;
/// for model in client.models().list().await? {
///     println!("{} (max {:?} tokens)", model.id, model.max_tokens);
/// }
/// # Ok(()) }
/// ```
pub type Models<'a> = llm_core::chat::Models<'a, PeakPrivacy>;
