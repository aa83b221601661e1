//! The public types of the Files API: a stored file and the parameters of a list call.

use serde::{Deserialize, Serialize};

/// A file stored by PeakPrivacy, as `POST files` answers it (200, a JSON array of these;
/// **verified from the docs**) and as the list, retrieve and assistant answers are assumed
/// to carry it (**inferred**).
///
/// Decoding is tolerant: unknown fields are ignored; `size` may be an integer (Files API)
/// or a numeric string (the Assistants API sends `"2371319"`); `ext`, `size` and
/// `mimetype` may be missing or `null`.
///
/// ```
/// use peakprivacy::FileObject;
///
/// let file: FileObject = serde_json::from_str(
///     r#"{"id":"9b1c","name":"data1.json","ext":"json","size":568959,"mimetype":"application/json","new":1}"#,
/// )?;
/// assert_eq!(file.size, Some(568_959));
/// let file: FileObject = serde_json::from_str(r#"{"id":"9b1c","name":"x.pdf","size":"2371319"}"#)?;
/// assert_eq!((file.size, file.mimetype), (Some(2_371_319), None));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileObject {
    /// The file's id (a UUID in the docs), used by `retrieve`, `delete` and an
    /// assistant's `file_ids`.
    #[serde(deserialize_with = "llm_core::de::string_or_null")]
    pub id: String,
    /// The original file name, e.g. `data1.json`.
    #[serde(default, deserialize_with = "llm_core::de::string_or_null")]
    pub name: String,
    /// The extension without the dot, e.g. `json`.
    #[serde(default, deserialize_with = "llm_core::de::opt_string")]
    pub ext: Option<String>,
    /// The size in bytes (an integer or a numeric string on the wire).
    #[serde(default, deserialize_with = "llm_core::de::opt_u64")]
    pub size: Option<u64>,
    /// The MIME type the server recorded, e.g. `application/json`.
    #[serde(default, deserialize_with = "llm_core::de::opt_string")]
    pub mimetype: Option<String>,
}

/// The query of a list call: `limit` (items per page) and `cursor` (the page to fetch).
/// Unset values are not sent. For `GET files` both are **verified from the docs** (server
/// default 20 per page); for `GET ai/assistants` they are **inferred**.
///
/// ```
/// use peakprivacy::ListParams;
/// let params = ListParams::new().limit(50).cursor("eyJpZCI6NTB9");
/// assert_eq!(params.limit, Some(50));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListParams {
    /// Items per page.
    pub limit: Option<u32>,
    /// The cursor of the page to fetch (from [`Page::next_cursor`](crate::Page)).
    pub cursor: Option<String>,
}

impl ListParams {
    /// No limit, first page.
    ///
    /// ```
    /// assert_eq!(peakprivacy::ListParams::new().cursor, None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    ///
    /// ```
    /// assert_eq!(peakprivacy::ListParams::new().limit(5).limit, Some(5));
    /// ```
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the cursor of the page to fetch.
    ///
    /// ```
    /// let params = peakprivacy::ListParams::new().cursor("c2");
    /// assert_eq!(params.cursor.as_deref(), Some("c2"));
    /// ```
    #[must_use]
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }
}
