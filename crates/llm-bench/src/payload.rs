//! The bytes the server sends and the decode section feeds: chat-completion chunk events,
//! a small completion and an embeddings response.

use std::fmt::Write as _;

/// How lines end in a generated event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`
    Lf,
    /// `\r\n`
    CrLf,
    /// `\r` alone
    Cr,
}

impl LineEnding {
    /// The line terminator.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }

    /// The name used in URLs and tables.
    pub fn name(self) -> &'static str {
        match self {
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
            LineEnding::Cr => "CR",
        }
    }

    /// Parses [`name`](Self::name) (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "lf" => Some(LineEnding::Lf),
            "crlf" => Some(LineEnding::CrLf),
            "cr" => Some(LineEnding::Cr),
            _ => None,
        }
    }
}

/// The JSON of one streamed chat chunk carrying both `delta` (OpenAI, async-openai) and
/// `message` (PeakPrivacy) so both SDKs parse the same bytes. `created` is a number the
/// latency mode uses as the server's send stamp.
pub fn chunk_json(content: &str, created: u64) -> String {
    format!(
        concat!(
            r#"{{"id":"chatcmpl-AXa9Tb2qLw7","object":"chat.completion.chunk","#,
            r#""created":{created},"model":"mistral-swiss-2024-11","#,
            r#""choices":[{{"index":0,"delta":{{"role":"assistant","content":"{content}"}},"#,
            r#""message":{{"role":"assistant","content":"{content}"}},"finish_reason":null}}]}}"#
        ),
        created = created,
        content = content,
    )
}

/// The realistic chat chunk event (`data: {json}\n\n`), exactly 270 bytes.
pub fn chat_event() -> String {
    format!("data: {}\n\n", chunk_json(" streams", 1_732_252_800))
}

/// A paced event: the chat chunk with `created` = the send stamp, with `ending` line ends.
pub fn stamped_event(stamp_ns: u64, ending: LineEnding) -> String {
    let e = ending.as_str();
    format!("data: {}{e}{e}", chunk_json(" tok", stamp_ns))
}

/// A minimal chat-completion token event of exactly 58 bytes.
pub fn small_event() -> String {
    let build = |pad: usize| {
        format!(
            "data: {{\"choices\":[{{\"delta\":{{\"content\":\"hello{}\"}}}}]}}\n\n",
            " ".repeat(pad)
        )
    };
    let pad = 58 - build(0).len();
    build(pad)
}

/// One event of `size` bytes: a single `data:` line of JSON-ish ASCII.
pub fn large_event(size: usize) -> String {
    let head = "data: {\"text\":\"";
    let tail = "\"}\n\n";
    let filler = "The quick brown fox jumps over the lazy dog. ";
    let mut event = String::with_capacity(size);
    event.push_str(head);
    while event.len() < size - tail.len() {
        event.push_str(filler);
    }
    event.truncate(size - tail.len());
    event.push_str(tail);
    event
}

/// The `data: [DONE]` sentinel event.
pub const DONE_EVENT: &str = "data: [DONE]\n\n";

/// A small non-streaming chat completion (PeakPrivacy shape, OpenAI-compatible).
pub fn completion_json() -> String {
    concat!(
        r#"{"id":"1df8f5af-c96d-42ba-938a-3f5c4f62e633","object":"chat.completion","#,
        r#""created":1705942239,"model":"gpt-3.5-turbo-1106","#,
        r#""choices":[{"finish_reason":"stop","index":0,"#,
        r#""message":{"content":"Hello! How can I assist you today?","role":"assistant"}}],"#,
        r#""usage":{"completion_tokens":9,"prompt_tokens":8,"total_tokens":17}}"#
    )
    .to_owned()
}

/// The vectors of the embeddings responses: `count` vectors of `dims` deterministic
/// values in (-1, 1) (xorshift), the same in the float and the base64 body.
pub fn embedding_values(count: usize, dims: usize) -> Vec<Vec<f32>> {
    let mut state: u32 = 0x9E37_79B9;
    (0..count)
        .map(|_| {
            (0..dims)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    ((f64::from(state) / f64::from(u32::MAX)) * 2.0 - 1.0) as f32
                })
                .collect()
        })
        .collect()
}

/// How the server encodes each vector of an embeddings response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorEncoding {
    /// A JSON array of numbers, each printed with 9 decimals (`{:.9}`), as the float
    /// responses of this harness always were.
    Float,
    /// A base64 string (standard alphabet, padded) of the little-endian `f32` bytes.
    Base64,
}

impl VectorEncoding {
    /// The request's `encoding_format` value.
    pub fn name(self) -> &'static str {
        match self {
            VectorEncoding::Float => "float",
            VectorEncoding::Base64 => "base64",
        }
    }
}

/// An OpenAI-style embeddings response with `count` vectors of `dims` values
/// ([`embedding_values`]), each vector encoded as `encoding` says.
pub fn embeddings_body(count: usize, dims: usize, encoding: VectorEncoding) -> String {
    use base64::Engine as _;
    let per_value = match encoding {
        VectorEncoding::Float => 13,
        VectorEncoding::Base64 => 6,
    };
    let mut out = String::with_capacity(count * dims * per_value + 256);
    out.push_str(r#"{"object":"list","data":["#);
    for (index, vector) in embedding_values(count, dims).iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(r#"{"object":"embedding","index":"#);
        let _ = write!(out, "{index}");
        out.push_str(r#","embedding":"#);
        match encoding {
            VectorEncoding::Float => {
                out.push('[');
                for (d, v) in vector.iter().enumerate() {
                    if d > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{v:.9}");
                }
                out.push(']');
            }
            VectorEncoding::Base64 => {
                let bytes: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
                out.push('"');
                base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut out);
                out.push('"');
            }
        }
        out.push('}');
    }
    out.push_str(r#"],"model":"nomic-embed-v1.5","usage":{"prompt_tokens":64,"total_tokens":64}}"#);
    out
}

/// The float embeddings response: [`embeddings_body`] with [`VectorEncoding::Float`].
pub fn embeddings_json(count: usize, dims: usize) -> String {
    embeddings_body(count, dims, VectorEncoding::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(chat_event().len(), 270);
        assert_eq!(small_event().len(), 58);
        assert_eq!(large_event(65536).len(), 65536);
        let v: serde_json::Value =
            serde_json::from_str(&embeddings_json(8, 1536)).expect("valid json");
        assert_eq!(
            v["data"][7]["embedding"].as_array().map(Vec::len),
            Some(1536)
        );
        let v: serde_json::Value =
            serde_json::from_str(&embeddings_body(2, 3, VectorEncoding::Base64))
                .expect("valid json");
        // 3 f32 = 12 bytes = 16 base64 characters, no padding needed.
        assert_eq!(v["data"][1]["embedding"].as_str().map(str::len), Some(16));
    }
}
