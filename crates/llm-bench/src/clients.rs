//! The contenders' clients, built once per section, and one function that streams a chat
//! completion through any of them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, CreateChatCompletionRequestArgs,
};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;

/// Boxed error used throughout the driver.
pub type BoxError = Box<dyn std::error::Error>;

/// The streaming contenders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contender {
    /// `reqwest` `bytes_stream()`, bytes counted and nothing else: the transport floor.
    RawBytes,
    /// `reqwest` + `eventsource-stream` + `serde_json` into `peakprivacy::ChatCompletionChunk`.
    EventsourceSerde,
    /// `async-openai` `chat().create_stream()`.
    AsyncOpenai,
    /// `llm_core::sse::EventStream` over `reqwest` + `serde_json` into the same chunk type
    /// (our decoder without the provider's stream mapping; for diagnosis).
    LlmCoreSerde,
    /// `peakprivacy` `chat().completions().create_stream()`: what our users get.
    Ours,
}

impl Contender {
    /// Row label.
    pub fn name(self) -> &'static str {
        match self {
            Contender::RawBytes => "raw reqwest bytes (floor)",
            Contender::EventsourceSerde => "reqwest+eventsource-stream+serde_json",
            Contender::AsyncOpenai => "async-openai create_stream",
            Contender::LlmCoreSerde => "reqwest+llm-core EventStream+serde_json",
            Contender::Ours => "ours: peakprivacy create_stream",
        }
    }

    /// Parses a command-line name (the `Debug` name in lower case).
    pub fn parse(s: &str) -> Option<Self> {
        [
            Contender::RawBytes,
            Contender::EventsourceSerde,
            Contender::AsyncOpenai,
            Contender::LlmCoreSerde,
            Contender::Ours,
        ]
        .into_iter()
        .find(|c| format!("{c:?}").eq_ignore_ascii_case(s))
    }
}

/// All clients, pointed at one server.
#[derive(Debug)]
pub struct Clients {
    /// The plain reqwest client of the raw contenders.
    pub http: reqwest::Client,
    /// The server's base URL, `http://127.0.0.1:port/`.
    pub root: String,
    /// Each SDK's own client (its default reqwest client and pool), one per base URL,
    /// built on first use and kept so later runs reuse the warm connection.
    sdk: RefCell<HashMap<String, (async_openai::Client<OpenAIConfig>, peakprivacy::PeakPrivacy)>>,
}

impl Clients {
    /// Builds every client for the server at `root` (`http://127.0.0.1:port/`).
    ///
    /// # Errors
    /// When a client cannot be built.
    pub fn new(root: &str) -> Result<Self, BoxError> {
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            root: root.to_owned(),
            sdk: RefCell::default(),
        })
    }

    /// The SDK clients for base URL `url` (cheap clones of cached clients).
    fn sdk(
        &self,
        url: &str,
    ) -> Result<(async_openai::Client<OpenAIConfig>, peakprivacy::PeakPrivacy), BoxError> {
        if let Some(pair) = self.sdk.borrow().get(url) {
            return Ok(pair.clone());
        }
        // async-openai appends `/chat/completions` to its api_base, peakprivacy
        // `ai/completions` to its base URL.
        let openai = async_openai::Client::with_config(
            OpenAIConfig::new()
                .with_api_base(url.trim_end_matches('/'))
                .with_api_key("sk-bench"),
        );
        let peak = peakprivacy::PeakPrivacy::builder()
            .api_token("bench-token")
            .base_url(url)
            .build()?;
        self.sdk
            .borrow_mut()
            .insert(url.to_owned(), (openai.clone(), peak.clone()));
        Ok((openai, peak))
    }
}

/// The JSON body PeakPrivacy's client sends for a streamed request (the raw contenders
/// send the same bytes).
pub fn raw_stream_body() -> String {
    r#"{"model":"mistral-swiss","messages":[{"role":"user","content":"Say hello"}],"temperature":null,"top_p":null,"max_tokens":null,"random_seed":null,"safe_prompt":null,"anonymize":false,"stream":true}"#.to_owned()
}

fn openai_request() -> Result<CreateChatCompletionRequest, BoxError> {
    Ok(CreateChatCompletionRequestArgs::default()
        .model("mistral-swiss")
        .messages([ChatCompletionRequestUserMessage::from("Say hello").into()])
        .build()?)
}

/// Per-event hook: gets the event's index and its `created` value; may ask the consumer to
/// stall (an async sleep, so the runtime stays free to run other tasks) for a while.
pub type Hook<'a> = &'a mut dyn FnMut(usize, u64) -> Option<Duration>;

/// Streams `/{path}` through `contender` to the end, calling `hook` per event (the raw
/// bytes contender calls it per chunk with index = bytes so far and created = 0).
/// Returns the number of events (bytes for [`Contender::RawBytes`]).
///
/// # Errors
/// Any transport or decode error; a stream that yields an `Err` item.
pub async fn stream(
    clients: &Clients,
    contender: Contender,
    path: &str,
    hook: Hook<'_>,
) -> Result<usize, BoxError> {
    let url = format!("{}{}", clients.root, path.trim_start_matches('/'));
    let mut count = 0usize;
    let mut step = |count: usize, created: u64| hook(count, created);
    match contender {
        Contender::RawBytes => {
            let response = raw_post(clients, &url).await?;
            let mut body = response.bytes_stream();
            while let Some(chunk) = body.next().await {
                count += chunk?.len();
                if let Some(d) = step(count, 0) {
                    tokio::time::sleep(d).await;
                }
            }
        }
        Contender::EventsourceSerde => {
            let response = raw_post(clients, &url).await?;
            let mut events = response.bytes_stream().eventsource();
            while let Some(event) = events.next().await {
                let event = event?;
                if event.data == "[DONE]" {
                    break;
                }
                let chunk: peakprivacy::ChatCompletionChunk = serde_json::from_str(&event.data)?;
                if let Some(d) = step(count, chunk.created.unwrap_or(0)) {
                    tokio::time::sleep(d).await;
                }
                count += 1;
            }
        }
        Contender::LlmCoreSerde => {
            let response = raw_post(clients, &url).await?;
            let mut events = llm_core::sse::EventStream::new(response.bytes_stream());
            while let Some(event) = events.next().await {
                let event = event?;
                if event.data() == "[DONE]" {
                    break;
                }
                let chunk: peakprivacy::ChatCompletionChunk = serde_json::from_str(event.data())?;
                if let Some(d) = step(count, chunk.created.unwrap_or(0)) {
                    tokio::time::sleep(d).await;
                }
                count += 1;
            }
        }
        Contender::AsyncOpenai => {
            let (client, _) = clients.sdk(&url)?;
            let mut events = client.chat().create_stream(openai_request()?).await?;
            while let Some(chunk) = events.next().await {
                let chunk = chunk?;
                if let Some(d) = step(count, u64::from(chunk.created)) {
                    tokio::time::sleep(d).await;
                }
                count += 1;
            }
        }
        Contender::Ours => {
            let (_, client) = clients.sdk(&url)?;
            let request = peakprivacy::ChatCompletionRequest::new(
                "mistral-swiss",
                [peakprivacy::Message::user("Say hello")],
            )
            .anonymize(false);
            let mut events = client.chat().completions().create_stream(request).await?;
            while let Some(chunk) = events.next().await {
                let chunk = chunk?;
                if let Some(d) = step(count, chunk.created.unwrap_or(0)) {
                    tokio::time::sleep(d).await;
                }
                count += 1;
            }
        }
    }
    Ok(count)
}

async fn raw_post(clients: &Clients, url: &str) -> Result<reqwest::Response, BoxError> {
    let url = format!("{}/ai/completions", url.trim_end_matches('/'));
    let response = clients
        .http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(raw_stream_body())
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()).into());
    }
    Ok(response)
}
