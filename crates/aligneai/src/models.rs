//! `GET {base}/models`: the shared `llm_core::chat::Models` over AligneAI's path.

use crate::AligneAI;

/// The models resource, from [`AligneAI::models`]: `list` and `list_with`, returning
/// `Vec<Model>` (the same methods as in every provider crate). Accepts `{"data": [...]}`,
/// `{"models": [...]}` or a bare array, with model objects (`id` or `name`) or bare id
/// strings.
///
/// ```no_run
/// # async fn run() -> aligneai::Result<()> {
/// let client = aligneai::AligneAI::from_env()?;
/// for model in client.models().list().await? {
///     println!("{}", model.id);
/// }
/// # Ok(()) }
/// ```
pub type Models<'a> = llm_core::chat::Models<'a, AligneAI>;
