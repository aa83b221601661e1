//! Section 4: CPU per non-streaming request (keep-alive, sequential): a small chat
//! completion and an 8 x 1536-float embeddings response, ours against raw `reqwest` +
//! `serde_json` decoding into equivalent types.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::clients::BoxError;
use crate::stats::Summary;
use crate::sys;

/// The texts embedded per request.
pub fn inputs() -> Vec<String> {
    (0..8)
        .map(|i| format!("benchmark input number {i}: a short sentence to embed"))
        .collect()
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

/// One row: CPU per request for raw reqwest and for ours.
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
}

struct Clients {
    http: reqwest::Client,
    root: String,
    peak: peakprivacy::PeakPrivacy,
    aligne: aligneai::AligneAI,
}

async fn raw_once(c: &Clients, kind: Kind) -> Result<usize, BoxError> {
    match kind {
        Kind::Chat => {
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
            let response = c
                .http
                .post(format!("{}chat/ai/completions", c.root))
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(body)
                .send()
                .await?;
            if !response.status().is_success() {
                return Err(format!("HTTP {}", response.status()).into());
            }
            let bytes = response.bytes().await?;
            let completion: peakprivacy::ChatCompletion = serde_json::from_slice(&bytes)?;
            Ok(completion.content().len())
        }
        Kind::Embeddings => {
            let body = serde_json::to_vec(&serde_json::json!({ "inputs": inputs() }))?;
            let response = c
                .http
                .post(format!("{}embed/embeddings", c.root))
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(body)
                .send()
                .await?;
            if !response.status().is_success() {
                return Err(format!("HTTP {}", response.status()).into());
            }
            let bytes = response.bytes().await?;
            let parsed: RawEmbeddings = serde_json::from_slice(&bytes)?;
            Ok(parsed.data.iter().map(|e| e.embedding.len()).sum())
        }
    }
}

async fn ours_once(c: &Clients, kind: Kind) -> Result<usize, BoxError> {
    match kind {
        Kind::Chat => {
            let request = peakprivacy::ChatCompletionRequest::new(
                "mistral-swiss",
                [peakprivacy::Message::user("Say hello")],
            )
            .anonymize(false);
            let completion = c.peak.chat().completions().create(request).await?;
            Ok(completion.content().len())
        }
        Kind::Embeddings => {
            let response = c
                .aligne
                .embeddings()
                .create(aligneai::EmbeddingRequest::new(inputs()))
                .await?;
            Ok(response.vectors().map(<[f32]>::len).sum())
        }
    }
}

/// Runs the section: per request kind, alternating raw and ours, `reps` repetitions of
/// `n_chat` / `n_embed` sequential requests after a warm-up.
///
/// # Errors
/// A failed request or a wrong answer.
pub async fn run(
    root: &str,
    n_chat: usize,
    n_embed: usize,
    reps: usize,
) -> Result<Vec<Row>, BoxError> {
    let c = Clients {
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
    };
    let mut rows = Vec::new();
    for (kind, n) in [(Kind::Chat, n_chat), (Kind::Embeddings, n_embed)] {
        let expected = match kind {
            Kind::Chat => "Hello! How can I assist you today?".len(),
            Kind::Embeddings => 8 * 1536,
        };
        // Warm-up: connections, allocator, caches.
        for _ in 0..(n / 10).max(5) {
            raw_once(&c, kind).await?;
            ours_once(&c, kind).await?;
        }
        let (mut raw, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            for side in [false, true] {
                let cpu0 = sys::process_cpu();
                let t0 = Instant::now();
                for _ in 0..n {
                    let got = if side {
                        ours_once(&c, kind).await?
                    } else {
                        raw_once(&c, kind).await?
                    };
                    if got != expected {
                        return Err(
                            format!("{}: got {got}, expected {expected}", kind.name()).into()
                        );
                    }
                }
                let _wall = t0.elapsed();
                let per = sys::process_cpu().saturating_sub(cpu0).as_nanos() as f64 / n as f64;
                if side {
                    ours.push(per);
                } else {
                    raw.push(per);
                }
            }
        }
        rows.push(Row {
            kind,
            requests: n,
            raw: Summary::of(&raw),
            ours: Summary::of(&ours),
        });
    }
    Ok(rows)
}
