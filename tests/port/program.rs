// One program, written once against "a provider crate" (`provider`), its client types
// (`Client`, `BlockingClient`) and its credential (`client_for`, `CREDENTIAL_ENV`).
// tests/vocabulary.rs includes it once per provider crate: if the two crates' vocabularies
// drift apart, one of the two copies stops compiling.

use std::time::Duration;

use futures_util::StreamExt;
use provider::{
    ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Choice, Delta, Error, ErrorKind,
    FinishReason, Message, Model, RequestOptions, Result, RetryPolicy, Role, Usage,
};

/// What the program saw, for the test to check.
#[derive(Debug)]
pub struct Report {
    pub plain: String,
    pub streamed: String,
    pub collected: String,
    pub pieces: usize,
    pub models: Vec<String>,
    pub invalid_kind: ErrorKind,
    pub auth_kind: ErrorKind,
    pub auth_status: Option<u16>,
    pub blocking: String,
}

pub async fn run(base_url: &str, key: &str, model: &str) -> Result<Report> {
    assert!(CREDENTIAL_ENV.ends_with("_API_KEY") || CREDENTIAL_ENV.ends_with("_API_TOKEN"));
    let client: Client = client_for(Client::builder(), key)
        .base_url(base_url)
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::default())
        .max_retries(1)
        .build()?;

    // Chat, with every shared sampling setting and per-call options.
    let request = ChatCompletionRequest::new(
        model,
        [Message::system("Be brief."), Message::user("Hello there")],
    )
    .temperature(0.5)
    .top_p(0.9)
    .max_tokens(64)
    .seed(7)
    .extra("user", "port-test");
    let options = RequestOptions::new()
        .timeout(Duration::from_secs(10))
        .max_retries(0);
    let completion: ChatCompletion = client
        .chat()
        .completions()
        .create_with(request.clone(), options.clone())
        .await?;
    let first: &Choice = &completion.choices[0];
    assert_eq!(first.message.role, Role::Assistant);
    let _finish: Option<&FinishReason> = first.finish_reason.as_ref();
    let _usage: Option<Usage> = completion.usage;

    // Streaming, chunk by chunk.
    let mut stream = client.chat().completions().create_stream(request.clone()).await?;
    let mut streamed = String::new();
    let mut pieces = 0;
    while let Some(chunk) = stream.next().await {
        let chunk: ChatCompletionChunk = chunk?;
        let _delta: Option<&Delta> = chunk.choices.first().map(|c| &c.delta);
        streamed.push_str(chunk.content());
        pieces += 1;
    }

    // Collection, and the text-only stream.
    let collected = client
        .chat()
        .completions()
        .create_stream_with(request.clone(), options)
        .await?
        .collect_completion()
        .await?;
    let text: Vec<String> = client
        .chat()
        .completions()
        .create_stream(request.clone())
        .await?
        .text()
        .map(|piece| piece.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(text.concat(), streamed);

    // Models.
    let models: Vec<Model> = client.models().list().await?;

    // Errors: validation before sending, and an HTTP error with its accessors.
    let invalid: Error = client
        .chat()
        .completions()
        .create(ChatCompletionRequest::new(model, [Message::user("x")]).temperature(f64::NAN))
        .await
        .unwrap_err();
    let wrong_key: Client = client_for(Client::builder(), "wrong-key")
        .base_url(base_url)
        .max_retries(0)
        .build()?;
    let auth: Error = wrong_key.models().list().await.unwrap_err();
    assert!(!auth.is_retryable() && !auth.is_timeout() && !auth.is_connect());
    let _ = (auth.api_message(), auth.request_id(), auth.retry_after(), auth.raw_body());

    // The blocking facade, same vocabulary (run off the async runtime).
    let blocking_url = base_url.to_owned();
    let blocking_key = key.to_owned();
    let blocking_model = model.to_owned();
    let blocking = std::thread::spawn(move || -> Result<String> {
        let client: BlockingClient = client_for(BlockingClient::builder(), &blocking_key)
            .base_url(blocking_url)
            .build()?;
        let request = ChatCompletionRequest::new(blocking_model, [Message::user("Hello there")]);
        let pieces: Vec<String> = client
            .chat()
            .completions()
            .create_stream(request)?
            .text()
            .collect::<Result<_>>()?;
        Ok(pieces.concat())
    })
    .join()
    .expect("the blocking thread does not panic")?;

    Ok(Report {
        plain: completion.content().to_owned(),
        streamed,
        collected: collected.content().to_owned(),
        pieces,
        models: models.into_iter().map(|m| m.id).collect(),
        invalid_kind: invalid.kind(),
        auth_kind: auth.kind(),
        auth_status: auth.status(),
        blocking,
    })
}
