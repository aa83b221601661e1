//! The `client()` / `client_builder()` helpers (features `peakprivacy`, `aligneai`): the
//! SDK clients they build talk to the emulator with its credentials.
//!
//! Run with `cargo test -p llm-testkit --features peakprivacy,aligneai`.

#[cfg(feature = "peakprivacy")]
mod peakprivacy_client {
    use futures_util::StreamExt;
    use llm_testkit::{Fault, PeakPrivacyEmulator};
    use peakprivacy::{ChatCompletionRequest, ErrorKind, Message};

    #[tokio::test]
    async fn client_chats_with_the_emulator_token() -> peakprivacy::Result<()> {
        let server = PeakPrivacyEmulator::start().await;
        let client = server.client()?;
        assert_eq!(client.base_url(), server.base_url());

        let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Grüezi")]);
        let completion = client.chat().completions().create(request).await?;
        assert_eq!(
            completion.content(),
            PeakPrivacyEmulator::reply_for("Grüezi")
        );

        let sent = server.last_request().expect("one request");
        assert_eq!(sent.path(), "/v1/ai/completions");
        assert_eq!(sent.header("api-token"), Some(server.token()));
        Ok(())
    }

    #[tokio::test]
    async fn client_uses_a_custom_token_and_streams() -> peakprivacy::Result<()> {
        let server = PeakPrivacyEmulator::builder()
            .token("custom-token")
            .start()
            .await;
        let client = server.client()?;
        client.chat().check_api_token().await?;
        assert!(!client.models().list().await?.is_empty());

        let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("one two")])
            .anonymize(false);
        let mut text = client
            .chat()
            .completions()
            .create_stream(request)
            .await?
            .text();
        let mut pieces = Vec::new();
        while let Some(piece) = text.next().await {
            pieces.push(piece?);
        }
        assert!(pieces.len() > 1, "streamed in pieces: {pieces:?}");
        assert_eq!(pieces.concat(), PeakPrivacyEmulator::reply_for("one two"));
        assert!(server
            .requests()
            .iter()
            .all(|r| r.header("api-token") == Some("custom-token")));
        Ok(())
    }

    #[tokio::test]
    async fn client_builder_can_be_adjusted() -> peakprivacy::Result<()> {
        let server = PeakPrivacyEmulator::start().await;
        let client = server.client_builder().max_retries(0).build()?;
        server.fail_next(Fault::status(429));
        let err = client.models().list().await.expect_err("the armed 429");
        assert_eq!(err.kind(), ErrorKind::RateLimit);
        assert_eq!(server.received_count(), 1, "no retry with max_retries(0)");
        // The fault fired once; the next call succeeds.
        client.models().list().await?;
        Ok(())
    }

    #[test]
    fn client_works_with_a_blocking_emulator() -> peakprivacy::Result<()> {
        let server = PeakPrivacyEmulator::start_blocking();
        let client = server.client()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let models = runtime.block_on(client.models().list())?;
        assert!(!models.is_empty());
        Ok(())
    }
}

#[cfg(feature = "aligneai")]
mod aligneai_client {
    use aligneai::{EmbeddingRequest, ErrorKind};
    use llm_testkit::{AligneAIEmulator, Fault};

    #[tokio::test]
    async fn client_embeds_with_the_emulator_key() -> aligneai::Result<()> {
        let server = AligneAIEmulator::start().await;
        let client = server.client()?;
        // Without a workspace on the emulator, the SDK may take one from the environment.
        let env_workspace = std::env::var("ALIGNEAI_WORKSPACE_ID").ok();
        let env_workspace = env_workspace
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty());
        assert_eq!(client.workspace_id(), env_workspace);

        let response = client
            .embeddings()
            .create(EmbeddingRequest::new(["hello", "world"]))
            .await?;
        assert_eq!(response.len(), 2);
        let first = response.vectors().next().expect("two vectors");
        assert_eq!(
            first,
            AligneAIEmulator::embedding_for("hello", first.len()).as_slice()
        );

        let sent = server.last_request().expect("one request");
        assert_eq!(sent.path(), "/v1/embeddings");
        assert_eq!(sent.header("api-key"), Some(server.api_key()));
        assert_eq!(sent.header("workspace-id"), env_workspace);
        Ok(())
    }

    #[tokio::test]
    async fn client_sends_the_required_workspace() -> aligneai::Result<()> {
        let server = AligneAIEmulator::builder()
            .api_key("custom-key")
            .workspace_id("ws-7")
            .start()
            .await;
        let client = server.client()?;
        assert_eq!(client.workspace_id(), Some("ws-7"));
        client.ping().await?;
        assert!(!client.models().list().await?.is_empty());
        for request in server.requests() {
            assert_eq!(request.header("api-key"), Some("custom-key"));
            assert_eq!(request.header("workspace-id"), Some("ws-7"));
        }
        Ok(())
    }

    #[tokio::test]
    async fn client_builder_can_be_adjusted() -> aligneai::Result<()> {
        let server = AligneAIEmulator::start().await;
        let client = server.client_builder().max_retries(0).build()?;
        server.fail_next(Fault::status(503));
        let err = client.ping().await.expect_err("the armed 503");
        assert_eq!(err.kind(), ErrorKind::InternalServer);
        assert_eq!(server.received_count(), 1, "no retry with max_retries(0)");
        client.ping().await?;
        Ok(())
    }

    #[tokio::test]
    async fn a_default_client_satisfies_the_strict_emulator() -> aligneai::Result<()> {
        let server = AligneAIEmulator::builder()
            .require_embedding_fields(true)
            .start()
            .await;
        let client = server.client()?;
        let response = client
            .embeddings()
            .create(EmbeddingRequest::new(["hello"]))
            .await?;
        let vector = response.vectors().next().expect("one vector");
        assert_eq!(
            vector,
            AligneAIEmulator::embedding_for("hello", 768).as_slice()
        );
        let batched = client
            .embeddings()
            .create_batched(
                EmbeddingRequest::new(["a", "b", "c"]),
                aligneai::BatchOptions::new().batch_size(2),
            )
            .await?;
        assert_eq!(batched.len(), 3);
        let sent = server.last_request().expect("requests were sent");
        let body = sent.body_json().expect("a JSON body");
        assert_eq!(body["model"], aligneai::DEFAULT_EMBEDDING_MODEL);
        assert_eq!(body["dimensions"], aligneai::DEFAULT_EMBEDDING_DIMENSIONS);
        assert_eq!(body["encoding_format"], "float");
        Ok(())
    }

    #[tokio::test]
    async fn without_embedding_defaults_the_strict_emulator_answers_422() -> aligneai::Result<()> {
        let server = AligneAIEmulator::builder()
            .require_embedding_fields(true)
            .start()
            .await;
        let client = server.client_builder().embedding_defaults(false).build()?;
        let err = client
            .embeddings()
            .create(EmbeddingRequest::new(["hello"]))
            .await
            .expect_err("the strict emulator needs the fields");
        assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
        assert_eq!(err.status(), Some(422));
        let fields = err.field_errors().expect("field errors");
        for field in ["model", "dimensions", "encoding_format"] {
            assert!(fields.contains_key(field), "{field} in {fields:?}");
        }
        // Setting the three by hand is enough.
        let response = client
            .embeddings()
            .create(
                EmbeddingRequest::new(["hello"])
                    .model("nomic-embed-v1.5")
                    .dimensions(64)
                    .encoding_format(aligneai::EncodingFormat::Base64),
            )
            .await?;
        assert_eq!(
            response.vectors().next().expect("one vector"),
            AligneAIEmulator::embedding_for("hello", 64).as_slice()
        );
        Ok(())
    }
}
