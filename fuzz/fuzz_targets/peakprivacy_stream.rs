//! Fuzzes PeakPrivacy response decoding through the public client against an in-process
//! loopback server: byte 0 picks the call (`create_stream`, `create`, `models().list()`),
//! byte 1 the status and content type; the rest is the response body.
//!
//! Properties: never panics; every call returns (the client has short timeouts); a stream
//! ends right after its first error; no error shows the key.

#![no_main]

use std::time::Duration;

use futures_util::StreamExt;
use libfuzzer_sys::fuzz_target;
use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};

#[path = "common/mod.rs"]
mod common;

fn client() -> PeakPrivacy {
    PeakPrivacy::builder()
        .api_token(common::KEY)
        .base_url(format!("{}/v1", common::server()))
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .stream_idle_timeout(Duration::from_secs(5))
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
    thread_local! { static CLIENT: PeakPrivacy = client(); }
    let client = CLIENT.with(Clone::clone);
    common::set_reply(common::Reply {
        status: common::status(shape >> 2),
        content_type: common::content_type(shape),
        body: body.to_vec(),
    });
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
    common::block_on(async {
        match call % 4 {
            0 | 1 => match client.chat().completions().create_stream(request).await {
                Ok(mut stream) => {
                    let mut text = String::new();
                    while let Some(item) = stream.next().await {
                        match item {
                            Ok(chunk) => text.push_str(chunk.content()),
                            Err(err) => {
                                common::check_error(&err);
                                assert!(stream.next().await.is_none(), "no item after an error");
                                break;
                            }
                        }
                    }
                }
                Err(err) => common::check_error(&err),
            },
            2 => match client.chat().completions().create(request).await {
                Ok(completion) => {
                    let _ = completion.content();
                }
                Err(err) => common::check_error(&err),
            },
            _ => match client.models().list().await {
                Ok(models) => {
                    let _ = models.len();
                }
                Err(err) => common::check_error(&err),
            },
        }
    });
});
