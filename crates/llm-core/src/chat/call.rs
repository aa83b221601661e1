//! The chat calls every provider makes, written once: validate, send, decode. A provider's
//! resource methods (`client.chat().completions().create(..)`, `client.models().list()`)
//! call these with their path and request type.

use crate::telemetry::Operation;
use crate::{
    ApiError, ApiRequest, Error, ErrorKind, RequestOptions, Result, Transport, WithResponse,
};

use super::{ChatCompletion, ChatCompletionStream, ChatRequest, ChatRequestBody, Model};

/// `POST path` with `request` (validated first) and decodes the [`ChatCompletion`].
///
/// # Errors
/// [`ErrorKind::InvalidRequest`] before sending; any HTTP, connection or timeout error; a
/// 2xx body that is an error object (`{"error": ...}` without `choices`) is an error of
/// the kind its status-less message implies ([`ErrorKind::ErrorPayload`]) with the server's message;
/// [`ErrorKind::Decode`] for any other unexpected body.
///
/// ```no_run
/// # async fn run(transport: llm_core::Transport, request: impl llm_core::chat::ChatRequest) -> llm_core::Result<()> {
/// let options = llm_core::RequestOptions::new();
/// let completion = llm_core::chat::create(&transport, "chat/completions", &request, options).await?;
/// println!("{}", completion.content());
/// # Ok(()) }
/// ```
pub async fn create<R: ChatRequest>(
    transport: &Transport,
    path: &str,
    request: &R,
    options: RequestOptions,
) -> Result<ChatCompletion> {
    create_with_response(transport, path, request, options)
        .await
        .map(WithResponse::into_inner)
}

/// [`create`] that also returns the response's [`ResponseMeta`](crate::ResponseMeta)
/// (request id, status, headers, attempts, elapsed time).
///
/// # Errors
/// As [`create`].
///
/// ```no_run
/// # async fn run(transport: llm_core::Transport, request: impl llm_core::chat::ChatRequest) -> llm_core::Result<()> {
/// let options = llm_core::RequestOptions::new();
/// let answer = llm_core::chat::create_with_response(&transport, "chat/completions", &request, options).await?;
/// println!("{} (request {:?}, {} attempts)", answer.content(), answer.meta().request_id(), answer.meta().attempts());
/// # Ok(()) }
/// ```
pub async fn create_with_response<R: ChatRequest>(
    transport: &Transport,
    path: &str,
    request: &R,
    options: RequestOptions,
) -> Result<WithResponse<ChatCompletion>> {
    let mut operation = Operation::chat(transport, request);
    let call = async {
        request.validate()?;
        let api_request = ApiRequest::post(path)
            .json(&ChatRequestBody::new(request, false))?
            .options(options);
        let raw = transport.send(api_request).await?;
        let completion =
            decode_completion(&raw.body, raw.status).map_err(|err| transport.redact(err))?;
        Ok(WithResponse::new(completion, raw.into_meta()))
    };
    let answer = operation.run(call).await?;
    operation.record_completion(&answer);
    Ok(answer)
}

/// `POST path` with `request` and `"stream": true`, and the typed stream of the answer
/// (see [`ChatCompletionStream`] for what is accepted and reported).
///
/// # Errors
/// As [`create`] up to the response headers; for an answer that is not SSE (one JSON
/// completion or plain text), the errors of reading it.
///
/// ```no_run
/// # async fn run(transport: llm_core::Transport, request: impl llm_core::chat::ChatRequest) -> llm_core::Result<()> {
/// let options = llm_core::RequestOptions::new();
/// let stream = llm_core::chat::create_stream(&transport, "chat/completions", &request, options).await?;
/// println!("{}", stream.collect_completion().await?.content());
/// # Ok(()) }
/// ```
pub async fn create_stream<R: ChatRequest>(
    transport: &Transport,
    path: &str,
    request: &R,
    options: RequestOptions,
) -> Result<ChatCompletionStream> {
    let mut operation = Operation::chat(transport, request);
    let call = async {
        request.validate()?;
        let api_request = ApiRequest::post(path)
            .json(&ChatRequestBody::new(request, true))?
            .options(options);
        let response = transport.send_stream(api_request).await?;
        ChatCompletionStream::from_response(response, transport).await
    };
    let stream = operation.run(call).await?;
    Ok(stream.with_operation(operation))
}

/// `GET path` and decodes the model list in any known shape (see
/// [`decode_model_list`](super::decode_model_list)).
///
/// # Errors
/// Any HTTP, connection or timeout error; [`ErrorKind::Decode`] for a body that is not a
/// model list; a 2xx error object is an error with the server's message.
///
/// ```no_run
/// # async fn run(transport: llm_core::Transport) -> llm_core::Result<()> {
/// let options = llm_core::RequestOptions::new();
/// for model in llm_core::chat::list_models(&transport, "models", options).await? {
///     println!("{}", model.id);
/// }
/// # Ok(()) }
/// ```
pub async fn list_models(
    transport: &Transport,
    path: &str,
    options: RequestOptions,
) -> Result<Vec<Model>> {
    let raw = transport
        .send(ApiRequest::get(path).options(options))
        .await?;
    reject_error_object(&raw.body, raw.status)
        .and_then(|()| super::decode_model_list(&raw.body, raw.status))
        .map_err(|err| transport.redact(err))
}

/// Decodes a completion, which must be a JSON object (serde would read a struct from an
/// array by position); a 2xx error object (no `choices`, an `error` field) is an error.
pub(super) fn decode_completion(body: &[u8], status: u16) -> Result<ChatCompletion> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(Error::with_message(
            ErrorKind::Decode,
            "the response body is not a JSON object where a completion was expected",
        )
        .with_status(status));
    }
    let completion: ChatCompletion = crate::decode_json(body, status)?;
    if completion.choices.is_empty() {
        reject_error_object(body, status)?;
    }
    Ok(completion)
}

/// An error when `body` is a JSON object with an `error` field and no `choices`/`data`:
/// a server reporting a failure with a success status.
///
/// # Errors
/// [`ErrorKind::ErrorPayload`] with the server's message and the status.
pub(crate) fn reject_error_object(body: &[u8], status: u16) -> Result<()> {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) else {
        return Ok(());
    };
    let has_payload = ["choices", "data", "models"]
        .iter()
        .any(|key| object.contains_key(*key));
    if has_payload || !object.contains_key("error") {
        return Ok(());
    }
    let api = ApiError::parse(body);
    let message = match api.message.as_deref() {
        Some(message) => format!("the server answered {status} with an error: {message}"),
        None => format!("the server answered {status} with an error object"),
    };
    Err(Error::with_message(ErrorKind::ErrorPayload, message).with_status(status))
}
