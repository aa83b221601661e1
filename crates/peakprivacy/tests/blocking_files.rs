//! The blocking Files and Assistants resources (`--features blocking`) against the
//! emulator, from a thread without a runtime.
#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use llm_testkit::PeakPrivacyEmulator;
use peakprivacy::blocking::PeakPrivacy;
use peakprivacy::{
    CreateAssistantRequest, ErrorKind, FilePart, ListParams, UpdateAssistantRequest,
};

fn client(server: &PeakPrivacyEmulator) -> PeakPrivacy {
    PeakPrivacy::builder()
        .api_token(server.token())
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[test]
fn blocking_files_upload_list_retrieve_delete() {
    let server = PeakPrivacyEmulator::start_blocking();
    let client = client(&server);
    let dir = std::env::temp_dir().join(format!("pp-blocking-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("minutes.md");
    std::fs::write(&path, "# Minutes\nBudget approved.\n").unwrap();

    let uploaded = client
        .files()
        .upload([
            FilePart::from_bytes("a.txt", "alpha"),
            FilePart::from_path(&path),
            FilePart::from_bytes("c.csv", "x,y\n"),
        ])
        .unwrap();
    assert_eq!(uploaded.len(), 3);
    assert_eq!(uploaded[1].mimetype.as_deref(), Some("text/markdown"));

    let listed: Vec<_> = client
        .files()
        .list_stream(ListParams::new().limit(2))
        .collect::<peakprivacy::Result<_>>()
        .unwrap();
    assert_eq!(listed, uploaded);
    let page = client.files().list(ListParams::new().limit(2)).unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(page.next_cursor.is_some());

    assert_eq!(
        client.files().retrieve(&uploaded[1].id).unwrap(),
        uploaded[1]
    );
    client.files().delete(&uploaded[1].id).unwrap();
    let err = client.files().retrieve(&uploaded[1].id).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn blocking_assistants_crud_and_query() {
    let server = PeakPrivacyEmulator::start_blocking();
    let client = client(&server);
    let files = client
        .files()
        .upload([FilePart::from_bytes(
            "hours.txt",
            "Open Monday to Friday.\n",
        )])
        .unwrap();
    let assistant = client
        .assistants()
        .create(
            CreateAssistantRequest::new("Desk", "mistral-swiss").file_ids([files[0].id.clone()]),
        )
        .unwrap();
    let answer = client
        .assistants()
        .query(&assistant.id, "Are you open on Monday?")
        .unwrap();
    assert!(
        answer.content.contains("Open Monday to Friday."),
        "{}",
        answer.content
    );
    let updated = client
        .assistants()
        .update(
            &assistant.id,
            UpdateAssistantRequest::new().temperature(0.1),
        )
        .unwrap();
    assert_eq!(updated.temperature, Some(0.1));
    assert_eq!(
        client.assistants().retrieve(&assistant.id).unwrap(),
        updated
    );
    let all: Vec<_> = client
        .assistants()
        .list_stream(ListParams::new())
        .collect::<peakprivacy::Result<_>>()
        .unwrap();
    assert_eq!(all, [updated]);
    assert_eq!(
        client
            .assistants()
            .list(ListParams::new())
            .unwrap()
            .data
            .len(),
        1
    );
    client.assistants().delete(&assistant.id).unwrap();
    assert!(server.assistant_ids().is_empty());
}

#[test]
fn blocking_calls_inside_a_runtime_are_refused() {
    let server = PeakPrivacyEmulator::start_blocking();
    let client = client(&server);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err =
        runtime.block_on(async { client.files().upload([FilePart::from_bytes("a.txt", "a")]) });
    assert_eq!(err.unwrap_err().kind(), ErrorKind::Config);
    assert_eq!(server.received_count(), 0);
}
