//! `llm chat`: one prompt, the answer streamed to stdout as it arrives (or whole with
//! `--no-stream`).

use std::io::{IsTerminal, Read};

use futures_util::StreamExt;
use serde_json::json;
use unified::{ChatRequest, ChatResponse};

use crate::cli::{ChatArgs, Global};
use crate::config::{env_lookup, resolve, Purpose};
use crate::failure::Failure;
use crate::output;

/// Runs `llm chat`.
pub async fn run(global: &Global, args: &ChatArgs) -> Result<(), Failure> {
    let prompt = prompt(args)?;
    let resolved = resolve(global, Purpose::Chat).await?;
    let model = resolved.config.build_chat_with(&env_lookup)?;
    let mut request = ChatRequest::user(prompt);
    if let Some(system) = &args.system {
        request = request.system(system.clone());
    }
    if let Some(t) = args.temperature {
        request = request.temperature(t);
    }
    if let Some(n) = args.max_tokens {
        request = request.max_tokens(n);
    }
    if args.no_stream {
        let response = model.chat(request).await?;
        if global.json {
            output::json(&summary(
                &response,
                response.meta.as_ref().and_then(|m| m.request_id()),
            ))
        } else {
            output::text(&with_newline(&response.text))
        }
    } else {
        let mut stream = model.chat_stream(request).await?;
        let mut answer = ChatResponse::from_completion(Default::default(), model.provider());
        answer.model = model.model().to_owned();
        let mut chunks = 0_usize;
        let mut request_id = None;
        let mut ends_with_newline = true;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(err) => {
                    if !global.json && !ends_with_newline {
                        output::text("\n")?;
                    }
                    return Err(err.into());
                }
            };
            if let Some(meta) = &chunk.meta {
                request_id = meta.request_id().map(str::to_owned);
            }
            if let Some(m) = chunk.model.as_ref().filter(|m| !m.is_empty()) {
                answer.model = m.clone();
            }
            if chunk.finish_reason.is_some() {
                answer.finish_reason = chunk.finish_reason.clone();
            }
            if chunk.usage.is_some() {
                answer.usage = chunk.usage;
            }
            if chunk.delta.is_empty() {
                continue;
            }
            chunks = chunks.saturating_add(1);
            answer.text.push_str(&chunk.delta);
            if global.json {
                output::json(&json!({ "type": "chunk", "delta": chunk.delta }))?;
            } else {
                output::text(&chunk.delta)?;
                ends_with_newline = chunk.delta.ends_with('\n');
            }
        }
        if global.json {
            let mut done = summary(&answer, request_id.as_deref());
            done["type"] = json!("done");
            done["chunks"] = json!(chunks);
            output::json(&done)
        } else if ends_with_newline {
            Ok(())
        } else {
            output::text("\n")
        }
    }
}

/// The answer as one JSON object.
fn summary(response: &ChatResponse, request_id: Option<&str>) -> serde_json::Value {
    json!({
        "type": "response",
        "text": response.text,
        "provider": response.provider,
        "model": response.model,
        "finish_reason": response.finish_reason,
        "usage": response.usage,
        "request_id": request_id,
    })
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

/// The prompt argument, or all of stdin when there is none.
fn prompt(args: &ChatArgs) -> Result<String, Failure> {
    let prompt = match &args.prompt {
        Some(prompt) => prompt.clone(),
        None => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprintln!("llm: reading the prompt from stdin (end it with Ctrl-D)");
            }
            let mut text = String::new();
            stdin
                .lock()
                .read_to_string(&mut text)
                .map_err(|e| Failure::File(format!("stdin: {e}")))?;
            text
        }
    };
    if prompt.trim().is_empty() {
        return Err(Failure::Usage(
            "the prompt is empty: pass it as an argument or on stdin".to_owned(),
        ));
    }
    Ok(prompt)
}
