//! The blocking Files resource.

use super::{PageIter, PeakPrivacy};
use crate::{Deleted, FileObject, FilePart, ListParams, Page, RequestOptions, Result};

/// The blocking Files resource, from [`PeakPrivacy::files`]: the same calls as
/// [`crate::Files`], returning values directly; the auto-paginating list is an
/// [`Iterator`]. Upload parts from bytes or paths ([`FilePart::from_bytes`],
/// [`FilePart::from_path`]); a path is streamed from disk, never loaded whole.
///
/// ```no_run
/// use peakprivacy::{FilePart, ListParams};
///
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// let uploaded = client.files().upload([FilePart::from_path("report.pdf")])?;
/// for file in client.files().list_stream(ListParams::new()) {
///     println!("{}", file?.name);
/// }
/// client.files().delete(&uploaded[0].id)?;
/// # Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Files<'a> {
    pub(super) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Uploads files; see [`crate::Files::upload`].
    ///
    /// # Errors
    /// As [`crate::Files::upload`], or [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// when called inside an async runtime.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let files = client.files().upload([peakprivacy::FilePart::from_bytes("a.txt", "alpha")])?;
    /// println!("{}", files[0].id);
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn upload(&self, files: impl IntoIterator<Item = FilePart>) -> Result<Vec<FileObject>> {
        self.upload_with(files, RequestOptions::new())
    }

    /// [`upload`](Self::upload) with per-call options.
    ///
    /// # Errors
    /// As [`upload`](Self::upload).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().idempotency_key("up-1");
    /// client.files().upload_with([peakprivacy::FilePart::from_path("a.pdf")], options)?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn upload_with(
        &self,
        files: impl IntoIterator<Item = FilePart>,
        options: RequestOptions,
    ) -> Result<Vec<FileObject>> {
        self.client
            .run(self.client.inner.files().upload_with(files, options))
    }

    /// One page of files; see [`crate::Files::list`].
    ///
    /// # Errors
    /// As [`crate::Files::list`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let page = client.files().list(peakprivacy::ListParams::new().limit(10))?;
    /// # let _ = page; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list(&self, params: ListParams) -> Result<Page<FileObject>> {
        self.list_with(params, RequestOptions::new())
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let page = client.files().list_with(peakprivacy::ListParams::new(), peakprivacy::RequestOptions::new())?;
    /// # let _ = page; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> Result<Page<FileObject>> {
        self.client
            .run(self.client.inner.files().list_with(params, options))
    }

    /// Every file, page after page, as an [`Iterator`]; see [`crate::Files::list_stream`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let names: Vec<String> = client
    ///     .files()
    ///     .list_stream(peakprivacy::ListParams::new())
    ///     .map(|file| file.map(|f| f.name))
    ///     .collect::<peakprivacy::Result<_>>()?;
    /// # let _ = names; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_stream(&self, params: ListParams) -> PageIter<FileObject> {
        self.list_stream_with(params, RequestOptions::new())
    }

    /// [`list_stream`](Self::list_stream) with per-call options.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let files = client.files().list_stream_with(peakprivacy::ListParams::new(), peakprivacy::RequestOptions::new());
    /// # let _ = files; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_stream_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> PageIter<FileObject> {
        self.client
            .iter(self.client.inner.files().list_stream_with(params, options))
    }

    /// One file; see [`crate::Files::retrieve`].
    ///
    /// # Errors
    /// As [`crate::Files::retrieve`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let file = client.files().retrieve("f1")?;
    /// # let _ = file; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn retrieve(&self, id: &str) -> Result<FileObject> {
        self.retrieve_with(id, RequestOptions::new())
    }

    /// [`retrieve`](Self::retrieve) with per-call options.
    ///
    /// # Errors
    /// As [`retrieve`](Self::retrieve).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let file = client.files().retrieve_with("f1", peakprivacy::RequestOptions::new())?;
    /// # let _ = file; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn retrieve_with(&self, id: &str, options: RequestOptions) -> Result<FileObject> {
        self.client
            .run(self.client.inner.files().retrieve_with(id, options))
    }

    /// Deletes a file; see [`crate::Files::delete`].
    ///
    /// # Errors
    /// As [`crate::Files::delete`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.files().delete("f1")?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn delete(&self, id: &str) -> Result<Deleted> {
        self.delete_with(id, RequestOptions::new())
    }

    /// [`delete`](Self::delete) with per-call options.
    ///
    /// # Errors
    /// As [`delete`](Self::delete).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.files().delete_with("f1", peakprivacy::RequestOptions::new().max_retries(0))?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn delete_with(&self, id: &str, options: RequestOptions) -> Result<Deleted> {
        self.client
            .run(self.client.inner.files().delete_with(id, options))
    }
}
