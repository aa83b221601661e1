//! A fast smoke test of the harness (well under 10 s): the server process answers every
//! mode, every streaming contender reads the same small stream completely, and every
//! decoder counts the same events. It measures nothing.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

use llm_bench::clients::{self, Clients, Contender};
use llm_bench::server::ServerProcess;
use llm_bench::{decode, latency, nonstream, payload, report, streaming};

#[test]
fn decoders_agree_on_every_input_and_chunking() {
    for input in decode::inputs() {
        // Two events keep the quadratic contender fast in debug builds.
        let body = bytes::Bytes::from(input.event.repeat(2));
        for chunking in decode::Chunking::ALL {
            let chunks = chunking.split_for_profile(&body, input.event.len());
            for decoder in decode::Decoder::ALL {
                // eventsource-stream is quadratic on long lines in small reads: far too
                // slow for an unoptimised test build.
                let slow = decoder == decode::Decoder::EventsourceStream
                    && input.event.len() > 4096
                    && chunking != decode::Chunking::PerEvent;
                if slow && cfg!(debug_assertions) {
                    continue;
                }
                let events = decode::run_once(decoder, &chunks).unwrap();
                assert_eq!(
                    events,
                    2,
                    "{} {} {}",
                    decoder.name(),
                    input.name,
                    chunking.name()
                );
            }
        }
    }
    assert_eq!(payload::chat_event().len(), 270);
}

#[test]
fn every_contender_streams_from_the_server_process() {
    let server = ServerProcess::start_at(Path::new(env!("CARGO_BIN_EXE_bench-server")), 0).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let clients = Clients::new(&server.url("")).unwrap();
        for framing in streaming::FRAMINGS {
            let path = format!("sse/{framing}/300/lf/");
            for contender in streaming::CONTENDERS {
                let count = clients::stream(&clients, contender, &path, &mut |_, _| None)
                    .await
                    .unwrap();
                streaming::check_count(contender, count, 300).unwrap();
            }
        }
        // CR and CRLF line ends through ours.
        for ending in ["cr", "crlf"] {
            let path = format!("sse/64k/50/{ending}/");
            let count = clients::stream(&clients, Contender::Ours, &path, &mut |_, _| None)
                .await
                .unwrap();
            assert_eq!(count, 50);
        }
        // The section itself: two measured rounds per row, lined up round by round, and
        // the report's verdicts computed from them.
        let rows = streaming::run(&clients, 100, 2).await.unwrap();
        assert_eq!(
            rows.len(),
            streaming::FRAMINGS.len() * streaming::CONTENDERS.len()
        );
        assert!(rows
            .iter()
            .all(|r| r.cpu_by_round.len() == 2 && r.rate_by_round.len() == 2));
        let text = report::body(&report::Results {
            streaming: rows,
            streaming_events: 100,
            ..Default::default()
        });
        for framing in streaming::FRAMINGS {
            assert!(
                text.contains(&format!("floor + 400 ns ({framing} framing)")),
                "{text}"
            );
        }
        assert!(text.contains("ratios are medians over rounds"), "{text}");
        let rows = latency::run(&clients, 5, 1000, 1).await.unwrap();
        assert_eq!(
            rows.len(),
            latency::ENDINGS.len() * latency::CONTENDERS.len()
        );
        let measured = nonstream::run(&server.url(""), 3, 2, 1).await.unwrap();
        assert_eq!(measured.rows.len(), 2);
        assert_eq!(measured.embeddings.len(), nonstream::VECTOR_COUNTS.len());
        // Base64 bodies are smaller than float bodies for every vector count.
        for row in &measured.embeddings {
            assert!(row.base64_bytes < row.float_bytes, "{row:?}");
        }
    });
}

/// The decode ratios are medians of per-round ratios (the cells of one input take turns,
/// so round i of two decoders ran under about the same load), not ratios of medians.
#[test]
fn decode_verdicts_compare_runs_of_the_same_round() {
    use llm_bench::decode::{Chunking, Decoder, Row};

    let row = |chunking: Chunking, scale: f64| {
        // Ours / sseer per round: 1.2, 0.9, 1.1 (median 1.1); the ratio of the medians
        // would be 1.2.
        let ours = [120.0, 180.0, 110.0].map(|v| v * scale);
        let sseer = [100.0, 200.0, 100.0].map(|v| v * scale);
        let series = [
            (Decoder::Ours, ours.to_vec()),
            (Decoder::EventsourceStream, sseer.map(|v| v / 4.0).to_vec()),
            (Decoder::Sseer, sseer.to_vec()),
            (Decoder::MemchrCeiling, sseer.map(|v| v * 4.0).to_vec()),
        ];
        Row {
            input: "1 MiB event",
            chunking: chunking.name(),
            chunking_kind: chunking,
            bytes: 1 << 20,
            events: 1,
            rounds: series.to_vec(),
        }
    };
    let text = report::body(&report::Results {
        // Small reads at 1/1.5 the speed of whole events, in every round.
        decode: vec![
            row(Chunking::PerEvent, 1.0),
            row(Chunking::Reads(1460), 1.0 / 1.5),
        ],
        ..Default::default()
    });
    assert!(
        text.contains("SSE decode >= sseer on every row: **MET** (lowest ratio 1.10x)"),
        "{text}"
    );
    assert!(
        text.contains("3x eventsource-stream on every row: **MET** (lowest ratio 4.4x)"),
        "{text}"
    );
    assert!(text.contains("1 MiB event varies 1.50x"), "{text}");
}
