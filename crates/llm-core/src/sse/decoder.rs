//! The incremental, push-based `text/event-stream` decoder.

use std::collections::VecDeque;
use std::fmt;
use std::mem;
use std::time::Duration;

use bytes::Bytes;
use bytestring::ByteString;
use memchr::{memchr, memchr2};

use super::event::{Data, Event};
use crate::{Error, ErrorKind};

/// The UTF-8 byte order mark, skipped once at the very start of a stream.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// An incremental decoder of `text/event-stream` bodies (the WHATWG "event stream
/// interpretation"), fed with chunks as they arrive.
///
/// - Lines end in LF, CR or CRLF, also when a CRLF is split across two chunks; an event is
///   returned as soon as the byte ending its blank line has been pushed.
/// - A UTF-8 byte order mark at the very start is skipped; lines starting with `:` are
///   comments; one leading space of a field value is stripped; a line without a colon is a
///   field with an empty value; unknown fields are ignored.
/// - `data` lines are joined with `"\n"`; `event`, `id` (ignored if it contains NUL) and
///   `retry` (ASCII digits only, milliseconds) are recognised.
/// - A blank line dispatches the event, unless it had no `data` line (then the event type
///   is reset and nothing is returned).
/// - Text is validated as UTF-8 per completed line, so a character may be split across
///   chunks; invalid UTF-8 in a `data`, `event` or `id` value is an
///   [`ErrorKind::Decode`] error (bytes of comments and unknown fields are not inspected).
/// - An event whose pending line plus data grow past the size cap is an
///   [`ErrorKind::ResponseTooLarge`] error, raised before more of it is buffered.
///
/// After an error the decoder skips the rest of the offending event (up to its blank line)
/// and then goes on with the next one; [`EventStream`](crate::sse::EventStream) instead
/// ends after its first error.
///
/// ```
/// use bytes::Bytes;
/// use llm_core::sse::SseDecoder;
///
/// # fn main() -> Result<(), llm_core::Error> {
/// let mut decoder = SseDecoder::new();
/// decoder.push(Bytes::from_static(b"event: delta\r\ndata: {\"a\":"));
/// assert!(decoder.next_event()?.is_none()); // needs more input
/// decoder.push(Bytes::from_static(b"1}\r\nid: 7\r\n\r"));
/// let event = decoder.next_event()?.expect("the CR ended the blank line");
/// assert_eq!(event.event(), "delta");
/// assert_eq!(event.data(), "{\"a\":1}");
/// assert_eq!(event.id(), Some("7"));
/// assert_eq!(decoder.last_event_id(), Some("7"));
/// decoder.push(Bytes::from_static(b"\n")); // the LF of the split CRLF: not a blank line
/// assert!(decoder.next_event()?.is_none());
/// decoder.finish()?; // nothing incomplete pending
/// # Ok(())
/// # }
/// ```
pub struct SseDecoder {
    /// The chunk being read, from `pos` (empty when there is none).
    current: Bytes,
    /// Chunks pushed while `current` was still being read.
    queue: VecDeque<Bytes>,
    /// Read offset into `current`.
    pos: usize,
    /// The bytes of a line that started in an earlier chunk and has not ended yet. Only
    /// bytes already scanned for a line end are in here, so they are never scanned again.
    line: Vec<u8>,
    /// The previous line ended with a CR that was the last byte of its chunk: an LF at the
    /// start of the next chunk belongs to it.
    skip_lf: bool,
    /// How many bytes of the BOM have been matched at the start of the stream.
    bom_matched: u8,
    /// The start of the stream has been checked for a BOM.
    bom_done: bool,
    /// While discarding an event after an error: the current line is not empty.
    discard_line: bool,
    /// Finds line ends.
    line_ends: LineEnds,
    /// The fields of the event being built.
    state: EventState,
}

/// Finds the first CR or LF: `memchr2`, with the AVX2 searcher built once instead of on
/// every call (its set-up, about 35 instructions, is paid once per input chunk of a long
/// `data` line).
#[derive(Clone, Copy)]
struct LineEnds {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Two>,
}

impl LineEnds {
    fn new() -> Self {
        Self {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Two::new(b'\n', b'\r'),
        }
    }

    /// The position of the first CR or LF in `haystack`.
    #[inline]
    fn find(&self, haystack: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = &self.avx2 {
            return avx2.find(haystack);
        }
        memchr2(b'\n', b'\r', haystack)
    }
}

/// The event being assembled, plus the state the spec keeps across events.
struct EventState {
    max_event_size: usize,
    /// The event's first `data` value when its line lay inside one chunk: a slice of that
    /// chunk, not copied (moved into `data` if another `data` line follows).
    shared: Option<ByteString>,
    /// The data buffer without its trailing LF (lines are joined on the next `data` line).
    data: String,
    /// At least one `data` line was seen (so `data` is "non-empty" in the spec's terms).
    has_data: bool,
    event_type: Option<String>,
    id: Option<String>,
    event_retry: Option<Duration>,
    /// The spec's "last event ID buffer", set by `id` lines.
    id_buffer: String,
    /// `id_buffer` was set since the last dispatch.
    id_buffer_changed: bool,
    /// The spec's "last event ID string", set from `id_buffer` on each dispatch.
    last_event_id: String,
    /// The last valid `retry` value seen.
    reconnection_time: Option<Duration>,
    /// An error was returned for the current event: skip its lines up to the blank line.
    discarding: bool,
    /// A `data` line spanning chunks is being appended to `data` as it arrives.
    streaming: bool,
    /// Bytes of the streamed line not counted in `data` (its `data:` prefix, less the
    /// joining LF), for the size cap.
    line_overhead: usize,
    /// The incomplete UTF-8 sequence at the end of the streamed part of the line.
    carry: [u8; 4],
    carry_len: usize,
    /// The current event has had a streamed `data` line.
    streamed_event: bool,
    /// The data size of the last event that had a streamed `data` line.
    streamed_size_hint: usize,
}

impl SseDecoder {
    /// The default cap on the size of one event: 16 MiB.
    ///
    /// ```
    /// use llm_core::sse::SseDecoder;
    /// assert_eq!(SseDecoder::DEFAULT_MAX_EVENT_SIZE, 16 * 1024 * 1024);
    /// ```
    pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

    /// A decoder with the [default size cap](Self::DEFAULT_MAX_EVENT_SIZE).
    ///
    /// ```
    /// use llm_core::sse::SseDecoder;
    /// let decoder = SseDecoder::new();
    /// assert_eq!(decoder.last_event_id(), None);
    /// ```
    pub fn new() -> Self {
        Self::with_max_event_size(Self::DEFAULT_MAX_EVENT_SIZE)
    }

    /// A decoder that rejects events whose pending line plus data exceed `bytes`.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::{sse::SseDecoder, ErrorKind};
    ///
    /// let mut decoder = SseDecoder::with_max_event_size(8);
    /// decoder.push(Bytes::from_static(b"data: 0123456789"));
    /// let err = decoder.next_event().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    /// ```
    pub fn with_max_event_size(bytes: usize) -> Self {
        Self {
            current: Bytes::new(),
            queue: VecDeque::new(),
            pos: 0,
            line: Vec::new(),
            skip_lf: false,
            bom_matched: 0,
            bom_done: false,
            discard_line: false,
            line_ends: LineEnds::new(),
            state: EventState {
                max_event_size: bytes,
                shared: None,
                data: String::new(),
                has_data: false,
                event_type: None,
                id: None,
                event_retry: None,
                id_buffer: String::new(),
                id_buffer_changed: false,
                last_event_id: String::new(),
                reconnection_time: None,
                discarding: false,
                streaming: false,
                line_overhead: 0,
                carry: [0; 4],
                carry_len: 0,
                streamed_event: false,
                streamed_size_hint: 0,
            },
        }
    }

    /// Buffers more input. Nothing is decoded until [`next_event`](Self::next_event).
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::sse::SseDecoder;
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(Bytes::from_static(b"data: hi\n\n"));
    /// assert_eq!(decoder.next_event().unwrap().unwrap().data(), "hi");
    /// ```
    pub fn push(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        if self.pos == self.current.len() {
            // `current` is used up (and so is the queue): no queueing needed.
            self.current = chunk;
            self.pos = 0;
        } else {
            self.queue.push_back(chunk);
        }
    }

    /// The next complete event from the buffered input, or `Ok(None)` when more input is
    /// needed.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ResponseTooLarge`] when an event grows past the size cap,
    /// [`ErrorKind::Decode`] for invalid UTF-8 in a `data`, `event` or `id` value. The rest
    /// of that event is then skipped.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::sse::SseDecoder;
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(Bytes::from_static(b": keep-alive\n\ndata: a\ndata: b\n\ndata: c\n\n"));
    /// let mut data = Vec::new();
    /// while let Some(event) = decoder.next_event().unwrap() {
    ///     data.push(event.into_data());
    /// }
    /// assert_eq!(data, ["a\nb", "c"]);
    /// ```
    pub fn next_event(&mut self) -> Result<Option<Event>, Error> {
        let result = self.decode();
        if result.is_err() {
            // Skip the rest of the offending event.
            self.line.clear();
            self.state.fail_event();
        }
        result
    }

    fn decode(&mut self) -> Result<Option<Event>, Error> {
        loop {
            let rest = &self.current[self.pos..];
            let Some(&first) = rest.first() else {
                match self.queue.pop_front() {
                    Some(next) => {
                        self.current = next;
                        self.pos = 0;
                        continue;
                    }
                    None => {
                        // Release the used-up chunk now rather than at the next push.
                        self.current = Bytes::new();
                        self.pos = 0;
                        return Ok(None);
                    }
                }
            };
            if self.state.streaming {
                // The rest of a `data` line that began in an earlier chunk (nothing else can
                // be pending then: no BOM, no CR, an empty line buffer).
                match self.state.stream_data(rest, &self.line_ends) {
                    Ok(None) => {
                        self.pos = self.current.len();
                        continue;
                    }
                    Ok(Some((appended, end))) => {
                        self.pos += consumed_to(rest, end, &mut self.skip_lf);
                        if self.state.pending_len() + (end - appended) > self.state.max_event_size {
                            return Err(self.state.too_large());
                        }
                        self.state.end_data_line(&rest[appended..end])?;
                        continue;
                    }
                    Err(err) => {
                        // Nothing of this line is consumed: it is skipped up to its end.
                        self.discard_line = true;
                        return Err(err);
                    }
                }
            }
            if self.skip_lf {
                self.skip_lf = false;
                if first == b'\n' {
                    self.pos += 1;
                    continue;
                }
            }
            if !self.bom_done {
                let matched = usize::from(self.bom_matched);
                if first == BOM[matched] {
                    self.pos += 1;
                    self.bom_matched += 1;
                    self.bom_done = usize::from(self.bom_matched) == BOM.len();
                } else {
                    // Not a BOM after all: what matched so far is the start of a line.
                    self.line.extend_from_slice(&BOM[..matched]);
                    self.bom_done = true;
                }
                continue;
            }

            // A line end right here (blank lines) needs no search.
            let found = if first == b'\n' || first == b'\r' {
                Some(0)
            } else {
                self.line_ends.find(rest)
            };
            let Some(end) = found else {
                // The line goes on in a later chunk. Its bytes are scanned only this once.
                if self.state.discarding {
                    self.discard_line = true;
                } else if self.line.len() + self.state.pending_len() + rest.len()
                    > self.state.max_event_size
                {
                    self.discard_line = true;
                    return Err(self.state.too_large());
                } else if self.line.is_empty() && rest.starts_with(b"data:") && rest.len() > 5 {
                    // A `data` line starting here: stream it without the line buffer.
                    if let Err(err) = self.state.start_data_line(rest) {
                        self.discard_line = true;
                        return Err(err);
                    }
                } else {
                    extend_in_pieces(&mut self.line, rest);
                    if let [b'd', b'a', b't', b'a', b':', _, ..] = self.line[..] {
                        let started = self.state.start_data_line(&self.line);
                        self.line.clear();
                        if let Err(err) = started {
                            self.discard_line = true;
                            return Err(err);
                        }
                    }
                }
                self.pos = self.current.len();
                continue;
            };

            self.pos += consumed_to(rest, end, &mut self.skip_lf);

            if self.state.discarding {
                let blank = end == 0 && self.line.is_empty() && !self.discard_line;
                self.line.clear();
                self.discard_line = false;
                if blank {
                    self.state.discarding = false;
                }
                continue;
            }
            if self.line.len() + self.state.pending_len() + end > self.state.max_event_size {
                return Err(self.state.too_large());
            }
            let line = &rest[..end];
            if !self.line.is_empty() {
                extend_in_pieces(&mut self.line, line);
                let result = self.state.process_line(&self.line, None);
                self.line.clear();
                result?;
            } else if end != 0 {
                self.state.process_line(line, Some(&self.current))?;
            } else if let Some(event) = self.state.dispatch() {
                // A blank line, and the event had data.
                return Ok(Some(event));
            }
        }
    }

    /// Ends the stream: the decoder is reset for a new stream (keeping the last event ID
    /// and reconnection time), and the result says whether anything incomplete was pending.
    ///
    /// Call it when the body ends, after [`next_event`](Self::next_event) returned
    /// `Ok(None)`. Per the spec, an event without its closing blank line is not dispatched.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Stream`] when a partial line or undispatched data (or unread input) was
    /// pending.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::{sse::SseDecoder, ErrorKind};
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(Bytes::from_static(b"data: cut off\n"));
    /// assert!(decoder.next_event().unwrap().is_none());
    /// assert_eq!(decoder.finish().unwrap_err().kind(), ErrorKind::Stream);
    /// ```
    pub fn finish(&mut self) -> Result<(), Error> {
        let unread = self.buffered();
        let pending_bom = !self.bom_done && self.bom_matched > 0;
        let incomplete = unread > 0
            || !self.line.is_empty()
            || pending_bom
            || self.state.streaming
            || (self.state.has_data && !self.state.discarding);
        self.current = Bytes::new();
        self.queue.clear();
        self.pos = 0;
        self.line.clear();
        self.skip_lf = false;
        self.bom_matched = 0;
        self.bom_done = false;
        self.discard_line = false;
        self.state.abort_event();
        self.state.discarding = false;
        if incomplete {
            Err(Error::with_message(
                ErrorKind::Stream,
                "the event stream ended in the middle of an event",
            ))
        } else {
            Ok(())
        }
    }

    /// The spec's "last event ID": the value of the last `id` field, as of the last
    /// dispatch (blank line), also when that event carried no `data`. `None` when no `id`
    /// was seen or the last one was empty.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::sse::SseDecoder;
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(Bytes::from_static(b"id: 1\ndata: a\n\ndata: b\n\n"));
    /// assert_eq!(decoder.next_event().unwrap().unwrap().id(), Some("1"));
    /// let second = decoder.next_event().unwrap().unwrap();
    /// assert_eq!(second.id(), None); // no `id` field of its own...
    /// assert_eq!(decoder.last_event_id(), Some("1")); // ...but the last ID carries over
    /// ```
    pub fn last_event_id(&self) -> Option<&str> {
        Some(self.state.last_event_id.as_str()).filter(|id| !id.is_empty())
    }

    /// The reconnection time of the last valid `retry` field seen, if any.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use llm_core::sse::SseDecoder;
    /// use std::time::Duration;
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(Bytes::from_static(b"retry: 2500\n\n"));
    /// assert!(decoder.next_event().unwrap().is_none());
    /// assert_eq!(decoder.retry(), Some(Duration::from_millis(2500)));
    /// ```
    pub fn retry(&self) -> Option<Duration> {
        self.state.reconnection_time
    }

    /// The cap on the size of one event, in bytes.
    ///
    /// ```
    /// use llm_core::sse::SseDecoder;
    /// assert_eq!(SseDecoder::with_max_event_size(1024).max_event_size(), 1024);
    /// ```
    pub fn max_event_size(&self) -> usize {
        self.state.max_event_size
    }

    /// Pushed bytes not yet read.
    fn buffered(&self) -> usize {
        self.current.len() - self.pos + self.queue.iter().map(Bytes::len).sum::<usize>()
    }
}

/// How many bytes of `rest` the line ending at `end` (a CR or LF) takes with its
/// terminator: a CRLF inside this chunk as a whole; a CR ending the chunk sets `skip_lf`.
fn consumed_to(rest: &[u8], end: usize, skip_lf: &mut bool) -> usize {
    let mut consumed = end + 1;
    if rest[end] == b'\r' {
        match rest.get(end + 1) {
            Some(b'\n') => consumed += 1,
            Some(_) => {}
            None => *skip_lf = true,
        }
    }
    consumed
}

/// A streamed `data` line is searched, validated and copied in blocks of this many bytes,
/// so that the second and third pass read the block from L1 cache rather than a whole
/// (up to 64 KiB) chunk from L2. 4 KiB beat 2, 8 and 16 KiB on 16 and 64 KiB reads (see
/// BENCHMARKS.md), for about 3 % more instructions than 8 KiB.
pub(super) const STREAM_BLOCK: usize = 4 * 1024;

impl EventState {
    /// Appends `rest`, the next bytes of a streamed `data` line, block by block up to its
    /// line end. `None`: all of `rest` was appended and the line goes on.
    /// `Some((appended, end))`: the line ends at `rest[end]` and `rest[..appended]` was
    /// appended (the caller checks the size cap on the rest and ends the line).
    ///
    /// On an error the line is not ended (the caller skips it).
    fn stream_data(
        &mut self,
        rest: &[u8],
        line_ends: &LineEnds,
    ) -> Result<Option<(usize, usize)>, Error> {
        let mut appended = 0;
        for block in rest.chunks(STREAM_BLOCK) {
            if let Some(end) = line_ends.find(block) {
                return Ok(Some((appended, appended + end)));
            }
            // The same cap check as for a whole chunk: a block fits iff every byte
            // before it and it fit.
            if self.pending_len() + block.len() > self.max_event_size {
                return Err(self.too_large());
            }
            self.push_text(block)?;
            appended += block.len();
        }
        Ok(None)
    }

    /// Interprets one complete, non-blank line (without its terminator); `chunk` is the
    /// input chunk that holds all of `line`, if one does (then its data may be shared).
    #[inline]
    fn process_line(&mut self, line: &[u8], chunk: Option<&Bytes>) -> Result<(), Error> {
        // The common case first: `data:` lines.
        // (A slice pattern compiles to byte compares, `strip_prefix` to a `memcmp` call.)
        if let [b'd', b'a', b't', b'a', b':', value @ ..] = line {
            self.data_line(strip_space(value), chunk)
        } else {
            self.field(line)
        }
    }

    /// The bytes of the event so far that count towards the size cap, besides a pending
    /// line in the line buffer.
    fn pending_len(&self) -> usize {
        self.data_len() + self.line_overhead + self.carry_len
    }

    /// The length of the event's data so far.
    fn data_len(&self) -> usize {
        self.data.len() + self.shared.as_ref().map_or(0, |shared| shared.len())
    }

    /// Copies a shared first `data` value into the data buffer, before more is appended.
    fn unshare(&mut self, more: usize) {
        if let Some(shared) = self.shared.take() {
            self.data.reserve(shared.len() + more);
            push_in_pieces(&mut self.data, &shared);
        }
    }

    /// After an error: drops the event and skips its remaining lines.
    fn fail_event(&mut self) {
        self.abort_event();
        self.discarding = true;
    }

    /// Starts streaming a `data` line that spans chunks; `line` is its start, at least
    /// `data:` and one more byte (so the optional space is known).
    fn start_data_line(&mut self, line: &[u8]) -> Result<(), Error> {
        let value = strip_space(&line[5..]);
        let joined = self.has_data;
        self.unshare(value.len() + 1);
        // Size the buffer like the last event with a long line (the next is likely
        // similar), sparing the reallocations (and their copies) of doubling up to it.
        let wanted = self.streamed_size_hint.saturating_sub(self.data.len());
        self.data.reserve(wanted.max(value.len() + 1));
        self.streamed_event = true;
        if joined {
            self.data.push('\n');
        }
        self.has_data = true;
        self.streaming = true;
        self.line_overhead = line.len() - value.len() - usize::from(joined);
        self.push_text(value)
    }

    /// Ends a streamed `data` line with its last bytes.
    fn end_data_line(&mut self, tail: &[u8]) -> Result<(), Error> {
        self.push_text(tail)?;
        if self.carry_len != 0 {
            // The line ended inside a UTF-8 sequence: this fails validation.
            let text = utf8(&self.carry[..self.carry_len], "data")?;
            self.data.push_str(text);
            self.carry_len = 0;
        }
        self.streaming = false;
        self.line_overhead = 0;
        Ok(())
    }

    /// Appends part of a streamed `data` value, carrying an incomplete UTF-8 sequence at
    /// its end over to the next part.
    fn push_text(&mut self, mut bytes: &[u8]) -> Result<(), Error> {
        if self.carry_len > 0 {
            let have = self.carry_len;
            let need = utf8_width(self.carry[0]) - have;
            if bytes.len() < need {
                self.carry[have..have + bytes.len()].copy_from_slice(bytes);
                self.carry_len += bytes.len();
                return check_partial(&self.carry[..self.carry_len]);
            }
            let mut char_bytes = self.carry;
            char_bytes[have..have + need].copy_from_slice(&bytes[..need]);
            self.data
                .push_str(utf8(&char_bytes[..have + need], "data")?);
            self.carry_len = 0;
            bytes = &bytes[need..];
        }
        // (`carry_len` is 0 here.) A part ending in ASCII, the usual case, carries nothing.
        let cut = match bytes.last() {
            Some(&last) if last < 0x80 => bytes.len(),
            _ => incomplete_tail(bytes),
        };
        push_in_pieces(&mut self.data, utf8(&bytes[..cut], "data")?);
        let tail = &bytes[cut..];
        if !tail.is_empty() {
            check_partial(tail)?;
            self.carry[..tail.len()].copy_from_slice(tail);
            self.carry_len = tail.len();
        }
        Ok(())
    }

    /// A line other than a blank or `data:` line.
    fn field(&mut self, line: &[u8]) -> Result<(), Error> {
        let (name, value) = match memchr(b':', line) {
            Some(0) => return Ok(()), // a comment
            Some(colon) => (&line[..colon], strip_space(&line[colon + 1..])),
            None => (line, &b""[..]),
        };
        match name {
            b"data" => self.data_line(value, None)?,
            b"event" => {
                let value = utf8(value, "event")?;
                match &mut self.event_type {
                    Some(event_type) => {
                        event_type.clear();
                        event_type.push_str(value);
                    }
                    None => self.event_type = Some(value.to_owned()),
                }
            }
            // An `id` containing NUL is ignored.
            b"id" if memchr(0, value).is_none() => {
                let value = utf8(value, "id")?;
                self.id_buffer.clear();
                self.id_buffer.push_str(value);
                self.id_buffer_changed = true;
                self.id = Some(value.to_owned());
            }
            b"retry" => {
                if let Some(millis) = parse_millis(value) {
                    let retry = Duration::from_millis(millis);
                    self.event_retry = Some(retry);
                    self.reconnection_time = Some(retry);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn data_line(&mut self, value: &[u8], chunk: Option<&Bytes>) -> Result<(), Error> {
        // The size cap was checked on the whole line.
        if let (false, Some(chunk)) = (self.has_data, chunk) {
            // The event's first `data` line, inside `chunk`: keep a slice of it. (`data` is
            // empty: it is taken or cleared whenever `has_data` goes back to false.)
            let shared = ByteString::try_from(chunk.slice_ref(value))
                .map_err(|err| utf8_error("data", err))?;
            self.shared = Some(shared);
            self.has_data = true;
            return Ok(());
        }
        let value = utf8(value, "data")?;
        self.unshare(value.len() + 1);
        if self.has_data {
            self.data.reserve(value.len() + 1);
            self.data.push('\n');
            push_in_pieces(&mut self.data, value);
        } else if self.data.capacity() == 0 {
            // One exact allocation for the common single-line event.
            let mut data = String::with_capacity(value.len());
            push_in_pieces(&mut data, value);
            self.data = data;
        } else {
            push_in_pieces(&mut self.data, value);
        }
        self.has_data = true;
        Ok(())
    }

    /// A blank line: returns the event, if it had data, and resets the per-event state.
    fn dispatch(&mut self) -> Option<Event> {
        if self.id_buffer_changed {
            self.id_buffer_changed = false;
            self.last_event_id.clone_from(&self.id_buffer);
        }
        if !self.has_data {
            self.abort_event();
            return None;
        }
        self.has_data = false;
        if self.streamed_event {
            self.streamed_event = false;
            self.streamed_size_hint = self.data_len();
        }
        let data = match self.shared.take() {
            Some(shared) => Data::Shared(shared),
            None => Data::Owned(mem::take(&mut self.data)),
        };
        Some(Event::from_parts(
            self.event_type.take(),
            data,
            self.id.take(),
            self.event_retry.take(),
        ))
    }

    /// Drops the fields of the event being built.
    fn abort_event(&mut self) {
        self.shared = None;
        self.data.clear();
        self.has_data = false;
        self.streaming = false;
        self.line_overhead = 0;
        self.carry_len = 0;
        self.streamed_event = false;
        self.event_type = None;
        self.id = None;
        self.event_retry = None;
    }

    fn too_large(&self) -> Error {
        Error::with_message(
            ErrorKind::ResponseTooLarge,
            format!(
                "a server-sent event exceeded the cap of {} bytes",
                self.max_event_size
            ),
        )
    }
}

/// The length of the UTF-8 sequence a lead byte announces (1 for bytes that cannot lead
/// one; validation rejects those).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Where an incomplete UTF-8 sequence at the end of `bytes` starts (`bytes.len()` if the
/// end is not inside a sequence).
fn incomplete_tail(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(3) {
        let byte = bytes[len - back];
        if byte & 0xC0 != 0x80 {
            // Not a continuation byte: this starts the last sequence.
            return if utf8_width(byte) > back {
                len - back
            } else {
                len
            };
        }
    }
    len
}

/// Large copies are made in pieces of this many bytes.
///
/// glibc's `memcpy` switches to `rep movsb` for copies of a few KiB and more; on some CPUs
/// (AMD EPYC here) that ran at a sixth of the speed of its vector loop: 64 KiB events
/// decoded at about 1 GB/s, and at 6 GB/s with the copies made in pieces (see
/// BENCHMARKS.md). glibc takes `rep movsb` only for copies above its threshold, which is
/// at least 2 KiB (2048 with SSE2, 2112 on an Intel Xeon VM here, 4096 with AVX2), so
/// pieces of 2 KiB avoid it; a 1460-byte read of a long line is then one copy.
const COPY_PIECE: usize = 2048;

/// `dst.push_str(text)`, copying in pieces of at most [`COPY_PIECE`] bytes.
#[inline]
fn push_in_pieces(dst: &mut String, text: &str) {
    if text.len() <= COPY_PIECE {
        dst.push_str(text);
        return;
    }
    dst.reserve(text.len());
    let mut rest = text;
    while rest.len() > COPY_PIECE {
        let mut cut = COPY_PIECE;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, tail) = rest.split_at(cut);
        dst.push_str(piece);
        rest = tail;
    }
    dst.push_str(rest);
}

/// `dst.extend_from_slice(bytes)`, copying in pieces of at most [`COPY_PIECE`] bytes.
#[inline]
fn extend_in_pieces(dst: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() > COPY_PIECE {
        dst.reserve(bytes.len());
    }
    for piece in bytes.chunks(COPY_PIECE) {
        dst.extend_from_slice(piece);
    }
}

/// Fails when `partial`, the start of a UTF-8 sequence carried to the next chunk, can no
/// longer become valid (e.g. a lead byte followed by a non-continuation byte), so the error
/// does not depend on where the chunks were cut.
fn check_partial(partial: &[u8]) -> Result<(), Error> {
    match std::str::from_utf8(partial) {
        Err(err) if err.error_len().is_some() => utf8(partial, "data").map(drop),
        _ => Ok(()),
    }
}

/// Strips exactly one leading space.
fn strip_space(value: &[u8]) -> &[u8] {
    match value {
        [b' ', rest @ ..] => rest,
        _ => value,
    }
}

/// `value` as text, or a [`ErrorKind::Decode`] error naming `field`.
///
/// Validated with `simdutf8` (1.7x `std::str::from_utf8` on ASCII here), which matters for
/// long `data` lines copied piece by piece as chunks arrive (a 1 MiB line in 1460-byte
/// reads decodes about 15% faster, see BENCHMARKS.md); its error carries no detail, so a
/// failure is checked again by `std` for the error's source.
fn utf8<'a>(value: &'a [u8], field: &str) -> Result<&'a str, Error> {
    match simdutf8::basic::from_utf8(value) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(value).map_err(|err| utf8_error(field, err)),
    }
}

fn utf8_error(field: &str, err: std::str::Utf8Error) -> Error {
    Error::with_source(
        ErrorKind::Decode,
        format!("invalid UTF-8 in the `{field}` field of a server-sent event"),
        err,
    )
}

/// A `retry` value: ASCII digits only (and at least one), in milliseconds.
fn parse_millis(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SseDecoder {
    // Event contents stay out of debug output (they may be user data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let buffered = self.buffered();
        f.debug_struct("SseDecoder")
            .field("max_event_size", &self.state.max_event_size)
            .field("buffered_bytes", &buffered)
            .field("pending_line_bytes", &self.line.len())
            .field("pending_data_bytes", &self.state.data_len())
            .field("last_event_id", &self.last_event_id())
            .field("retry", &self.state.reconnection_time)
            .finish()
    }
}
