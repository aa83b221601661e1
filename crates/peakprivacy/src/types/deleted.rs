//! The result of a delete call.

/// Proof that a delete call (`DELETE files/{id}`, `DELETE ai/assistants/{id}`) was
/// answered with a 2xx status; `id` is the id that was deleted. The answer's body is not
/// documented and not decoded.
///
/// ```no_run
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = peakprivacy::PeakPrivacy::from_env()?;
/// let deleted = client.files().delete("f1").await?;
/// assert_eq!(deleted.id, "f1");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Deleted {
    /// The id of the deleted file or assistant.
    pub id: String,
}

impl Deleted {
    pub(crate) fn new(id: &str) -> Self {
        Self { id: id.to_owned() }
    }
}
