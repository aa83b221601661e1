//! Handles each kind of error, like the original Python SDK's README does with its
//! exception classes.
//!
//! | Python SDK | Rust: `err.kind()` |
//! |---|---|
//! | `ApiTokenNotFoundError` | `ErrorKind::MissingCredential` (names the variable) |
//! | `APIConnectionError` | `ErrorKind::Connection` |
//! | `APITimeoutError` | `ErrorKind::Timeout` |
//! | `AuthenticationError` (401) | `ErrorKind::Authentication` |
//! | `PermissionDeniedError` (403) | `ErrorKind::PermissionDenied`, or `ErrorKind::QuotaExceeded` when the subscription limit is reached |
//! | `UnprocessableEntityError` (422) | `ErrorKind::UnprocessableEntity`, with `err.field_errors()` |
//! | `RateLimitError` (429) | `ErrorKind::RateLimit`, with `err.retry_after()` |
//! | `InternalServerError` (>= 500) | `ErrorKind::InternalServer`, after the automatic retries |
//!
//! There is one error type, `peakprivacy::Error` (the same for every crate of the
//! workspace); code branches on `err.kind()` and reads details with accessors (`status()`,
//! `api_message()`, `field_errors()`, `retry_after()`, `is_retryable()`).
//!
//! ```text
//! cargo run --example errors
//! ```
//!
//! Offline (no `PEAKPRIVACY_API_TOKEN`) every case is produced by the local emulator's
//! scripted faults. With a token set, the cases that need no fault injection (connection,
//! invalid request, wrong token) run against the real API and the others are skipped.

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use futures_util::StreamExt;
use llm_testkit::Fault;
use peakprivacy::retry::Backoff;
use peakprivacy::{
    model_ids, ChatCompletionRequest, Error, ErrorKind, Message, PeakPrivacy, RequestOptions,
    RetryPolicy,
};

/// What an application would do about `err`: one arm per kind, like the `except` clauses
/// of the Python SDK's README.
fn handle(err: &Error) -> String {
    match err.kind() {
        ErrorKind::MissingCredential => format!(
            "no API token: set {} (or put it in a .env file)",
            err.env_var().unwrap_or("the API key variable")
        ),
        ErrorKind::Connection => {
            "no answer, or the connection broke: check the network and the base URL, then retry"
                .to_owned()
        }
        ErrorKind::Timeout => {
            "the request timed out: try again later or raise the timeout".to_owned()
        }
        ErrorKind::Authentication => {
            "the token was rejected: check PEAKPRIVACY_API_TOKEN and the subscription".to_owned()
        }
        ErrorKind::QuotaExceeded => {
            "the subscription's amount limit is reached: retrying will not help".to_owned()
        }
        ErrorKind::PermissionDenied => "this token may not do that".to_owned(),
        ErrorKind::UnprocessableEntity => {
            let fields = err
                .field_errors()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            format!("the server rejected the request: {fields}")
        }
        ErrorKind::RateLimit => match err.retry_after() {
            Some(wait) => format!("rate limited: back off for {wait:?} and try again"),
            None => "rate limited: back off and try again".to_owned(),
        },
        ErrorKind::InternalServer => format!(
            "the server failed (HTTP {}) even after the automatic retries: try again later",
            err.status().unwrap_or(500)
        ),
        ErrorKind::InvalidRequest => "fix the request: nothing was sent".to_owned(),
        ErrorKind::Stream | ErrorKind::Decode => {
            "the answer broke off: keep what arrived or ask again".to_owned()
        }
        // `ErrorKind` is non-exhaustive: always keep a fallback arm.
        _ => format!("unexpected error: {err}"),
    }
}

/// Prints one case and checks that it failed with one of the `expected` kinds.
fn show<T>(title: &str, expected: &[ErrorKind], result: peakprivacy::Result<T>) -> common::Result {
    println!("\n{title}");
    let err = match result {
        Ok(_) => return Err(format!("{title}: expected an error, but the call succeeded").into()),
        Err(err) => err,
    };
    println!("   error:     {err}");
    println!("   kind:      ErrorKind::{:?}", err.kind());
    println!("   retryable: {}", err.is_retryable());
    println!("   handled:   {}", handle(&err));
    if expected.contains(&err.kind()) {
        Ok(())
    } else {
        Err(format!("{title}: expected {expected:?}, got {:?}", err.kind()).into())
    }
}

fn skipped(title: &str) {
    println!(
        "\n{title}\n   skipped: needs the in-process emulator's fault injection \
         (run without PEAKPRIVACY_API_TOKEN and PEAKPRIVACY_API_URL)"
    );
}

fn hello() -> ChatCompletionRequest {
    ChatCompletionRequest::new(model_ids::MISTRAL_SWISS, [Message::user("Hello")])
}

#[tokio::main]
async fn main() -> common::Result {
    let backend = common::peakprivacy().await?;
    let client = &backend.client;

    // ApiTokenNotFoundError: checked when the client is built.
    let title = "Missing API token (ApiTokenNotFoundError)";
    match PeakPrivacy::from_env() {
        Err(err) => show(title, &[ErrorKind::MissingCredential], Err::<(), _>(err))?,
        Ok(_) => println!("\n{title}\n   skipped: PEAKPRIVACY_API_TOKEN is set"),
    }

    // Checked before anything is sent.
    show(
        "Invalid request, caught before sending (temperature 1.5)",
        &[ErrorKind::InvalidRequest],
        client
            .chat()
            .completions()
            .create(hello().temperature(1.5))
            .await,
    )?;

    // APIConnectionError: nothing listens on this port.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let unreachable = PeakPrivacy::builder()
        .api_token("any-token")
        .base_url(format!("http://127.0.0.1:{closed_port}/v1/"))
        .max_retries(0)
        .build()?;
    show(
        "Server unreachable (APIConnectionError)",
        &[ErrorKind::Connection],
        unreachable.chat().completions().create(hello()).await,
    )?;

    // AuthenticationError: a wrong token against the same server.
    let wrong_token = PeakPrivacy::builder()
        .api_token("not-a-valid-token")
        .base_url(client.base_url())
        .max_retries(0)
        .build()?;
    show(
        "Wrong token (AuthenticationError, 401)",
        &[ErrorKind::Authentication],
        wrong_token.chat().check_api_token().await,
    )?;

    let Some(server) = &backend.emulator else {
        for title in [
            "Timeout (APITimeoutError)",
            "Rate limited (RateLimitError, 429)",
            "Quota used up (403)",
            "Validation failed (UnprocessableEntityError, 422)",
            "Server error after retries (InternalServerError, 503)",
            "Stream broken mid-answer",
        ] {
            skipped(title);
        }
        return Ok(());
    };

    // Fault cases fail at once (max_retries(0)) unless the case is about retries.
    let no_retries = server.client_builder().max_retries(0).build()?;

    server.fail_next(Fault::delay(Duration::from_millis(500)));
    let options = RequestOptions::new()
        .timeout(Duration::from_millis(100))
        .max_retries(0);
    show(
        "Timeout (APITimeoutError): the server takes 500 ms, the call allows 100 ms",
        &[ErrorKind::Timeout],
        client
            .chat()
            .completions()
            .create_with(hello(), options)
            .await,
    )?;

    server.fail_next(Fault::status(429).retry_after(Duration::from_secs(2)));
    show(
        "Rate limited (RateLimitError, 429) with Retry-After: 2",
        &[ErrorKind::RateLimit],
        no_retries.chat().completions().create(hello()).await,
    )?;

    server.fail_next(Fault::status(403));
    show(
        "Quota used up (403 \"Subscription amount limit has been reached\")",
        &[ErrorKind::QuotaExceeded],
        no_retries.chat().completions().create(hello()).await,
    )?;

    server.fail_next(Fault::status(422).body(
        r#"{"message":"Validation error","errors":{"model":["The selected model is invalid."]}}"#,
    ));
    show(
        "Validation failed (UnprocessableEntityError, 422) with field errors",
        &[ErrorKind::UnprocessableEntity],
        no_retries.chat().completions().create(hello()).await,
    )?;

    // 5xx is retried (2 retries by default); a short backoff keeps the example quick.
    let quick_retries = server
        .client_builder()
        .retry_policy(RetryPolicy::default().with_backoff(Backoff::new(
            Duration::from_millis(20),
            Duration::from_millis(100),
        )))
        .build()?;
    server.clear_requests();
    server.fail_next(Fault::status(503).times(2));
    let completion = quick_retries.chat().completions().create(hello()).await?;
    println!(
        "\nTwo 503 answers, then success: retried automatically, answered on attempt {}: {}",
        server.received_count(),
        completion.content()
    );

    server.clear_requests();
    server.fail_next(Fault::status(503).always());
    show(
        "Server error after retries (InternalServerError, 503 on every attempt)",
        &[ErrorKind::InternalServer],
        quick_retries.chat().completions().create(hello()).await,
    )?;
    println!("   attempts:  {} (1 + 2 retries)", server.received_count());
    server.clear_faults();

    // A stream that breaks after two events yields an `Err` item, never a silent end.
    server.fail_next(Fault::cut_stream_after(2));
    let mut stream = client
        .chat()
        .completions()
        .create_stream(hello().anonymize(false))
        .await?;
    let mut received = String::new();
    let mut failure = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => received.push_str(chunk.content()),
            Err(err) => {
                failure = Some(err);
                break;
            }
        }
    }
    show(
        "Stream broken mid-answer (connection cut after 2 events)",
        &[ErrorKind::Connection, ErrorKind::Stream],
        failure.map_or(Ok(()), Err),
    )?;
    println!("   received:  {received:?} before the break");

    println!("\nAll error kinds were handled.");
    Ok(())
}
