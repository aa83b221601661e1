//! Property tests of decoding, the CI-side companion of the `fuzz/` targets: the SSE
//! decoder is invariant under chunk splits and agrees with a naive reference, and arbitrary
//! bytes never panic the providers' stream, JSON and error-body decoding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/sse_reference.rs"]
mod sse_reference;
mod support;

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use llm_core::sse::{Event, EventStream, SseDecoder};
use llm_core::{Error, ErrorKind};
use llm_testkit::raw::{response, RawServer, Step};
use proptest::prelude::*;
use support::KEY;

type Item = Result<Event, ErrorKind>;

/// Bytes that look like an event stream: field names, separators, line ends of every kind,
/// multi-byte and invalid UTF-8, plus arbitrary bytes.
fn sse_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"data:".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"event: ".to_vec()),
        Just(b"id: ".to_vec()),
        Just(b"retry: ".to_vec()),
        Just(b": comment".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just("é€😀".as_bytes().to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xf0\x9f".to_vec()),
        Just(b"{\"a\":1}".to_vec()),
        Just(b"[DONE]".to_vec()),
        Just(b"1234".to_vec()),
        Just(b"\0".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
        "[a-z ]{0,6}".prop_map(String::into_bytes),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|parts| parts.concat())
}

/// Cuts `body` at the given fractions.
fn cut(body: &[u8], cuts: &[usize]) -> Vec<Bytes> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut at = 0;
    for p in points {
        chunks.push(Bytes::copy_from_slice(&body[at..p]));
        at = p;
    }
    chunks.push(Bytes::copy_from_slice(&body[at..]));
    chunks
}

/// What an `EventStream` over `chunks` yields (errors by kind).
fn stream_items(chunks: Vec<Bytes>, cap: usize) -> Vec<Item> {
    let body = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, Error>));
    futures_executor_lite(
        EventStream::with_max_event_size(body, cap)
            .map(|item| item.map_err(|e| e.kind()))
            .collect::<Vec<_>>(),
    )
}

/// Polls a future that never waits on I/O (an `EventStream` over an in-memory body).
fn futures_executor_lite<F: std::future::Future>(fut: F) -> F::Output {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    })
    .block_on(fut)
}

/// The decoder fed `chunks`: every item (it goes on after errors) and the end verdict.
fn decoder_items(chunks: &[Bytes], cap: usize) -> (Vec<Item>, Option<ErrorKind>) {
    let mut decoder = SseDecoder::with_max_event_size(cap);
    let mut items = Vec::new();
    for chunk in chunks {
        decoder.push(chunk.clone());
        loop {
            match decoder.next_event() {
                Ok(Some(event)) => items.push(Ok(event)),
                Ok(None) => break,
                Err(err) => items.push(Err(err.kind())),
            }
        }
    }
    (items, decoder.finish().err().map(|e| e.kind()))
}

/// Regression (found by the `sse_decoder` fuzz target): a UTF-8 lead byte at the end of a
/// chunk was carried over without checking the next chunk's bytes, so the same invalid
/// bytes were `Decode` in one chunk but an end-of-stream `Stream` error when split.
#[test]
fn invalid_utf8_carried_across_chunks_is_the_same_error() {
    let cap = SseDecoder::DEFAULT_MAX_EVENT_SIZE;
    for (body, at) in [
        (&b"data: ^^^\xf3\xf3\xf3"[..], 10),
        (&b"data: ab\xf0\x80"[..], 9),
        (&b"data: ab\xf0\x80x\n\n"[..], 9),
        (&b"data: \xe2\x82\n\n"[..], 7),
    ] {
        let one = decoder_items(&[Bytes::copy_from_slice(body)], cap);
        let split = decoder_items(
            &[
                Bytes::copy_from_slice(&body[..at]),
                Bytes::copy_from_slice(&body[at..]),
            ],
            cap,
        );
        assert_eq!(one, split, "{body:?}");
        assert!(one.0.contains(&Err(ErrorKind::Decode)), "{body:?}: {one:?}");
    }
}

/// Found by the `sse_decoder` fuzz target (strict kinds): an event that is both over the
/// size cap and not UTF-8 reports whichever error the split exposes first. Events and
/// error positions agree (checked by `small_event_cap_is_chunk_split_invariant`).
#[test]
#[ignore = "open: error-kind precedence for an oversized event with invalid UTF-8 (fuzz/README.md)"]
fn oversized_and_invalid_event_has_one_error_kind() {
    let body = b"data:\xda\x03\x00\x05\x0b\x0b\x0b\x0b {\"a\"\xe3";
    let one = decoder_items(&[Bytes::from_static(body)], 10);
    let split = decoder_items(
        &[
            Bytes::from_static(&body[..7]),
            Bytes::from_static(&body[7..]),
        ],
        10,
    );
    assert_eq!(one, split);
}

/// Events exactly, errors by position only (for small caps, see above).
fn shape(items: &[Item]) -> Vec<Result<&Event, ()>> {
    items.iter().map(|i| i.as_ref().map_err(|_| ())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The events (and the error that ends the stream) do not depend on how the body is
    /// cut into chunks.
    #[test]
    fn event_stream_is_chunk_split_invariant(
        body in sse_bytes(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let whole = stream_items(vec![Bytes::from(body.clone())], SseDecoder::DEFAULT_MAX_EVENT_SIZE);
        let split = stream_items(cut(&body, &cuts), SseDecoder::DEFAULT_MAX_EVENT_SIZE);
        prop_assert_eq!(whole, split);
    }

    /// Byte-at-a-time feeding, the harshest split, with the decoder's full item sequence.
    #[test]
    fn decoder_byte_by_byte_equals_one_chunk(body in sse_bytes()) {
        let cap = SseDecoder::DEFAULT_MAX_EVENT_SIZE;
        let one = decoder_items(&[Bytes::from(body.clone())], cap);
        let bytes: Vec<Bytes> = body.iter().map(|b| Bytes::copy_from_slice(&[*b])).collect();
        prop_assert_eq!(one, decoder_items(&bytes, cap));
    }

    /// On input whose values are valid UTF-8, the decoder agrees with a naive whole-body
    /// reference implementation of the WHATWG rules.
    #[test]
    fn decoder_agrees_with_the_reference(
        body in sse_bytes(),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let reference = sse_reference::decode(&body);
        let (items, end) = decoder_items(&cut(&body, &cuts), SseDecoder::DEFAULT_MAX_EVENT_SIZE);
        let events: Vec<sse_reference::RefEvent> = items
            .iter()
            .map_while(|item| item.as_ref().ok())
            .map(|e| sse_reference::RefEvent {
                event: e.event().to_owned(),
                data: e.data().to_owned(),
                id: e.id().map(str::to_owned),
                retry: e.retry(),
            })
            .collect();
        prop_assert_eq!(&events, &reference.events);
        if reference.utf8_error {
            prop_assert!(items.contains(&Err(ErrorKind::Decode)), "{:?}", items);
        } else if items.iter().all(Result::is_ok) {
            prop_assert_eq!(end.is_some(), reference.incomplete);
        } else {
            // Invalid UTF-8 in an unterminated last `data` line may be reported early.
            prop_assert!(reference.incomplete, "{:?}", items);
        }
    }

    /// A small event cap: oversized events are errors, never panics, the stream ends after
    /// its first error, and the split changes neither the events nor where errors occur.
    #[test]
    fn small_event_cap_is_chunk_split_invariant(
        body in sse_bytes(),
        cap in 1usize..64,
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let split = stream_items(cut(&body, &cuts), cap);
        let items = stream_items(vec![Bytes::from(body)], cap);
        prop_assert_eq!(shape(&items), shape(&split));
        let errors = items.iter().filter(|i| i.is_err()).count();
        prop_assert!(errors <= 1, "the stream ends after its first error: {:?}", items);
        if errors == 1 {
            prop_assert!(items.last().unwrap().is_err());
        }
    }

    /// Arbitrary bytes as an error body: typed, capped, never the key, never a panic.
    #[test]
    fn error_bodies_never_panic(status in 400u16..600, body in proptest::collection::vec(any::<u8>(), 0..6000)) {
        let err = Error::from_response(status, llm_core::reqwest::header::HeaderMap::new(), &body);
        prop_assert_eq!(err.status(), Some(status));
        // At most RAW_BODY_CAP bytes of the body, as lossy text (U+FFFD may take 3 bytes).
        prop_assert!(err.raw_body().unwrap().chars().count() <= llm_core::RAW_BODY_CAP + 16);
        let shown = err.to_string();
        prop_assert!(!shown.contains(KEY));
        let _ = format!("{err:?}");
    }

    /// Arbitrary bytes into every public response type: `Ok` or a decode error.
    #[test]
    fn json_decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        for result in [
            llm_core::decode_json::<peakprivacy::ChatCompletion>(&body, 200).map(|_| ()),
            llm_core::decode_json::<peakprivacy::ChatCompletionChunk>(&body, 200).map(|_| ()),
            llm_core::decode_json::<peakprivacy::Model>(&body, 200).map(|_| ()),
        ] {
            if let Err(err) = result {
                prop_assert_eq!(err.kind(), ErrorKind::Decode);
            }
        }
    }
}

// ---------------------------------------------------------------- through the clients

/// A multi-thread runtime shared by the client properties (the raw server runs on it).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// Serves `body` once with `content_type` and runs a PeakPrivacy stream and an AligneAI
/// stream and embeddings call over it; returns whether each stream ended after its first
/// error.
fn through_clients(content_type: &'static str, body: Vec<u8>) {
    runtime().block_on(async move {
        let reply = response(200, content_type, &[], &body);
        let server = RawServer::start(vec![vec![Step::Write(reply)]]).await;
        let uri = format!("{}/v1", server.uri());
        let bound = Duration::from_secs(10);

        let peak = peakprivacy::PeakPrivacy::builder()
            .api_token(KEY)
            .base_url(&uri)
            .max_retries(0)
            .stream_idle_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let request =
            peakprivacy::ChatCompletionRequest::new("m", [peakprivacy::Message::user("hi")]);
        tokio::time::timeout(bound, async {
            match peak.chat().completions().create_stream(request).await {
                Ok(mut stream) => {
                    while let Some(item) = stream.next().await {
                        if let Err(err) = item {
                            assert!(!err.to_string().contains(KEY));
                            assert!(stream.next().await.is_none());
                            break;
                        }
                    }
                }
                Err(err) => assert!(!format!("{err:?}").contains(KEY)),
            }
        })
        .await
        .expect("the PeakPrivacy stream hung");

        let aligne = aligneai::AligneAI::builder()
            .api_key(KEY)
            .base_url(&uri)
            .max_retries(0)
            .stream_idle_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let request = aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("hi")]);
        tokio::time::timeout(bound, async {
            match aligne.chat().completions().create_stream(request).await {
                Ok(mut stream) => {
                    while let Some(item) = stream.next().await {
                        if item.is_err() {
                            assert!(stream.next().await.is_none());
                            break;
                        }
                    }
                }
                Err(err) => assert!(!err.to_string().contains(KEY)),
            }
            match aligne
                .embeddings()
                .create(aligneai::EmbeddingRequest::new(["a", "b"]))
                .await
            {
                Ok(response) => assert_eq!(response.data.len(), 2),
                Err(err) => assert!(!err.to_string().contains(KEY)),
            }
        })
        .await
        .expect("the AligneAI call hung");
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary SSE-ish bodies through both providers' public stream decoding.
    #[test]
    fn provider_streams_never_panic(body in sse_bytes(), json in any::<bool>()) {
        through_clients(if json { "application/json" } else { "text/event-stream" }, body);
    }

    /// Arbitrary bytes through both providers' public stream and JSON decoding.
    #[test]
    fn provider_decoding_of_arbitrary_bytes_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        through_clients("application/octet-stream", body);
    }
}
