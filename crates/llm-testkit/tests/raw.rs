//! The scripted raw TCP server (`llm_testkit::raw`) against a real HTTP client and raw sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use llm_testkit::raw::{chunk, head, last_chunk, refused_addr, response, RawServer, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BOUND: Duration = Duration::from_secs(10);

fn ok(body: &str) -> Step {
    Step::Write(response(200, "application/json", &[], body.as_bytes()))
}

#[tokio::test]
async fn connection_n_plays_script_n_and_the_last_repeats() {
    let server = RawServer::start(vec![vec![ok("1")], vec![ok("2")], vec![ok("3")]]).await;
    let client = reqwest::Client::new();
    let mut bodies = Vec::new();
    for _ in 0..5 {
        let reply = client.get(server.uri()).send().await.unwrap();
        bodies.push(reply.text().await.unwrap());
    }
    assert_eq!(bodies, ["1", "2", "3", "3", "3"]);
    assert_eq!(server.connections(), 5);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn requests_are_read_with_their_body_and_headers() {
    let server = RawServer::start(vec![vec![ok("{}")]]).await;
    let body = "x".repeat(10_000); // more than one read
    reqwest::Client::new()
        .post(format!("{}/v1/ai/completions", server.uri()))
        .header("Api-Token", "t-1")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].request_line(),
        "POST /v1/ai/completions HTTP/1.1"
    );
    assert_eq!(requests[0].header("API-TOKEN").as_deref(), Some("t-1"));
    assert_eq!(requests[0].header("content-length"), Some("10000".into()));
    assert_eq!(requests[0].body, body.as_bytes());
}

#[tokio::test]
async fn reset_then_success() {
    let server = RawServer::start(vec![vec![Step::Reset], vec![ok("fine")]]).await;
    let client = reqwest::Client::new();
    let err = client.get(server.uri()).send().await.unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    let reply = client.get(server.uri()).send().await.unwrap();
    assert_eq!(reply.text().await.unwrap(), "fine");
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_reset_is_an_rst_not_a_clean_close() {
    let server = RawServer::start(vec![vec![Step::text("HTTP/1.1 200 OK\r\n"), Step::Reset]]).await;
    let mut socket = TcpStream::connect(server.addr()).await.unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    let outcome = tokio::time::timeout(BOUND, socket.read_to_end(&mut got))
        .await
        .expect("the server acts within the bound");
    let err = outcome.expect_err("a reset, not an end of stream");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_a_client_error() {
    let server = RawServer::start(vec![vec![
        Step::Write(head(200, "application/json", Some(100))),
        Step::text("{\"id\":"),
        Step::Close,
    ]])
    .await;
    let reply = reqwest::get(server.uri()).await.unwrap();
    assert_eq!(reply.status(), 200);
    assert!(reply.bytes().await.is_err());
}

#[tokio::test]
async fn chunked_bodies_with_pauses_arrive_whole() {
    let server = RawServer::start(vec![vec![
        Step::Write(head(200, "text/event-stream", None)),
        Step::Write(chunk(b"data: 1\n\n")),
        Step::Sleep(Duration::from_millis(100)),
        Step::Write(chunk(b"data: 2\n\n")),
        Step::Write(last_chunk()),
    ]])
    .await;
    let started = Instant::now();
    let reply = reqwest::get(server.uri()).await.unwrap();
    assert_eq!(reply.headers()["content-type"], "text/event-stream");
    assert_eq!(reply.text().await.unwrap(), "data: 1\n\ndata: 2\n\n");
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[tokio::test]
async fn a_hanging_connection_is_closed_when_the_server_is_dropped() {
    let server = RawServer::start(vec![vec![Step::Hang]]).await;
    let mut socket = TcpStream::connect(server.addr()).await.unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    // Silent while the server lives...
    let silent = tokio::time::timeout(Duration::from_millis(200), socket.read(&mut buf)).await;
    assert!(silent.is_err(), "the server said something: {silent:?}");
    assert_eq!(server.requests().len(), 1);
    // ...and closed once it is dropped.
    drop(server);
    let closed = tokio::time::timeout(BOUND, socket.read(&mut buf))
        .await
        .expect("the connection closes when the server is dropped");
    assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
}

#[tokio::test]
async fn without_reading_the_script_starts_at_accept() {
    let server = RawServer::start_without_reading(vec![vec![Step::text("hello")]]).await;
    // The client sends nothing and still gets the bytes.
    let mut socket = TcpStream::connect(server.addr()).await.unwrap();
    let mut got = Vec::new();
    tokio::time::timeout(BOUND, socket.read_to_end(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, b"hello");
    assert_eq!(server.connections(), 1);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_client_closing_before_its_request_ends_is_not_recorded() {
    let server = RawServer::start(vec![vec![ok("{}")]]).await;
    let mut socket = TcpStream::connect(server.addr()).await.unwrap();
    socket.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    drop(socket);
    // The next request is served normally.
    let reply = reqwest::get(server.uri()).await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn refused_addr_refuses() {
    let addr = refused_addr();
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    let err = reqwest::get(format!("http://{addr}/v1")).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}
