//! A one-pass reader for the usual shape of a streamed chat chunk, tried before serde.
//!
//! serde_json's typed parse of a 270-byte chunk was most of a streamed event's CPU (about
//! 560 ns, `llm-bench --parse`): its generic visitors, key matching and string scanning.
//! This reader walks the bytes once, matches only the keys a [`ChatCompletionChunk`] reads,
//! borrows what it can and skips the rest after checking that it is valid JSON. Known keys
//! are first tried as literals in their usual order (one 16-byte compare instead of a scan
//! and a match), and a `message` that repeats the `delta` byte for byte is skipped with one
//! comparison. Per parse of the bench's chunk, drop included: about 4,000 instructions,
//! serde_json's typed parse about 6,800 (callgrind).
//!
//! It returns `None` ("not mine") for anything outside the usual shape (a number where a
//! string is usual, a key written with escapes, a repeated key, a completion-style `text`,
//! nesting deeper than [`MAX_DEPTH`]) and for anything that is not valid JSON. The caller
//! then parses with serde_json, which gives the lenient result or the precise error. When
//! it returns a chunk, that chunk equals what serde_json gives for the same text: the
//! differential property tests below check this on generated and mutated chunks.

use std::borrow::Cow;

use super::chunk::WireChunkChoice;
use super::{ChatCompletionChunk, ChunkChoice, Delta, FinishReason, Role, Usage};

/// The deepest nesting of a skipped value the reader follows (serde_json allows 128).
const MAX_DEPTH: u32 = 64;

/// Reads `text` as one chunk, or `None` when serde_json should decide (see the module docs).
pub(crate) fn read_chunk(text: &str) -> Option<ChatCompletionChunk> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let chunk = reader.chunk()?;
    reader.whitespace();
    (reader.pos == reader.bytes.len()).then_some(chunk)
}

/// A cursor over the chunk's text.
struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// The high bit of each byte of `word` (little-endian) that is a quote, a backslash or a
/// control character. Bytes above the lowest flagged one may be flagged wrongly (a borrow
/// runs upwards), so only the lowest flag counts.
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    (quote | backslash | control) & HIGH
}

/// The number written by the eight ASCII digits of `word` (little-endian: the first digit
/// in the lowest byte), or `None` when a byte is not a digit. Three multiplications
/// instead of eight dependent steps (a ten-digit `created` is most of a number's cost).
/// Each lane holds at most 99, 9,999 and 99,999,999 in turn, so nothing carries into the
/// next lane or overflows.
fn eight_digits(word: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // A digit byte is 0x30-0x39: its high nibble is 3, and adding 6 keeps it 3.
    let high = word & (ONES * 0xF0);
    let carried = word.wrapping_add(ONES * 6) & (ONES * 0xF0);
    if high | (carried >> 4) != ONES * 0x33 {
        return None;
    }
    let digits = word & (ONES * 0x0F);
    let pairs = (digits * 10 + (digits >> 8)) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((quads * 10_000 + (quads >> 32)) & 0xFFFF_FFFF)
}

/// Marks known key number `key` (below 8) as seen; a repeated key is not the usual shape
/// (serde rejects some).
fn first_time(seen: &mut u8, key: u8) -> Option<()> {
    let bit = 1 << key;
    let repeated = *seen & bit != 0;
    *seen |= bit;
    (!repeated).then_some(())
}

/// A known key: its text on the wire with the quotes, also as a little-endian word of up to
/// 16 bytes, so that testing whether the input starts with it is a load and a compare.
struct Key<K> {
    quoted: &'static [u8],
    word: u128,
    mask: u128,
    tag: K,
}

impl<K> Key<K> {
    /// The key written `quoted` (with its quotes, no escapes), tagged `tag`.
    const fn new(quoted: &'static [u8], tag: K) -> Self {
        let mut word = 0;
        let mut mask = 0;
        let mut i = 0;
        while i < quoted.len() && i < 16 {
            word |= (quoted[i] as u128) << (8 * i);
            mask |= 0xFF << (8 * i);
            i += 1;
        }
        Self {
            quoted,
            word,
            mask,
            tag,
        }
    }

    /// Whether `input` starts with this key, quotes included.
    #[inline]
    fn starts(&self, input: &[u8]) -> bool {
        match input
            .get(..16)
            .and_then(|head| <[u8; 16]>::try_from(head).ok())
        {
            Some(head) if self.quoted.len() <= 16 => {
                u128::from_le_bytes(head) & self.mask == self.word
            }
            _ => input.starts_with(self.quoted),
        }
    }

    /// Whether `name` (a key read without its quotes) is this key.
    fn is(&self, name: &[u8]) -> bool {
        self.quoted.get(1..self.quoted.len().saturating_sub(1)) == Some(name)
    }
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then consumes `byte` or fails.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    fn accept(&mut self, byte: u8) -> bool {
        self.whitespace();
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    /// Consumes the literal `word` (`null`, `true`, `false`).
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos.saturating_add(word.len());
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// Consumes `null` if it is next.
    fn null(&mut self) -> bool {
        self.whitespace();
        self.peek() == Some(b'n') && self.literal(b"null").is_some()
    }

    /// Walks an object whose known keys are `keys` (in their usual order on the wire),
    /// calling `member` with the reader placed on each member's value and the key's tag, or
    /// `None` for any other key. The key after the last one matched is tried first as a
    /// literal, which spares scanning and matching it in the usual order; a key written
    /// with escapes is left to serde.
    fn known_object<K: Copy>(
        &mut self,
        keys: &[Key<K>],
        mut member: impl FnMut(&mut Self, Option<K>) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        if self.accept(b'}') {
            return Some(());
        }
        let mut next = 0;
        loop {
            self.whitespace();
            let rest = self.bytes.get(self.pos..)?;
            let tag = match keys.get(next) {
                Some(key) if key.starts(rest) => {
                    self.pos += key.quoted.len();
                    next += 1;
                    Some(key.tag)
                }
                _ => {
                    let text = self.raw_string()?.ok()?.as_bytes();
                    let found = keys.iter().position(|key| key.is(text));
                    found.and_then(|index| {
                        next = index + 1;
                        keys.get(index).map(|key| key.tag)
                    })
                }
            };
            self.expect(b':')?;
            member(self, tag)?;
            if !self.accept(b',') {
                return self.expect(b'}');
            }
        }
    }

    /// Skips an object, checking that it is valid JSON (keys with escapes included).
    fn skip_object(&mut self, depth: u32) -> Option<()> {
        self.expect(b'{')?;
        if self.accept(b'}') {
            return Some(());
        }
        loop {
            if let Err(start) = self.raw_string()? {
                self.escaped(start)?;
            }
            self.expect(b':')?;
            self.skip(depth + 1)?;
            if !self.accept(b',') {
                return self.expect(b'}');
            }
        }
    }

    /// A string at the cursor: borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        match self.raw_string()? {
            Ok(text) => Some(Cow::Borrowed(text)),
            Err(start) => self.escaped(start).map(Cow::Owned),
        }
    }

    /// A string without escapes at the cursor, or `Err(start)` for one with escapes (the
    /// cursor then on its first backslash); `None` for invalid JSON.
    #[inline]
    fn raw_string(&mut self) -> Option<Result<&'a str, usize>> {
        self.expect(b'"')?;
        let start = self.pos;
        self.plain_run();
        match self.peek()? {
            b'"' => {
                let text = self.text.get(start..self.pos)?;
                self.pos += 1;
                Some(Ok(text))
            }
            b'\\' => Some(Err(start)),
            _ => None, // a control character: invalid JSON
        }
    }

    /// The eight bytes at `pos` as a little-endian word, if there are eight.
    #[inline]
    fn word_at(&self, pos: usize) -> Option<u64> {
        let bytes = self.bytes.get(pos..pos.checked_add(8)?)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }

    /// Moves past bytes that need no attention inside a string: to the next quote,
    /// backslash or control character (or the end). Eight bytes per step.
    #[inline]
    fn plain_run(&mut self) {
        while let Some(word) = self.word_at(self.pos) {
            let special = special_bytes(word);
            if special != 0 {
                self.pos += (special.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return;
            }
            self.pos += 1;
        }
    }

    /// The rest of a string with escapes, from its start (the cursor is on a backslash).
    fn escaped(&mut self, start: usize) -> Option<String> {
        let mut out = String::with_capacity(self.pos.saturating_sub(start).saturating_add(16));
        out.push_str(self.text.get(start..self.pos)?);
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let escape = self.peek()?;
                    self.pos += 1;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                byte if byte < 0x20 => return None,
                _ => {
                    let run_start = self.pos;
                    self.plain_run();
                    out.push_str(self.text.get(run_start..self.pos)?);
                }
            }
        }
    }

    /// The character of a `\u` escape (after the `u`), joining a surrogate pair; a lone
    /// surrogate is left to serde.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                self.literal(b"\\u")?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return None,
            _ => first,
        };
        char::from_u32(code)
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Option<u32> {
        let end = self.pos.saturating_add(4);
        let digits = self.bytes.get(self.pos..end)?;
        let mut value = 0;
        for &digit in digits {
            value = value * 16 + char::from(digit).to_digit(16)?;
        }
        self.pos = end;
        Some(value)
    }

    /// A non-negative integer that fits a `u64`, with no fraction or exponent; anything
    /// else is left to serde's lenient number reading.
    fn small_uint(&mut self) -> Option<u64> {
        self.whitespace();
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(eight) = self.word_at(self.pos).and_then(eight_digits) {
            value = value.checked_mul(100_000_000)?.checked_add(eight)?;
            self.pos += 8;
        }
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        let leading_zero = digits > 1 && self.bytes.get(start) == Some(&b'0');
        let fraction = matches!(self.peek(), Some(b'.' | b'e' | b'E'));
        (digits > 0 && !leading_zero && !fraction).then_some(value)
    }

    /// `null` (-> `None`) or a [`small_uint`](Self::small_uint).
    fn opt_uint(&mut self) -> Option<Option<u64>> {
        if self.null() {
            return Some(None);
        }
        self.small_uint().map(Some)
    }

    /// A count as `de::u32_or_zero` reads it: `null` and values past `u32` are 0.
    fn u32_or_zero(&mut self) -> Option<u32> {
        Some(
            self.opt_uint()?
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
        )
    }

    /// `null` (-> `None`) or a string.
    fn opt_string(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.null() {
            return Some(None);
        }
        self.string().map(Some)
    }

    /// A string, or `null` read as empty (as `de::string_or_null` reads it).
    fn string_or_null(&mut self) -> Option<String> {
        Some(self.opt_string()?.map(Cow::into_owned).unwrap_or_default())
    }

    /// Skips one value, checking that it is valid JSON.
    fn skip(&mut self, depth: u32) -> Option<()> {
        self.whitespace();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' if depth < MAX_DEPTH => self.skip_object(depth),
            b'[' if depth < MAX_DEPTH => self.array(|reader| reader.skip(depth + 1).map(drop)),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => None,
        }
    }

    /// Walks an array, calling `element` with the reader placed on each element.
    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        if self.accept(b']') {
            return Some(());
        }
        loop {
            element(self)?;
            if !self.accept(b',') {
                return self.expect(b']');
            }
        }
    }

    /// Skips a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn skip_number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// At least one digit.
    fn some_digits(&mut self) -> Option<()> {
        let start = self.pos;
        self.digits();
        (self.pos > start).then_some(())
    }

    /// The chunk object.
    fn chunk(&mut self) -> Option<ChatCompletionChunk> {
        let mut chunk = ChatCompletionChunk::default();
        let mut seen = 0;
        self.known_object(&CHUNK_KEYS, |reader, key| {
            match key {
                Some(ChunkKey::Id) => {
                    first_time(&mut seen, ChunkKey::Id as u8)?;
                    chunk.id = reader.string_or_null()?;
                }
                Some(ChunkKey::Object) => {
                    first_time(&mut seen, ChunkKey::Object as u8)?;
                    chunk.object = reader.string_or_null()?;
                }
                Some(ChunkKey::Created) => {
                    first_time(&mut seen, ChunkKey::Created as u8)?;
                    chunk.created = reader.opt_uint()?;
                }
                Some(ChunkKey::Model) => {
                    first_time(&mut seen, ChunkKey::Model as u8)?;
                    chunk.model = reader.string_or_null()?;
                }
                Some(ChunkKey::Choices) => {
                    first_time(&mut seen, ChunkKey::Choices as u8)?;
                    chunk.choices = reader.choices()?;
                }
                Some(ChunkKey::Usage) => {
                    first_time(&mut seen, ChunkKey::Usage as u8)?;
                    chunk.usage = reader.usage()?;
                }
                None => reader.skip(1)?,
            }
            Some(())
        })?;
        Some(chunk)
    }

    fn choices(&mut self) -> Option<Vec<ChunkChoice>> {
        // Streams nearly always send one choice per chunk.
        let mut choices = Vec::with_capacity(1);
        self.array(|reader| {
            choices.push(reader.choice()?);
            Some(())
        })?;
        Some(choices)
    }

    /// One choice, with the rules of `chunk::ChoiceVisitor`: a `message` after a complete
    /// `delta` is skipped, `delta` wins over `message`. A `message` whose text is the
    /// `delta`'s, byte for byte, is skipped with one comparison: it would read as the same
    /// value, so it is valid and can add nothing.
    fn choice(&mut self) -> Option<ChunkChoice> {
        let mut wire = WireChunkChoice::default();
        let mut seen = 0;
        let mut delta_text: &[u8] = &[];
        self.known_object(&CHOICE_KEYS, |reader, key| {
            match key {
                Some(ChoiceKey::Index) => {
                    first_time(&mut seen, ChoiceKey::Index as u8)?;
                    wire.index = reader.u32_or_zero()?;
                }
                Some(ChoiceKey::Delta) => {
                    first_time(&mut seen, ChoiceKey::Delta as u8)?;
                    reader.whitespace();
                    let start = reader.pos;
                    wire.delta = reader.opt_delta()?;
                    delta_text = reader.bytes.get(start..reader.pos)?;
                }
                Some(ChoiceKey::Message) => {
                    first_time(&mut seen, ChoiceKey::Message as u8)?;
                    reader.whitespace();
                    let rest = reader.bytes.get(reader.pos..)?;
                    if wire.delta.is_some() && rest.starts_with(delta_text) {
                        reader.pos += delta_text.len();
                    } else if wire.delta.as_ref().is_some_and(Delta::is_complete) {
                        reader.skip(1)?;
                    } else {
                        wire.message = reader.opt_delta()?;
                    }
                }
                Some(ChoiceKey::FinishReason) => {
                    first_time(&mut seen, ChoiceKey::FinishReason as u8)?;
                    wire.finish_reason = reader.opt_string()?.map(|s| FinishReason::from(&*s));
                }
                Some(ChoiceKey::Text) => return None, // completion-style, rare: serde reads it
                None => reader.skip(2)?,
            }
            Some(())
        })?;
        Some(ChunkChoice::from(wire))
    }

    /// `null` or a `delta`/`message` object.
    fn opt_delta(&mut self) -> Option<Option<Delta>> {
        if self.null() {
            return Some(None);
        }
        let mut delta = Delta::default();
        let mut seen = 0;
        self.known_object(&DELTA_KEYS, |reader, key| {
            match key {
                Some(DeltaKey::Role) => {
                    first_time(&mut seen, DeltaKey::Role as u8)?;
                    delta.role = reader.opt_string()?.map(|s| Role::from(&*s));
                }
                Some(DeltaKey::Content) => {
                    first_time(&mut seen, DeltaKey::Content as u8)?;
                    delta.content = reader.opt_string()?.map(Cow::into_owned);
                }
                None => reader.skip(3)?,
            }
            Some(())
        })?;
        Some(Some(delta))
    }

    /// `null` or a `usage` object of plain counts.
    fn usage(&mut self) -> Option<Option<Usage>> {
        if self.null() {
            return Some(None);
        }
        let mut usage = Usage::default();
        let mut seen = 0;
        self.known_object(&USAGE_KEYS, |reader, key| {
            match key {
                Some(UsageKey::Prompt) => {
                    first_time(&mut seen, UsageKey::Prompt as u8)?;
                    usage.prompt_tokens = reader.u32_or_zero()?;
                }
                Some(UsageKey::Completion) => {
                    first_time(&mut seen, UsageKey::Completion as u8)?;
                    usage.completion_tokens = reader.u32_or_zero()?;
                }
                Some(UsageKey::Total) => {
                    first_time(&mut seen, UsageKey::Total as u8)?;
                    usage.total_tokens = reader.u32_or_zero()?;
                }
                None => reader.skip(2)?,
            }
            Some(())
        })?;
        Some(Some(usage))
    }
}

/// The members of a chunk the reader keeps, and their keys in the usual order.
#[derive(Clone, Copy)]
enum ChunkKey {
    Id,
    Object,
    Created,
    Model,
    Choices,
    Usage,
}

const CHUNK_KEYS: [Key<ChunkKey>; 6] = [
    Key::new(b"\"id\"", ChunkKey::Id),
    Key::new(b"\"object\"", ChunkKey::Object),
    Key::new(b"\"created\"", ChunkKey::Created),
    Key::new(b"\"model\"", ChunkKey::Model),
    Key::new(b"\"choices\"", ChunkKey::Choices),
    Key::new(b"\"usage\"", ChunkKey::Usage),
];

/// The members of a choice the reader looks at (`text` only to decline it).
#[derive(Clone, Copy)]
enum ChoiceKey {
    Index,
    Delta,
    Message,
    FinishReason,
    Text,
}

const CHOICE_KEYS: [Key<ChoiceKey>; 5] = [
    Key::new(b"\"index\"", ChoiceKey::Index),
    Key::new(b"\"delta\"", ChoiceKey::Delta),
    Key::new(b"\"message\"", ChoiceKey::Message),
    Key::new(b"\"finish_reason\"", ChoiceKey::FinishReason),
    Key::new(b"\"text\"", ChoiceKey::Text),
];

/// The members of a `delta` or `message`.
#[derive(Clone, Copy)]
enum DeltaKey {
    Role,
    Content,
}

const DELTA_KEYS: [Key<DeltaKey>; 2] = [
    Key::new(b"\"role\"", DeltaKey::Role),
    Key::new(b"\"content\"", DeltaKey::Content),
];

/// The counts of a `usage`.
#[derive(Clone, Copy)]
enum UsageKey {
    Prompt,
    Completion,
    Total,
}

const USAGE_KEYS: [Key<UsageKey>; 3] = [
    Key::new(b"\"prompt_tokens\"", UsageKey::Prompt),
    Key::new(b"\"completion_tokens\"", UsageKey::Completion),
    Key::new(b"\"total_tokens\"", UsageKey::Total),
];

#[cfg(test)]
#[path = "chunk_reader_tests.rs"]
mod tests;
