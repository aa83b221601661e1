//! The Files API: upload (`POST files`, multipart), list (`GET files`, cursor pages),
//! retrieve (`GET files/{id}`) and delete (`DELETE files/{id}`).
//!
//! Verified from the docs: the upload (multipart with `files[]` repeated, 200 with a JSON
//! array of `{id, name, ext, size, mimetype}`, the 400/401/403/413 bodies) and the list
//! query (`limit`, `cursor`). Inferred: the list answer's shape (Laravel's cursor paginator
//! is assumed, other shapes are accepted, see [`Page`]), and the retrieve and delete paths
//! and answers.

use llm_core::multipart::{FilePart, Multipart};
use llm_core::page::{Page, PageStream};

use crate::types::{Deleted, FileObject, ListParams};
use crate::wire;
use crate::{ApiRequest, Error, PeakPrivacy, RequestOptions, Result};

/// The path of the Files API.
const FILES_PATH: &str = "files";

/// The multipart field each uploaded file is sent in (repeated once per file).
const FILES_FIELD: &str = "files[]";

/// The Files resource, from [`PeakPrivacy::files`]: upload documents (so assistants can
/// use them), list, retrieve and delete them.
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use peakprivacy::{FilePart, ListParams, PeakPrivacy};
///
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = PeakPrivacy::from_env()?;
/// let uploaded = client
///     .files()
///     .upload([
///         FilePart::from_path("invoices/march.pdf"),
///         FilePart::from_bytes("notes.txt", "Pay by the 30th."),
///     ])
///     .await?;
/// let every_file: Vec<_> = client.files().list_stream(ListParams::new()).try_collect().await?;
/// for file in &uploaded {
///     client.files().delete(&file.id).await?;
/// }
/// # let _ = every_file; Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Files<'a> {
    pub(crate) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Uploads one or more files in one `multipart/form-data` request (field `files[]`,
    /// repeated) and returns what the server stored, in its order.
    ///
    /// Each [`FilePart`]'s content type is guessed from its file name unless set. Parts
    /// from bytes or paths are sent again when the retry policy retries (a path is
    /// reopened and streamed, never loaded whole); a request with a part from a reader
    /// ([`FilePart::from_reader`]) is sent once and not retried. An
    /// [`idempotency_key`](RequestOptions::idempotency_key) in the options is sent on every
    /// attempt.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending: no
    ///   file, a blank file name, a content type with a line break, a path that cannot be
    ///   opened.
    /// - [`ErrorKind::BadRequest`](crate::ErrorKind::BadRequest) (400) with the server's
    ///   per-file messages under `files.<n>` in [`Error::field_errors`].
    /// - [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) (401),
    ///   [`ErrorKind::QuotaExceeded`](crate::ErrorKind::QuotaExceeded) (403 "Subscription
    ///   amount limit has been reached"), [`ErrorKind::PayloadTooLarge`](crate::ErrorKind::PayloadTooLarge) (413).
    /// - [`ErrorKind::Decode`](crate::ErrorKind::Decode) with the raw body kept when the
    ///   answer is not a list of files.
    ///
    /// ```no_run
    /// use peakprivacy::{ErrorKind, FilePart, PeakPrivacy};
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// match client.files().upload([FilePart::from_path("scan.tiff")]).await {
    ///     Ok(files) => println!("stored as {}", files[0].id),
    ///     Err(err) if err.kind() == ErrorKind::BadRequest => {
    ///         for (field, messages) in err.field_errors().into_iter().flatten() {
    ///             println!("{field}: {messages:?}"); // files.0: ["The scan.tiff file must be ..."]
    ///         }
    ///     }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn upload(
        &self,
        files: impl IntoIterator<Item = FilePart>,
    ) -> Result<Vec<FileObject>> {
        self.upload_with(files, RequestOptions::new()).await
    }

    /// [`upload`](Self::upload) with per-call options (timeout, retries, idempotency key).
    ///
    /// # Errors
    /// As [`upload`](Self::upload).
    ///
    /// ```no_run
    /// use peakprivacy::{FilePart, RequestOptions};
    /// use std::time::Duration;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = RequestOptions::new().timeout(Duration::from_secs(600)).idempotency_key("upload-42");
    /// let files = client.files().upload_with([FilePart::from_path("big.pdf")], options).await?;
    /// # let _ = files; Ok(()) }
    /// ```
    pub async fn upload_with(
        &self,
        files: impl IntoIterator<Item = FilePart>,
        options: RequestOptions,
    ) -> Result<Vec<FileObject>> {
        let form = files
            .into_iter()
            .fold(Multipart::new(), |form, part| form.file(FILES_FIELD, part));
        if form.is_empty() {
            return Err(Error::invalid_request("upload needs at least one file"));
        }
        let transport = self.client.transport();
        let raw = transport
            .send(
                ApiRequest::post(FILES_PATH)
                    .multipart(form)
                    .options(options),
            )
            .await?;
        decode_files(&raw.body, raw.status).map_err(|err| transport.redact(err))
    }

    /// One page of the stored files (`GET files?limit=..&cursor=..`); follow
    /// [`Page::next_cursor`] with [`ListParams::cursor`], or use
    /// [`list_stream`](Self::list_stream).
    ///
    /// # Errors
    /// Any HTTP, connection or timeout error; [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// with the raw body kept for an answer that is not a list of files.
    ///
    /// ```no_run
    /// use peakprivacy::ListParams;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let page = client.files().list(ListParams::new().limit(10)).await?;
    /// for file in &page.data {
    ///     println!("{} {} ({:?} bytes)", file.id, file.name, file.size);
    /// }
    /// if let Some(cursor) = page.next_cursor {
    ///     let next = client.files().list(ListParams::new().limit(10).cursor(cursor)).await?;
    ///     # let _ = next;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, params: ListParams) -> Result<Page<FileObject>> {
        self.list_with(params, RequestOptions::new()).await
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().max_retries(0);
    /// let page = client.files().list_with(peakprivacy::ListParams::new(), options).await?;
    /// # let _ = page; Ok(()) }
    /// ```
    pub async fn list_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> Result<Page<FileObject>> {
        wire::list_page(self.client, FILES_PATH, params, options).await
    }

    /// Every stored file, page after page (starting at `params.cursor`, `params.limit`
    /// per page), as a [`Stream`](futures_core::Stream); a page is fetched only when the
    /// previous one is used up. An error is yielded and ends the stream; a server that
    /// repeats a cursor ends it with an [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// instead of looping.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let mut files = client.files().list_stream(peakprivacy::ListParams::new().limit(100));
    /// while let Some(file) = files.next().await {
    ///     println!("{}", file?.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_stream(&self, params: ListParams) -> PageStream<FileObject> {
        self.list_stream_with(params, RequestOptions::new())
    }

    /// [`list_stream`](Self::list_stream) with per-call options (applied to every page).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().max_retries(5);
    /// let files = client.files().list_stream_with(peakprivacy::ListParams::new(), options);
    /// # let _ = files; Ok(()) }
    /// ```
    pub fn list_stream_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> PageStream<FileObject> {
        wire::page_stream(self.client, FILES_PATH, params, options)
    }

    /// One stored file's metadata (`GET files/{id}`; the path is inferred).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for an id that is
    /// empty or has characters other than letters, digits, `-`, `_`, `.`, `~`;
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) (404) for an unknown id; any
    /// other HTTP, connection or timeout error; [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// with the raw body kept when the answer is not a file.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let file = client.files().retrieve("1df8f5af-c96d-42ba-938a-3f5c4f62e633").await?;
    /// println!("{} is {:?}", file.name, file.mimetype);
    /// # Ok(()) }
    /// ```
    pub async fn retrieve(&self, id: &str) -> Result<FileObject> {
        self.retrieve_with(id, RequestOptions::new()).await
    }

    /// [`retrieve`](Self::retrieve) with per-call options.
    ///
    /// # Errors
    /// As [`retrieve`](Self::retrieve).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let file = client.files().retrieve_with("f1", peakprivacy::RequestOptions::new().max_retries(0)).await?;
    /// # let _ = file; Ok(()) }
    /// ```
    pub async fn retrieve_with(&self, id: &str, options: RequestOptions) -> Result<FileObject> {
        let path = format!("{FILES_PATH}/{}", wire::path_id(id, "file")?);
        let transport = self.client.transport();
        let raw = transport
            .send(ApiRequest::get(path).options(options))
            .await?;
        decode_file(&raw.body, raw.status).map_err(|err| transport.redact(err))
    }

    /// Deletes a stored file (`DELETE files/{id}`; the path is inferred). Any 2xx answer
    /// counts as deleted, whatever its body.
    ///
    /// # Errors
    /// As [`retrieve`](Self::retrieve), except that the body is not decoded.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let deleted = client.files().delete("1df8f5af-c96d-42ba-938a-3f5c4f62e633").await?;
    /// assert_eq!(deleted.id, "1df8f5af-c96d-42ba-938a-3f5c4f62e633");
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, id: &str) -> Result<Deleted> {
        self.delete_with(id, RequestOptions::new()).await
    }

    /// [`delete`](Self::delete) with per-call options.
    ///
    /// # Errors
    /// As [`delete`](Self::delete).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// client.files().delete_with("f1", peakprivacy::RequestOptions::new().max_retries(0)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_with(&self, id: &str, options: RequestOptions) -> Result<Deleted> {
        let path = format!("{FILES_PATH}/{}", wire::path_id(id, "file")?);
        self.client
            .transport()
            .send(ApiRequest::delete(path).options(options))
            .await?;
        Ok(Deleted::new(id))
    }
}

/// The upload answer: an array of files (or `{"data": [...]}`), each with an id.
fn decode_files(body: &[u8], status: u16) -> Result<Vec<FileObject>> {
    let files: Vec<FileObject> = wire::list(body, status, "a list of files")?;
    wire::check_ids(files.iter(), body, status)?;
    Ok(files)
}

/// One file (or `{"data": {...}}`) with an id.
fn decode_file(body: &[u8], status: u16) -> Result<FileObject> {
    let file: FileObject = wire::one(body, status, "a file")?;
    wire::check_ids(std::iter::once(&file), body, status)?;
    Ok(file)
}
