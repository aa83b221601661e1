//! An in-process loopback HTTP/1.1 server for the provider fuzz targets: each fuzz input
//! becomes the next response (status, content type, body), served over a kept-alive
//! connection, so the input goes through the provider's real public decoding path
//! (transport, sniffing, SSE decoding, chunk mapping, JSON decoding, error parsing).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Mutex, OnceLock};

/// The API key of the fuzzed clients; no error may ever show it.
pub const KEY: &str = "fuzz-key-9d3a1c";

/// The response the server sends next.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
}

static NEXT: Mutex<Option<Reply>> = Mutex::new(None);

/// Starts the server once; returns its base URI.
pub fn server() -> &'static str {
    static URI: OnceLock<String> = OnceLock::new();
    URI.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve(stream));
            }
        });
        uri
    })
}

/// Sets the next response.
pub fn set_reply(reply: Reply) {
    *NEXT.lock().unwrap_or_else(|e| e.into_inner()) = Some(reply);
}

fn serve(stream: std::net::TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        // Request head.
        let mut length = 0usize;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" || line == "\n" {
                if first {
                    continue;
                }
                break;
            }
            first = false;
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let reply = NEXT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or(Reply {
                status: 500,
                content_type: None,
                body: Vec::new(),
            });
        let mut out = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
            reply.status,
            reply.body.len()
        );
        if let Some(ct) = reply.content_type {
            out.push_str(&format!("content-type: {ct}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&reply.body);
        if writer.write_all(&bytes).is_err() {
            return;
        }
    }
}

/// A current-thread runtime, reused across inputs.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    thread_local! {
        static RT: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
    }
    RT.with(|rt| rt.block_on(fut))
}

/// Picks a status: mostly 200, sometimes an error status (error-body parsing).
pub fn status(selector: u8) -> u16 {
    match selector % 16 {
        0 => 400,
        1 => 403,
        2 => 422,
        3 => 429,
        4 => 500,
        5 => 401,
        _ => 200,
    }
}

/// Picks a content type.
pub fn content_type(selector: u8) -> Option<&'static str> {
    match selector % 4 {
        0 => Some("text/event-stream"),
        1 => Some("application/json"),
        2 => None,
        _ => Some("text/html; charset=utf-8"),
    }
}

/// Checks an error: no key in `Display`/`Debug`, no panic formatting it.
pub fn check_error<E: std::fmt::Display + std::fmt::Debug>(err: &E) {
    assert!(!err.to_string().contains(KEY));
    assert!(!format!("{err:?}").contains(KEY));
}
