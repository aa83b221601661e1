//! One vocabulary across the provider crates: the same program (tests/port/program.rs),
//! using chat, streaming, collection, text streams, models, error accessors, per-call
//! options, builder settings and the blocking facade, compiled against `peakprivacy` and
//! against `aligneai`. Only the crate, the client type, the credential setter and the
//! credential variable differ (the `mod` wrappers below); the program runs against each
//! provider's emulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use llm_testkit::{AligneAIEmulator, PeakPrivacyEmulator};

mod on_peakprivacy {
    use peakprivacy as provider;
    use peakprivacy::blocking::PeakPrivacy as BlockingClient;
    use peakprivacy::PeakPrivacy as Client;
    const CREDENTIAL_ENV: &str = peakprivacy::API_TOKEN_ENV;
    fn client_for<M>(
        builder: peakprivacy::PeakPrivacyBuilder<M>,
        key: &str,
    ) -> peakprivacy::PeakPrivacyBuilder<M> {
        builder.api_token(key)
    }
    include!("port/program.rs");
}

mod on_aligneai {
    use aligneai as provider;
    use aligneai::blocking::AligneAI as BlockingClient;
    use aligneai::AligneAI as Client;
    const CREDENTIAL_ENV: &str = aligneai::API_KEY_ENV;
    fn client_for<M>(
        builder: aligneai::AligneAIBuilder<M>,
        key: &str,
    ) -> aligneai::AligneAIBuilder<M> {
        builder.api_key(key)
    }
    include!("port/program.rs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_program_runs_on_peakprivacy() {
    let server = PeakPrivacyEmulator::start().await;
    let report = on_peakprivacy::run(server.base_url(), server.token(), "mistral-swiss")
        .await
        .unwrap();
    let expected = PeakPrivacyEmulator::reply_for("Hello there");
    assert_eq!(report.plain, expected);
    assert_eq!(report.streamed, expected);
    assert_eq!(report.collected, expected);
    assert_eq!(report.blocking, expected);
    assert!(report.pieces >= 1);
    assert!(
        report.models.iter().any(|id| id == "mistral-swiss"),
        "{:?}",
        report.models
    );
    assert_eq!(report.invalid_kind, peakprivacy::ErrorKind::InvalidRequest);
    assert_eq!(report.auth_kind, peakprivacy::ErrorKind::Authentication);
    assert_eq!(report.auth_status, Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_program_runs_on_aligneai() {
    let server = AligneAIEmulator::start().await;
    let models = aligneai::AligneAI::builder()
        .api_key(server.api_key())
        .base_url(server.base_url())
        .build()
        .unwrap()
        .models()
        .list()
        .await
        .unwrap();
    let model = models.first().map(|m| m.id.clone()).unwrap();
    let report = on_aligneai::run(server.base_url(), server.api_key(), &model)
        .await
        .unwrap();
    let expected = AligneAIEmulator::reply_for("Hello there");
    assert_eq!(report.plain, expected);
    assert_eq!(report.streamed, expected);
    assert_eq!(report.collected, expected);
    assert_eq!(report.blocking, expected);
    assert!(report.pieces > 1, "AligneAI streams word by word");
    assert!(report.models.contains(&model));
    assert_eq!(report.invalid_kind, aligneai::ErrorKind::InvalidRequest);
    assert_eq!(report.auth_kind, aligneai::ErrorKind::Authentication);
    assert_eq!(report.auth_status, Some(401));
}
