//! Section 4: CPU per non-streaming request (keep-alive, sequential): a small chat
//! completion, and embeddings responses of 1, 8 and 64 vectors of 1536 dimensions sent as
//! JSON floats or as base64, ours against raw `reqwest` + `serde_json` (+ the `base64`
//! crate) decoding into equivalent types.

use std::borrow::Cow;
use std::time::Instant;

use base64::Engine as _;

use serde::{Deserialize, Serialize};

use crate::clients::BoxError;
use crate::payload::{self, VectorEncoding};
use crate::stats::{paired_median, Summary};
use crate::sys;

/// Dimensions of every vector the server sends.
pub const DIMS: usize = 1536;

/// Vectors per embeddings response in the float-vs-base64 table.
pub const VECTOR_COUNTS: [usize; 3] = [1, 8, 64];

/// The `count` texts embedded per request.
pub fn inputs(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("benchmark input number {i}: a short sentence to embed"))
        .collect()
}

/// The embeddings request body raw users serialise: the same fields, in the same order,
/// as ours sends.
#[derive(Debug, Serialize)]
pub struct RawEmbeddingRequest<'a> {
    /// Texts.
    pub inputs: &'a [String],
    /// Model id.
    pub model: &'static str,
    /// Dimensions.
    pub dimensions: usize,
    /// `float` or `base64`.
    pub encoding_format: &'static str,
}

/// What raw `reqwest` users decode an embeddings response into (the same information as
/// `aligneai::EmbeddingResponse`).
#[derive(Debug, Deserialize)]
pub struct RawEmbeddings {
    /// Vectors.
    pub data: Vec<RawEmbedding>,
    /// Model.
    pub model: Option<String>,
    /// Usage.
    pub usage: Option<RawUsage>,
}

/// One vector.
#[derive(Debug, Deserialize)]
pub struct RawEmbedding {
    /// Input position.
    pub index: usize,
    /// The floats.
    pub embedding: Vec<f32>,
}

/// A base64 embeddings response as raw `reqwest` users would decode it: the strings
/// borrowed from the body where they have no escapes, then decoded with the `base64` crate.
#[derive(Debug, Deserialize)]
pub struct RawBase64Embeddings<'a> {
    /// Vectors.
    #[serde(borrow)]
    pub data: Vec<RawBase64Embedding<'a>>,
    /// Model.
    pub model: Option<String>,
    /// Usage.
    pub usage: Option<RawUsage>,
}

/// One base64 vector.
#[derive(Debug, Deserialize)]
pub struct RawBase64Embedding<'a> {
    /// Input position.
    pub index: usize,
    /// Base64 of the little-endian `f32`s.
    #[serde(borrow)]
    pub embedding: Cow<'a, str>,
}

/// Decodes base64 of little-endian `f32`s, as a raw user would.
///
/// # Errors
/// Invalid base64, or a length that is not a whole number of `f32`s.
pub fn raw_base64_vector(text: &str) -> Result<Vec<f32>, BoxError> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(text)?;
    if bytes.len() % 4 != 0 {
        return Err("not a whole number of f32 values".into());
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// How raw users decode an embeddings body into vectors (kept out of line so a profiler
/// shows its cost beside ours, `aligneai::embeddings::decode::decode`).
///
/// # Errors
/// The body is not the expected JSON or holds bad base64.
#[inline(never)]
pub fn raw_decode(body: &[u8], encoding: VectorEncoding) -> Result<Vec<Vec<f32>>, BoxError> {
    Ok(match encoding {
        VectorEncoding::Float => {
            let parsed: RawEmbeddings = serde_json::from_slice(body)?;
            parsed.data.into_iter().map(|e| e.embedding).collect()
        }
        VectorEncoding::Base64 => {
            let parsed: RawBase64Embeddings<'_> = serde_json::from_slice(body)?;
            parsed
                .data
                .iter()
                .map(|e| raw_base64_vector(&e.embedding))
                .collect::<Result<_, _>>()?
        }
    })
}

/// Token counts.
#[derive(Debug, Deserialize)]
pub struct RawUsage {
    /// Prompt tokens.
    pub prompt_tokens: Option<u64>,
    /// Total tokens.
    pub total_tokens: Option<u64>,
}

/// The chat request body raw users serialise.
#[derive(Debug, Serialize)]
pub struct RawChatRequest {
    /// Model id.
    pub model: &'static str,
    /// Messages.
    pub messages: Vec<RawMessage>,
    /// PeakPrivacy's anonymisation switch.
    pub anonymize: bool,
    /// Streaming off.
    pub stream: bool,
}

/// One chat message.
#[derive(Debug, Serialize)]
pub struct RawMessage {
    /// Role.
    pub role: &'static str,
    /// Text.
    pub content: String,
}

/// Which request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Small chat completion.
    Chat,
    /// 8 x 1536 embeddings.
    Embeddings,
}

impl Kind {
    /// Row label.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Chat => "small chat completion",
            Kind::Embeddings => "embeddings 8 x 1536 floats",
        }
    }
}

/// One row of the summary table: CPU per request for raw reqwest and for ours.
#[derive(Debug, Clone)]
pub struct Row {
    /// Which request.
    pub kind: Kind,
    /// Requests per repetition.
    pub requests: usize,
    /// Raw reqwest + serde_json, CPU ns per request.
    pub raw: Summary,
    /// Ours, CPU ns per request.
    pub ours: Summary,
    /// Ours / raw as the median of per-block ratios, where the cells were measured in
    /// alternating blocks; `None`: the ratio of the medians.
    pub paired_ratio: Option<f64>,
}

/// Who sends a non-streaming request and decodes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Raw `reqwest` + `serde_json` into plain structs (+ the `base64` crate).
    Raw,
    /// The SDK: `aligneai` embeddings `create`, `peakprivacy` chat `create`.
    Ours,
}

impl Client {
    /// Parses `raw` or `ours`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "raw" => Some(Client::Raw),
            "ours" => Some(Client::Ours),
            _ => None,
        }
    }
}

/// One row of the float-vs-base64 table: one vector count, both encodings, both clients.
///
/// The four cells are measured in short blocks that take turns (raw float, ours float, raw
/// base64, ours base64, then the reverse order), so neighbouring blocks run under the same
/// load; the ratios are medians of the per-block ratios, which a load change between
/// blocks barely moves.
#[derive(Debug, Clone)]
pub struct EmbedRow {
    /// Vectors per response (of [`DIMS`] values each).
    pub vectors: usize,
    /// Blocks per cell.
    pub blocks: usize,
    /// Requests per block.
    pub requests: usize,
    /// Response body bytes with JSON floats.
    pub float_bytes: usize,
    /// Response body bytes with base64 vectors.
    pub base64_bytes: usize,
    /// Raw, floats: CPU ns per request (over blocks).
    pub raw_float: Summary,
    /// Ours, floats: CPU ns per request (over blocks).
    pub ours_float: Summary,
    /// Raw, base64: CPU ns per request (over blocks).
    pub raw_base64: Summary,
    /// Ours, base64: CPU ns per request (over blocks).
    pub ours_base64: Summary,
    /// Ours / raw with floats, per block.
    pub ratio_float: Summary,
    /// Ours / raw with base64, per block.
    pub ratio_base64: Summary,
    /// Ours base64 / ours floats, per block.
    pub ratio_ours_base64_float: Summary,
}

impl EmbedRow {
    /// The cell of `client` and `encoding`.
    pub fn get(&self, client: Client, encoding: VectorEncoding) -> &Summary {
        match (client, encoding) {
            (Client::Raw, VectorEncoding::Float) => &self.raw_float,
            (Client::Ours, VectorEncoding::Float) => &self.ours_float,
            (Client::Raw, VectorEncoding::Base64) => &self.raw_base64,
            (Client::Ours, VectorEncoding::Base64) => &self.ours_base64,
        }
    }
}

/// How exactly the float body carries the vectors: what a JSON float client gets back
/// compared with the `f32`s the server holds (and base64 carries bit for bit).
#[derive(Debug, Clone, Copy, Default)]
pub struct Precision {
    /// Values compared.
    pub values: usize,
    /// Values that came back bit for bit.
    pub exact: usize,
    /// Largest absolute difference.
    pub max_abs_error: f32,
    /// Largest difference in units in the last place of the `f32`.
    pub max_ulps: u32,
}

/// Compares the float body of 8 vectors, decoded as `serde_json` decodes it (what both
/// clients do), with the server's `f32`s.
///
/// # Errors
/// The body does not decode.
pub fn float_precision() -> Result<Precision, BoxError> {
    let body = payload::embeddings_body(8, DIMS, VectorEncoding::Float);
    let parsed: RawEmbeddings = serde_json::from_str(&body)?;
    let truth = payload::embedding_values(8, DIMS);
    let mut p = Precision::default();
    for (got, want) in parsed.data.iter().zip(&truth) {
        for (g, w) in got.embedding.iter().zip(want) {
            p.values += 1;
            if g.to_bits() == w.to_bits() {
                p.exact += 1;
            }
            p.max_abs_error = p.max_abs_error.max((g - w).abs());
            p.max_ulps = p.max_ulps.max(g.to_bits().abs_diff(w.to_bits()));
        }
    }
    Ok(p)
}

/// What section 4 measured.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// The summary rows: chat, and embeddings 8 x 1536 floats (taken from `embeddings`).
    pub rows: Vec<Row>,
    /// The float-vs-base64 table.
    pub embeddings: Vec<EmbedRow>,
    /// How exactly the float body carries the vectors.
    pub precision: Precision,
}

struct Clients {
    http: reqwest::Client,
    root: String,
    peak: peakprivacy::PeakPrivacy,
    aligne: aligneai::AligneAI,
}

impl Clients {
    fn new(root: &str) -> Result<Self, BoxError> {
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            root: root.to_owned(),
            peak: peakprivacy::PeakPrivacy::builder()
                .api_token("bench-token")
                .base_url(format!("{root}chat/"))
                .build()?,
            aligne: aligneai::AligneAI::builder()
                .api_key("bench-key")
                .base_url(format!("{root}embed/"))
                .build()?,
        })
    }
}

async fn raw_chat(c: &Clients) -> Result<usize, BoxError> {
    // Serialised per request, as ours does (same wire bytes as PeakPrivacy's).
    let body = serde_json::to_vec(&RawChatRequest {
        model: "mistral-swiss",
        messages: vec![RawMessage {
            role: "user",
            content: "Say hello".to_owned(),
        }],
        anonymize: false,
        stream: false,
    })?;
    let bytes = raw_post(c, "chat/ai/completions", body).await?;
    let completion: peakprivacy::ChatCompletion = serde_json::from_slice(&bytes)?;
    Ok(completion.content().len())
}

/// What a raw reqwest user does per request: POST the JSON `body` to `path` and read the
/// whole 2xx body.
async fn raw_post(c: &Clients, path: &str, body: Vec<u8>) -> Result<bytes::Bytes, BoxError> {
    let response = c
        .http
        .post(format!("{}{path}", c.root))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()).into());
    }
    Ok(response.bytes().await?)
}

async fn ours_chat(c: &Clients) -> Result<usize, BoxError> {
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Say hello")],
    )
    .anonymize(false);
    let completion = c.peak.chat().completions().create(request).await?;
    Ok(completion.content().len())
}

/// One embeddings request of `count` inputs; returns the number of values received.
async fn embed_once(
    c: &Clients,
    client: Client,
    encoding: VectorEncoding,
    count: usize,
) -> Result<usize, BoxError> {
    match client {
        Client::Raw => {
            let texts = inputs(count);
            let body = serde_json::to_vec(&RawEmbeddingRequest {
                inputs: &texts,
                model: aligneai::DEFAULT_EMBEDDING_MODEL,
                dimensions: DIMS,
                encoding_format: encoding.name(),
            })?;
            let bytes = raw_post(c, "embed/embeddings", body).await?;
            let vectors = raw_decode(&bytes, encoding)?;
            Ok(vectors.iter().map(Vec::len).sum())
        }
        Client::Ours => {
            let format = match encoding {
                VectorEncoding::Float => aligneai::EncodingFormat::Float,
                VectorEncoding::Base64 => aligneai::EncodingFormat::Base64,
            };
            let request = aligneai::EmbeddingRequest::new(inputs(count))
                .dimensions(DIMS as u32)
                .encoding_format(format);
            let response = c.aligne.embeddings().create(request).await?;
            Ok(response.vectors().map(<[f32]>::len).sum())
        }
    }
}

/// CPU ns per call of `f`, over `n` calls; each call must return `expected`.
async fn measure<F, Fut>(n: usize, expected: usize, what: &str, mut f: F) -> Result<f64, BoxError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize, BoxError>>,
{
    let cpu0 = sys::process_cpu();
    let t0 = Instant::now();
    for _ in 0..n {
        let got = f().await?;
        if got != expected {
            return Err(format!("{what}: got {got}, expected {expected}").into());
        }
    }
    let _wall = t0.elapsed();
    Ok(sys::process_cpu().saturating_sub(cpu0).as_nanos() as f64 / n as f64)
}

/// Blocks per repetition in the float-vs-base64 table.
pub const BLOCKS_PER_REP: usize = 8;

/// Requests per repetition for `count` vectors when the 8-vector row makes `n_embed`
/// (split into [`BLOCKS_PER_REP`] blocks).
pub fn embed_requests(n_embed: usize, count: usize) -> usize {
    (n_embed * 8 / count.max(1)).max(3)
}

/// Runs the section: the chat row (alternating raw and ours, `reps` repetitions of
/// `n_chat` sequential requests after a warm-up), then per vector count of
/// [`VECTOR_COUNTS`] the four embeddings cells in turns of short blocks (`reps` x
/// [`BLOCKS_PER_REP`] blocks of [`embed_requests`]`(n_embed, count) / BLOCKS_PER_REP`
/// requests each, see [`EmbedRow`]).
///
/// # Errors
/// A failed request or a wrong answer.
pub async fn run(
    root: &str,
    n_chat: usize,
    n_embed: usize,
    reps: usize,
) -> Result<Measured, BoxError> {
    let c = Clients::new(root)?;
    let mut out = Measured {
        precision: float_precision()?,
        ..Measured::default()
    };

    let expected = "Hello! How can I assist you today?".len();
    // Warm-up: connections, allocator, caches.
    for _ in 0..(n_chat / 10).max(5) {
        raw_chat(&c).await?;
        ours_chat(&c).await?;
    }
    // Short alternating blocks (every other block ours first), compared block by block
    // as the embeddings cells are, so a change of the machine's load cancels out.
    let per_block = (n_chat / BLOCKS_PER_REP).max(1);
    let (mut raw, mut ours) = (Vec::new(), Vec::new());
    for block in 0..reps * BLOCKS_PER_REP {
        if block % 2 == 1 {
            ours.push(measure(per_block, expected, "ours chat", || ours_chat(&c)).await?);
        }
        raw.push(measure(per_block, expected, "raw chat", || raw_chat(&c)).await?);
        if block % 2 == 0 {
            ours.push(measure(per_block, expected, "ours chat", || ours_chat(&c)).await?);
        }
    }
    out.rows.push(Row {
        kind: Kind::Chat,
        requests: n_chat,
        raw: Summary::of(&raw),
        ours: Summary::of(&ours),
        paired_ratio: Some(paired_median(&raw, &ours, |r, o| o / r)),
    });

    const CELLS: [(Client, VectorEncoding); 4] = [
        (Client::Raw, VectorEncoding::Float),
        (Client::Ours, VectorEncoding::Float),
        (Client::Raw, VectorEncoding::Base64),
        (Client::Ours, VectorEncoding::Base64),
    ];
    let blocks = reps * BLOCKS_PER_REP;
    for count in VECTOR_COUNTS {
        let n = embed_requests(n_embed, count);
        let per_block = (n / BLOCKS_PER_REP).max(1);
        let expected = count * DIMS;
        for (client, encoding) in CELLS {
            for _ in 0..(n / 10).max(3) {
                embed_once(&c, client, encoding, count).await?;
            }
        }
        let mut cells: [Vec<f64>; 4] = Default::default();
        for block in 0..blocks {
            // Every other block runs the cells in reverse order, so that no cell always
            // follows the same neighbour (caches, allocator state, frequency).
            let mut order: Vec<usize> = (0..CELLS.len()).collect();
            if block % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let (client, encoding) = CELLS[i];
                let what = format!("{client:?} {} x {count}", encoding.name());
                let ns = measure(per_block, expected, &what, || {
                    embed_once(&c, client, encoding, count)
                })
                .await?;
                cells[i].push(ns);
            }
        }
        let ratios = |a: usize, b: usize| {
            let r: Vec<f64> = cells[a].iter().zip(&cells[b]).map(|(x, y)| x / y).collect();
            Summary::of(&r)
        };
        out.embeddings.push(EmbedRow {
            vectors: count,
            blocks,
            requests: per_block,
            float_bytes: payload::embeddings_body(count, DIMS, VectorEncoding::Float).len(),
            base64_bytes: payload::embeddings_body(count, DIMS, VectorEncoding::Base64).len(),
            ratio_float: ratios(1, 0),
            ratio_base64: ratios(3, 2),
            ratio_ours_base64_float: ratios(3, 1),
            raw_float: Summary::of(&cells[0]),
            ours_float: Summary::of(&cells[1]),
            raw_base64: Summary::of(&cells[2]),
            ours_base64: Summary::of(&cells[3]),
        });
    }
    if let Some(row) = out.embeddings.iter().find(|r| r.vectors == 8) {
        out.rows.push(Row {
            kind: Kind::Embeddings,
            requests: row.requests * row.blocks,
            raw: row.raw_float,
            ours: row.ours_float,
            paired_ratio: Some(row.ratio_float.median),
        });
    }
    Ok(out)
}

/// Runs `n` embeddings requests of one cell after a short warm-up, for profilers such as
/// callgrind (`llm-bench --profile-embed raw|ours float|base64 COUNT N`); returns the
/// values received.
///
/// # Errors
/// A failed request or a wrong answer.
pub async fn profile(
    root: &str,
    client: Client,
    encoding: VectorEncoding,
    count: usize,
    n: usize,
) -> Result<usize, BoxError> {
    let c = Clients::new(root)?;
    embed_once(&c, client, encoding, count).await?;
    let mut values = 0;
    for _ in 0..n {
        values += embed_once(&c, client, encoding, count).await?;
    }
    Ok(values)
}

/// Runs `n` small chat completions with `client` after one warm-up request, for profilers
/// such as callgrind (`llm-bench --profile-chat raw|ours N`); returns the bytes of answer
/// text received.
///
/// # Errors
/// A failed request.
pub async fn profile_chat(root: &str, client: Client, n: usize) -> Result<usize, BoxError> {
    let c = Clients::new(root)?;
    let mut total = 0;
    for _ in 0..=n {
        total += match client {
            Client::Raw => raw_chat(&c).await?,
            Client::Ours => ours_chat(&c).await?,
        };
    }
    Ok(total)
}
