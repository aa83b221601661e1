//! Fuzzes AligneAI response decoding through the public client against an in-process
//! loopback server: byte 0 picks the call (embeddings for 1-4 inputs in the `Auto`, `Data`,
//! `Embeddings` or `BareArray` response format, chat `create`, chat `create_stream`,
//! `models().list()`), byte 1 the status and content type; the rest is the response body.
//!
//! Properties: never panics; every call returns; embeddings come back one per input, in
//! order (`data[i].index == i`); a stream ends right after its first error; no error
//! shows the key.

#![no_main]

use std::time::Duration;

use aligneai::{
    AligneAI, ChatCompletionRequest, ChatMessage, EmbeddingRequest, EmbeddingsResponseFormat,
};
use futures_util::StreamExt;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const FORMATS: [EmbeddingsResponseFormat; 4] = [
    EmbeddingsResponseFormat::Auto,
    EmbeddingsResponseFormat::Data,
    EmbeddingsResponseFormat::Embeddings,
    EmbeddingsResponseFormat::BareArray,
];

fn client(format: EmbeddingsResponseFormat) -> AligneAI {
    AligneAI::builder()
        .api_key(common::KEY)
        .base_url(format!("{}/v1", common::server()))
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .stream_idle_timeout(Duration::from_secs(5))
        .max_response_size(1 << 20)
        .embeddings_response_format(format)
        .build()
        .expect("client")
}

fuzz_target!(|data: &[u8]| {
    let Some((&call, rest)) = data.split_first() else {
        return;
    };
    let Some((&shape, body)) = rest.split_first() else {
        return;
    };
    thread_local! {
        static CLIENTS: Vec<AligneAI> = FORMATS.iter().map(|f| client(*f)).collect();
    }
    let format = usize::from(call >> 4) % 4;
    let client = CLIENTS.with(|c| c[format].clone());
    common::set_reply(common::Reply {
        status: common::status(shape >> 2),
        content_type: common::content_type(shape),
        body: body.to_vec(),
    });
    let chat = || ChatCompletionRequest::new("m", [ChatMessage::user("hi")]);
    common::block_on(async {
        match call % 8 {
            0..=3 => {
                let n = usize::from(call % 4) + 1;
                let inputs: Vec<String> = (0..n).map(|i| format!("text {i}")).collect();
                match client
                    .embeddings()
                    .create(EmbeddingRequest::new(inputs))
                    .await
                {
                    Ok(response) => {
                        assert_eq!(response.data.len(), n, "one vector per input");
                        for (i, e) in response.data.iter().enumerate() {
                            assert_eq!(e.index, i, "input order");
                        }
                    }
                    Err(err) => common::check_error(&err),
                }
            }
            4 => match client.chat().completions().create(chat()).await {
                Ok(completion) => {
                    let _ = format!("{completion:?}");
                }
                Err(err) => common::check_error(&err),
            },
            5 | 6 => match client.chat().completions().create_stream(chat()).await {
                Ok(mut stream) => {
                    while let Some(item) = stream.next().await {
                        if let Err(err) = item {
                            common::check_error(&err);
                            assert!(stream.next().await.is_none(), "no item after an error");
                            break;
                        }
                    }
                }
                Err(err) => common::check_error(&err),
            },
            _ => match client.models().list().await {
                Ok(models) => {
                    let _ = format!("{models:?}");
                }
                Err(err) => common::check_error(&err),
            },
        }
    });
});
