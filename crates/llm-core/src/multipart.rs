//! `multipart/form-data` request bodies (RFC 7578) for uploads, built by us rather than by
//! `reqwest` so that a body can be replayed on a retry, its bytes are predictable, and a
//! large file is streamed instead of loaded into memory.
//!
//! A [`FilePart`] comes from bytes, a path, or an async reader:
//!
//! | source | memory | sent with | retried |
//! |---|---|---|---|
//! | [`FilePart::from_bytes`] | the bytes | `Content-Length` | yes, per the retry policy |
//! | [`FilePart::from_path`] | one 64 KiB buffer (the file is reopened and streamed on every attempt) | `Content-Length` (the file's size) | yes, per the retry policy |
//! | [`FilePart::from_reader`] | one 64 KiB buffer | chunked, or `Content-Length` when [`FilePart::length`] is given | **no**: a reader can be read once, so the request is sent once |
//!
//! ```
//! use llm_core::multipart::{FilePart, Multipart};
//!
//! let form = Multipart::new()
//!     .file("files[]", FilePart::from_bytes("notes.txt", "hello"))
//!     .file("files[]", FilePart::from_path("report.pdf"));
//! assert!(form.is_replayable());
//! assert!(form.content_type().starts_with("multipart/form-data; boundary="));
//! assert_eq!(FilePart::from_path("report.pdf").get_content_type(), "application/pdf");
//! ```

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::ReaderStream;

use crate::{Error, ErrorKind, Result};

/// The read buffer of a streamed file or reader.
const CHUNK: usize = 64 * 1024;

/// The content type of a file whose name says nothing.
const OCTET_STREAM: &str = "application/octet-stream";

/// An async reader a [`FilePart`] streams from.
type Reader = Pin<Box<dyn AsyncRead + Send>>;

/// One file of a [`Multipart`] body: its file name, content type and where its bytes come
/// from. The content type is guessed from the file name's extension (the common document,
/// data, code, archive, image, audio and video types; see [`guess_content_type`]) unless set
/// with [`content_type`](Self::content_type).
///
/// ```
/// use llm_core::multipart::FilePart;
///
/// let part = FilePart::from_bytes("data.json", r#"{"a":1}"#);
/// assert_eq!(part.get_file_name(), "data.json");
/// assert_eq!(part.get_content_type(), "application/json");
/// let part = part.content_type("text/plain");
/// assert_eq!(part.get_content_type(), "text/plain");
/// assert_eq!(FilePart::from_bytes("blob", "x").get_content_type(), "application/octet-stream");
/// ```
#[derive(Clone)]
pub struct FilePart {
    file_name: String,
    content_type: Option<String>,
    source: Source,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// Shared by clones: the first request that sends the part takes the reader.
    Reader {
        reader: Arc<Mutex<Option<Reader>>>,
        length: Option<u64>,
    },
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Path(path) => format!("path {}", path.display()),
            Source::Reader { length, .. } => format!("reader (length {length:?})"),
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.get_content_type())
            .field("source", &source)
            .finish()
    }
}

impl FilePart {
    /// A file held in memory. Replayable: a retry sends the same bytes.
    ///
    /// ```
    /// let part = llm_core::multipart::FilePart::from_bytes("a.csv", "x,y\n1,2\n");
    /// assert!(part.is_replayable());
    /// assert_eq!(part.get_content_type(), "text/csv");
    /// ```
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Bytes(bytes.into()),
        }
    }

    /// A file on disk, named after the path's last component. Nothing is read here: the
    /// file is opened when the request is sent (a missing or unreadable file is then an
    /// [`ErrorKind::InvalidRequest`] and nothing is sent) and streamed in 64 KiB pieces,
    /// so a large file is never held in memory. Replayable: a retry reopens the file.
    ///
    /// ```
    /// let part = llm_core::multipart::FilePart::from_path("/tmp/invoices/march.pdf");
    /// assert_eq!(part.get_file_name(), "march.pdf");
    /// assert_eq!(part.get_content_type(), "application/pdf");
    /// assert!(part.is_replayable());
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self {
            file_name,
            content_type: None,
            source: Source::Path(path.to_path_buf()),
        }
    }

    /// A file streamed from an async reader (a socket, a decompressor, a `tokio::fs::File`
    /// you opened yourself) in 64 KiB pieces. **Not replayable**: a request carrying it is
    /// sent once and never retried, whatever the retry policy (the reader's bytes are gone
    /// after the first attempt). Without [`length`](Self::length) the body is sent with
    /// chunked transfer encoding.
    ///
    /// ```
    /// let part = llm_core::multipart::FilePart::from_reader("log.txt", &b"line 1\n"[..]);
    /// assert!(!part.is_replayable());
    /// assert_eq!(part.get_content_type(), "text/plain");
    /// ```
    pub fn from_reader(
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + 'static,
    ) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Reader {
                reader: Arc::new(Mutex::new(Some(Box::pin(reader)))),
                length: None,
            },
        }
    }

    /// Declares how many bytes a reader part yields, so the request carries a
    /// `Content-Length` instead of chunked encoding (some servers require one). Exactly
    /// `length` bytes are sent: a reader that ends earlier fails the request with
    /// [`ErrorKind::Connection`], extra bytes are not read. No effect on the other sources,
    /// whose length is known.
    ///
    /// ```
    /// let part = llm_core::multipart::FilePart::from_reader("a.txt", &b"abc"[..]).length(3);
    /// # let _ = part;
    /// ```
    #[must_use]
    pub fn length(mut self, length: u64) -> Self {
        if let Source::Reader { length: l, .. } = &mut self.source {
            *l = Some(length);
        }
        self
    }

    /// Replaces the file name sent in `Content-Disposition` (and used to guess the
    /// content type).
    ///
    /// ```
    /// let part = llm_core::multipart::FilePart::from_path("/tmp/x1").file_name("x1.pdf");
    /// assert_eq!(part.get_content_type(), "application/pdf");
    /// ```
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Sets the content type instead of guessing it from the file name.
    ///
    /// ```
    /// let part = llm_core::multipart::FilePart::from_bytes("a.txt", "x").content_type("text/markdown");
    /// assert_eq!(part.get_content_type(), "text/markdown");
    /// ```
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent.
    ///
    /// ```
    /// assert_eq!(llm_core::multipart::FilePart::from_bytes("a.txt", "").get_file_name(), "a.txt");
    /// ```
    pub fn get_file_name(&self) -> &str {
        &self.file_name
    }

    /// The content type sent: the one set, or the first guess for the file name's
    /// extension, or `application/octet-stream`.
    ///
    /// ```
    /// use llm_core::multipart::FilePart;
    /// assert_eq!(FilePart::from_bytes("a.docx", "").get_content_type(),
    ///     "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    /// assert_eq!(FilePart::from_bytes("photo.PNG", "").get_content_type(), "image/png");
    /// ```
    pub fn get_content_type(&self) -> String {
        match &self.content_type {
            Some(content_type) => content_type.clone(),
            None => guess_content_type(&self.file_name).to_owned(),
        }
    }

    /// Whether a retry can send this part again (bytes and paths: yes; readers: no).
    ///
    /// ```
    /// use llm_core::multipart::FilePart;
    /// assert!(FilePart::from_bytes("a", "x").is_replayable());
    /// assert!(!FilePart::from_reader("a", &b"x"[..]).is_replayable());
    /// ```
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Reader { .. })
    }
}

/// One field of a form.
#[derive(Debug, Clone)]
enum Field {
    Text { name: String, value: String },
    File { name: String, part: FilePart },
}

/// A `multipart/form-data` body: text fields and files, in order, under a random
/// boundary. Attach it to a request with
/// [`ApiRequest::multipart`](crate::ApiRequest::multipart); the transport sends it with
/// `Content-Type: multipart/form-data; boundary=...` and, when every length is known, a
/// `Content-Length`. A body with a reader part ([`FilePart::from_reader`]) is sent once
/// and not retried (see the [module docs](self)).
///
/// Field names and file names are quoted as browsers do (`"` becomes `%22`, CR and LF
/// become `%0D` and `%0A`); other characters, UTF-8 included, are sent as they are.
///
/// ```
/// use llm_core::multipart::{FilePart, Multipart};
///
/// let form = Multipart::new()
///     .text("purpose", "assistants")
///     .file("files[]", FilePart::from_bytes("a.txt", "alpha"))
///     .file("files[]", FilePart::from_bytes("b.txt", "beta"));
/// assert_eq!(form.len(), 3);
/// assert!(form.content_type().ends_with(form.boundary()));
/// ```
#[derive(Debug, Clone)]
pub struct Multipart {
    boundary: String,
    fields: Vec<Field>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty form with a fresh random boundary.
    ///
    /// ```
    /// let a = llm_core::multipart::Multipart::new();
    /// let b = llm_core::multipart::Multipart::new();
    /// assert_ne!(a.boundary(), b.boundary());
    /// assert!(a.is_empty());
    /// ```
    pub fn new() -> Self {
        Self {
            boundary: format!(
                "----llm-sdk-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            ),
            fields: Vec::new(),
        }
    }

    /// Adds a text field.
    ///
    /// ```
    /// let form = llm_core::multipart::Multipart::new().text("name", "value");
    /// assert_eq!(form.len(), 1);
    /// ```
    #[must_use]
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push(Field::Text {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds a file field; a name may repeat (`files[]` once per file).
    ///
    /// ```
    /// use llm_core::multipart::{FilePart, Multipart};
    /// let form = Multipart::new().file("files[]", FilePart::from_bytes("a.txt", "a"));
    /// assert_eq!(form.len(), 1);
    /// ```
    #[must_use]
    pub fn file(mut self, name: impl Into<String>, part: FilePart) -> Self {
        self.fields.push(Field::File {
            name: name.into(),
            part,
        });
        self
    }

    /// The boundary between parts.
    ///
    /// ```
    /// assert!(llm_core::multipart::Multipart::new().boundary().starts_with("----llm-sdk-"));
    /// ```
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header value: `multipart/form-data; boundary=<boundary>`.
    ///
    /// ```
    /// let form = llm_core::multipart::Multipart::new();
    /// assert_eq!(form.content_type(), format!("multipart/form-data; boundary={}", form.boundary()));
    /// ```
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The number of fields.
    ///
    /// ```
    /// assert_eq!(llm_core::multipart::Multipart::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the form has no field.
    ///
    /// ```
    /// assert!(llm_core::multipart::Multipart::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Whether a retry can send the body again (no reader part).
    ///
    /// ```
    /// use llm_core::multipart::{FilePart, Multipart};
    /// let form = Multipart::new().file("f", FilePart::from_reader("a", &b"x"[..]));
    /// assert!(!form.is_replayable());
    /// ```
    pub fn is_replayable(&self) -> bool {
        self.fields.iter().all(|field| match field {
            Field::Text { .. } => true,
            Field::File { part, .. } => part.is_replayable(),
        })
    }

    /// The whole body in memory, for forms of bytes and paths (tests, small uploads).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] for a form with a reader part, an empty file name,
    /// a content type with a line break, or a file that cannot be read.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> llm_core::Result<()> {
    /// use llm_core::multipart::{FilePart, Multipart};
    /// let form = Multipart::new().file("files[]", FilePart::from_bytes("a.txt", "alpha"));
    /// let body = String::from_utf8(form.to_bytes().await?.to_vec()).unwrap();
    /// let b = form.boundary();
    /// assert_eq!(body, format!(
    ///     "--{b}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"a.txt\"\r\n\
    ///      Content-Type: text/plain\r\n\r\nalpha\r\n--{b}--\r\n"));
    /// # Ok(()) }
    /// ```
    pub async fn to_bytes(&self) -> Result<Bytes> {
        if !self.is_replayable() {
            return Err(Error::invalid_request(
                "a form with a reader part cannot be read into memory",
            ));
        }
        let mut out = BytesMut::new();
        for segment in self.segments().await? {
            match segment {
                Segment::Bytes(bytes) => out.extend_from_slice(&bytes),
                Segment::Reader { mut reader, length } => {
                    let mut buf = Vec::new();
                    match length {
                        Some(length) => reader.take(length).read_to_end(&mut buf).await,
                        None => reader.read_to_end(&mut buf).await,
                    }
                    .map_err(|e| {
                        Error::with_source(ErrorKind::InvalidRequest, "a file could not be read", e)
                    })?;
                    out.extend_from_slice(&buf);
                }
            }
        }
        Ok(out.freeze())
    }

    /// The body for one attempt and its length when every part's length is known. Opens
    /// files now (a failure is an [`ErrorKind::InvalidRequest`], nothing is sent) and
    /// takes a reader part (a second call for the same reader is an error).
    pub(crate) async fn body(&self) -> Result<(reqwest::Body, Option<u64>)> {
        let segments = self.segments().await?;
        let mut length = Some(0u64);
        for segment in &segments {
            let size = match segment {
                Segment::Bytes(bytes) => u64::try_from(bytes.len()).ok(),
                Segment::Reader { length, .. } => *length,
            };
            length = length.zip(size).and_then(|(a, b)| a.checked_add(b));
        }
        if segments.iter().all(|s| matches!(s, Segment::Bytes(_))) {
            let mut out = BytesMut::new();
            for segment in segments {
                if let Segment::Bytes(bytes) = segment {
                    out.extend_from_slice(&bytes);
                }
            }
            return Ok((reqwest::Body::from(out.freeze()), length));
        }
        let pieces = stream::iter(segments).flat_map(|segment| match segment {
            Segment::Bytes(bytes) => stream::once(async move { Ok::<_, io::Error>(bytes) }).boxed(),
            Segment::Reader {
                reader,
                length: Some(length),
            } => exact(
                ReaderStream::with_capacity(reader.take(length), CHUNK),
                length,
            )
            .boxed(),
            Segment::Reader {
                reader,
                length: None,
            } => ReaderStream::with_capacity(reader, CHUNK).boxed(),
        });
        Ok((reqwest::Body::wrap_stream(pieces), length))
    }

    /// The body as a list of byte blocks and readers, in order.
    async fn segments(&self) -> Result<Vec<Segment>> {
        let mut segments = Vec::with_capacity(self.fields.len().saturating_mul(3) + 1);
        for field in &self.fields {
            match field {
                Field::Text { name, value } => {
                    let head = format!(
                        "--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                        self.boundary,
                        quote(name)
                    );
                    segments.push(Segment::Bytes(Bytes::from(head)));
                    segments.push(Segment::Bytes(Bytes::from(value.clone().into_bytes())));
                }
                Field::File { name, part } => {
                    if part.file_name.trim().is_empty() {
                        return Err(Error::invalid_request(format!(
                            "the file of form field {name:?} has no file name"
                        )));
                    }
                    let content_type = part.get_content_type();
                    if content_type.contains(['\r', '\n']) || content_type.trim().is_empty() {
                        return Err(Error::invalid_request(format!(
                            "invalid content type for file {:?}",
                            part.file_name
                        )));
                    }
                    let head = format!(
                        "--{}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                        self.boundary,
                        quote(name),
                        quote(&part.file_name),
                        content_type
                    );
                    segments.push(Segment::Bytes(Bytes::from(head)));
                    segments.push(part.open().await?);
                }
            }
            segments.push(Segment::Bytes(Bytes::from_static(b"\r\n")));
        }
        segments.push(Segment::Bytes(Bytes::from(format!(
            "--{}--\r\n",
            self.boundary
        ))));
        Ok(segments)
    }
}

/// A piece of a body being built.
enum Segment {
    Bytes(Bytes),
    Reader { reader: Reader, length: Option<u64> },
}

impl FilePart {
    /// The part's content for one attempt.
    async fn open(&self) -> Result<Segment> {
        match &self.source {
            Source::Bytes(bytes) => Ok(Segment::Bytes(bytes.clone())),
            Source::Path(path) => {
                let unreadable = |e: io::Error| {
                    Error::with_source(
                        ErrorKind::InvalidRequest,
                        format!("the file {} could not be read", path.display()),
                        e,
                    )
                };
                let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
                let metadata = file.metadata().await.map_err(unreadable)?;
                if !metadata.is_file() {
                    return Err(Error::invalid_request(format!(
                        "{} is not a regular file",
                        path.display()
                    )));
                }
                Ok(Segment::Reader {
                    reader: Box::pin(file),
                    length: Some(metadata.len()),
                })
            }
            Source::Reader { reader, length } => {
                let taken = reader.lock().unwrap_or_else(PoisonError::into_inner).take();
                match taken {
                    Some(reader) => Ok(Segment::Reader {
                        reader,
                        length: *length,
                    }),
                    None => Err(Error::invalid_request(format!(
                        "the reader of file {:?} was already sent once; a reader cannot be replayed",
                        self.file_name
                    ))),
                }
            }
        }
    }
}

/// `stream`, failing when it ends before `length` bytes (a file that shrank, a reader
/// shorter than its declared length): the server must not receive a short part as if it
/// were whole.
fn exact(
    stream: impl futures_core::Stream<Item = io::Result<Bytes>> + Send + 'static,
    length: u64,
) -> impl futures_core::Stream<Item = io::Result<Bytes>> + Send + 'static {
    let mut sent = 0u64;
    let mut finished = false;
    stream
        .map(Some)
        .chain(stream::once(async { None }))
        .filter_map(move |item| {
            let out = match item {
                Some(Ok(bytes)) => {
                    sent = sent.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
                    Some(Ok(bytes))
                }
                Some(Err(e)) => {
                    finished = true;
                    Some(Err(e))
                }
                None if !finished && sent < length => Some(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("an upload part ended after {sent} of its {length} bytes"),
                ))),
                None => None,
            };
            std::future::ready(out)
        })
}

/// A name quoted for `Content-Disposition` the way browsers do (WHATWG `multipart/form-data`
/// encoding): `"` -> `%22`, CR -> `%0D`, LF -> `%0A`.
fn quote(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The content type for a file name's extension (ASCII case ignored), or
/// `application/octet-stream` for a name without one or with one not listed here.
///
/// The list covers what LLM APIs take as uploads (documents, data, code, archives, images,
/// audio, video) and gives the same type as the `mime_guess` crate's first guess, which this
/// replaces: its table of about 1,300 extensions cost every build four crates and a build
/// script. Set [`FilePart::content_type`] for anything else.
///
/// ```
/// use llm_core::multipart::guess_content_type;
///
/// assert_eq!(guess_content_type("report.pdf"), "application/pdf");
/// assert_eq!(guess_content_type("dir/Photo.JPG"), "image/jpeg");
/// assert_eq!(guess_content_type("talk.mp3"), "audio/mpeg");
/// assert_eq!(guess_content_type("README"), "application/octet-stream");
/// assert_eq!(guess_content_type(".env"), "application/octet-stream");
/// assert_eq!(guess_content_type("data.unknownext"), "application/octet-stream");
/// ```
pub fn guess_content_type(file_name: &str) -> &'static str {
    let Some(extension) = Path::new(file_name).extension().and_then(|e| e.to_str()) else {
        return OCTET_STREAM;
    };
    CONTENT_TYPES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(extension))
        .map_or(OCTET_STREAM, |(_, content_type)| content_type)
}

/// Extensions (lower case) and their content types, as `mime_guess` 2 guesses them first.
const CONTENT_TYPES: &[(&str, &str)] = &[
    // Documents and data.
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("log", "text/plain"),
    ("md", "text/markdown"),
    ("markdown", "text/markdown"),
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
    ("json", "application/json"),
    ("xml", "text/xml"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("rtf", "application/rtf"),
    ("tex", "application/x-tex"),
    ("yaml", "text/x-yaml"),
    ("yml", "text/x-yaml"),
    ("toml", "text/x-toml"),
    ("eml", "message/rfc822"),
    ("epub", "application/epub+zip"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
    // Code.
    ("c", "text/plain"),
    ("h", "text/plain"),
    ("cpp", "text/plain"),
    ("hpp", "text/plain"),
    ("cs", "text/plain"),
    ("py", "text/plain"),
    ("css", "text/css"),
    ("js", "text/javascript"),
    ("jsx", "text/javascript"),
    ("mjs", "application/javascript"),
    ("php", "application/x-httpd-php"),
    ("rs", "text/x-rust"),
    ("sh", "application/x-sh"),
    ("sql", "application/x-sql"),
    // Archives.
    ("zip", "application/zip"),
    ("tar", "application/x-tar"),
    ("gz", "application/gzip"),
    ("bz2", "application/x-bzip2"),
    ("7z", "application/x-7z-compressed"),
    // Images.
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jfif", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
    ("heic", "image/heic"),
    ("heif", "image/heif"),
    ("bmp", "image/bmp"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("svg", "image/svg+xml"),
    ("ico", "image/x-icon"),
    // Audio.
    ("mp3", "audio/mpeg"),
    ("mpga", "audio/mpeg"),
    ("m4a", "audio/m4a"),
    ("wav", "audio/wav"),
    ("flac", "audio/flac"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("opus", "audio/ogg"),
    ("aac", "audio/aac"),
    ("aiff", "audio/aiff"),
    ("weba", "audio/webm"),
    ("wma", "audio/x-ms-wma"),
    // Video.
    ("mp4", "video/mp4"),
    ("m4v", "video/x-m4v"),
    ("mpeg", "video/mpeg"),
    ("webm", "video/webm"),
    ("mov", "video/quicktime"),
    ("avi", "video/x-msvideo"),
    ("mkv", "video/x-matroska"),
    ("wmv", "video/x-ms-wmv"),
    ("3gp", "video/3gpp"),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn content_types_agree_with_mime_guess() {
        for (extension, content_type) in CONTENT_TYPES {
            let name = format!("file.{extension}");
            let expected = mime_guess::from_path(&name).first_raw();
            assert_eq!(Some(*content_type), expected, "{extension}");
            let upper = format!("FILE.{}", extension.to_ascii_uppercase());
            assert_eq!(guess_content_type(&upper), *content_type, "{extension}");
        }
        assert_eq!(guess_content_type("archive.tar.gz"), "application/gzip");
        assert_eq!(guess_content_type("no_extension"), OCTET_STREAM);
        assert_eq!(guess_content_type("trailing."), OCTET_STREAM);
        assert_eq!(guess_content_type(""), OCTET_STREAM);
    }

    #[tokio::test]
    async fn reader_is_taken_once() {
        let part = FilePart::from_reader("a.txt", &b"abc"[..]);
        let form = Multipart::new().file("f", part);
        assert!(form.body().await.is_ok());
        let err = form.body().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("cannot be replayed"));
    }

    #[tokio::test]
    async fn names_are_quoted() {
        let form = Multipart::new().file("f\"x", FilePart::from_bytes("a\"b\r\n.txt", "1"));
        let body = String::from_utf8(form.to_bytes().await.unwrap().to_vec()).unwrap();
        assert!(body.contains("name=\"f%22x\"; filename=\"a%22b%0D%0A.txt\""));
    }

    #[tokio::test]
    async fn bad_parts_are_invalid_requests() {
        for form in [
            Multipart::new().file("f", FilePart::from_bytes(" ", "1")),
            Multipart::new().file("f", FilePart::from_bytes("a", "1").content_type("a\r\nb")),
            Multipart::new().file("f", FilePart::from_path("/definitely/not/here.txt")),
            Multipart::new().file("f", FilePart::from_path("/")),
        ] {
            let err = form.body().await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        }
    }

    #[tokio::test]
    async fn lengths_are_summed() {
        let form = Multipart::new()
            .text("t", "v")
            .file("f", FilePart::from_reader("a", &b"abc"[..]).length(3));
        let (_, length) = form.body().await.unwrap();
        let expected = Multipart {
            boundary: form.boundary.clone(),
            fields: vec![
                Field::Text {
                    name: "t".into(),
                    value: "v".into(),
                },
                Field::File {
                    name: "f".into(),
                    part: FilePart::from_bytes("a", "abc"),
                },
            ],
        }
        .to_bytes()
        .await
        .unwrap();
        assert_eq!(length, Some(expected.len() as u64));
        let form = Multipart::new().file("f", FilePart::from_reader("a", &b"abc"[..]));
        assert_eq!(form.body().await.unwrap().1, None);
    }

    #[tokio::test]
    async fn short_reader_fails() {
        let stream = exact(ReaderStream::new(&b"ab"[..]), 5);
        let items: Vec<_> = stream.collect().await;
        assert!(items.last().unwrap().is_err());
    }
}
