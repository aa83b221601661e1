//! A large upload streams from disk with bounded memory: 32 MiB go to a loopback server
//! (which checks every byte without storing them) while a counting global allocator shows
//! that the process never holds more than a few MiB more than before. Its own test binary,
//! because the allocator counts every allocation of the process.
#![allow(clippy::unwrap_used, clippy::expect_used, unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use peakprivacy::{FilePart, PeakPrivacy};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Counts the bytes allocated now and the highest count since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const FILE_SIZE: usize = 32 * 1024 * 1024;

/// The most the upload may add to the process's heap: a few read buffers and HTTP
/// buffers, far below the file's size.
const MEMORY_BUDGET: usize = 4 * 1024 * 1024;

/// An order-sensitive checksum over 8-byte words, independent of how the bytes are cut
/// into pieces.
#[derive(Default, Clone, Copy, Debug)]
struct Sum {
    hash: u64,
    length: u64,
    carry: [u8; 8],
    carried: usize,
}

impl Sum {
    fn mix(&mut self, word: [u8; 8]) {
        self.hash = self
            .hash
            .wrapping_mul(0x100_0000_01B3)
            .wrapping_add(u64::from_le_bytes(word));
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        self.length += bytes.len() as u64;
        if self.carried > 0 {
            let take = (8 - self.carried).min(bytes.len());
            self.carry[self.carried..self.carried + take].copy_from_slice(&bytes[..take]);
            self.carried += take;
            bytes = &bytes[take..];
            if self.carried < 8 {
                return;
            }
            self.mix(self.carry);
            self.carried = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(word.try_into().unwrap());
        }
        let rest = words.remainder();
        self.carry[..rest.len()].copy_from_slice(rest);
        self.carried = rest.len();
    }

    /// The checksum and the number of bytes fed.
    fn finish(mut self) -> (u64, u64) {
        if self.carried > 0 {
            self.carry[self.carried..].fill(0);
            self.mix(self.carry);
        }
        (self.hash, self.length)
    }
}

/// The size of one block of the test file.
const BLOCK: usize = 1024 * 1024;

/// Block `index` of the test file: one fixed pseudo-random MiB whose first 8 bytes are
/// the block's index, so a block sent twice or out of order changes the checksum.
fn block(base: &[u8], index: usize) -> Vec<u8> {
    let mut block = base.to_vec();
    block[..8].copy_from_slice(&(index as u64).to_le_bytes());
    block
}

/// The fixed pseudo-random MiB the blocks start from.
fn base_block() -> Vec<u8> {
    (0..BLOCK)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 7)) as u8)
        .collect()
}

/// Writes the test file block by block and returns its path.
fn write_file(dir: &Path, base: &[u8]) -> PathBuf {
    let path = dir.join("big.bin");
    let mut file = std::fs::File::create(&path).unwrap();
    for index in 0..FILE_SIZE / BLOCK {
        file.write_all(&block(base, index)).unwrap();
    }
    path
}

/// What the server saw: the content type, whether the body was chunked, its length and
/// checksum.
#[derive(Debug)]
struct Received {
    content_type: String,
    chunked: bool,
    length: u64,
    sum: u64,
}

/// Serves one request: reads the head, then the body (by `Content-Length` or chunked)
/// through a 64 KiB buffer into a checksum, and answers a one-file upload.
async fn serve_one(listener: &TcpListener) -> Received {
    let (socket, _) = listener.accept().await.unwrap();
    let mut reader = BufReader::with_capacity(64 * 1024, socket);
    let mut content_type = String::new();
    let mut content_length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.to_ascii_lowercase().as_str() {
            "content-type" => content_type = value.trim().to_owned(),
            "content-length" => content_length = value.trim().parse::<u64>().ok(),
            "transfer-encoding" => chunked = value.trim().eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let mut sum = Sum::default();
    let mut buf = vec![0u8; 64 * 1024];
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.unwrap();
            let size = u64::from_str_radix(size.trim().split(';').next().unwrap(), 16).unwrap();
            if size == 0 {
                let mut end = String::new();
                reader.read_line(&mut end).await.unwrap();
                break;
            }
            read_body(&mut reader, size, &mut buf, &mut sum).await;
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf).await.unwrap();
        }
    } else {
        read_body(
            &mut reader,
            content_length.expect("a length"),
            &mut buf,
            &mut sum,
        )
        .await;
    }
    let body = format!(
        r#"[{{"id":"f1","name":"big.bin","ext":"bin","size":{FILE_SIZE},"mimetype":"application/octet-stream"}}]"#
    );
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    reader
        .get_mut()
        .write_all(response.as_bytes())
        .await
        .unwrap();
    let (sum, length) = sum.finish();
    Received {
        content_type,
        chunked,
        length,
        sum,
    }
}

/// Reads `left` body bytes through `buf` into `sum`.
async fn read_body(
    reader: &mut BufReader<tokio::net::TcpStream>,
    mut left: u64,
    buf: &mut [u8],
    sum: &mut Sum,
) {
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = reader.read(&mut buf[..want]).await.unwrap();
        assert!(n > 0, "the body ended early");
        sum.feed(&buf[..n]);
        left -= n as u64;
    }
}

/// The checksum and length the server must see: the multipart head, the file, the tail.
fn expected(boundary: &str, base: &[u8]) -> (u64, u64) {
    let mut sum = Sum::default();
    sum.feed(format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    ).as_bytes());
    for index in 0..FILE_SIZE / BLOCK {
        sum.feed(&block(base, index));
    }
    sum.feed(format!("\r\n--{boundary}--\r\n").as_bytes());
    sum.finish()
}

/// Uploads `part` to a fresh loopback server and returns what it saw and the heap growth.
async fn upload(part: FilePart) -> (Received, usize) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1/", listener.local_addr().unwrap());
    let client = PeakPrivacy::builder()
        .api_token("t")
        .base_url(base_url)
        .max_retries(0)
        .build()
        .unwrap();
    let server = tokio::spawn(async move { serve_one(&listener).await });
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let files = client.files().upload([part]).await.unwrap();
    let peak = PEAK.load(Ordering::Relaxed);
    assert_eq!(files[0].size, Some(FILE_SIZE as u64));
    (server.await.unwrap(), peak.saturating_sub(baseline))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_is_streamed_from_disk_with_bounded_memory() {
    let started = Instant::now();
    let dir = std::env::temp_dir().join(format!("pp-upload-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = base_block();
    let path = write_file(&dir, &base);

    // From a path: replayable, sent with a Content-Length.
    let (received, growth) = upload(FilePart::from_path(&path)).await;
    let boundary = received
        .content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap()
        .to_owned();
    let (sum, length) = expected(&boundary, &base);
    assert!(!received.chunked);
    assert_eq!(received.length, length);
    assert_eq!(received.sum, sum, "the server got the file intact");
    assert!(
        growth < MEMORY_BUDGET,
        "path upload grew the heap by {growth} bytes for a {FILE_SIZE}-byte file"
    );
    println!("from_path: {length} bytes sent, heap grew by at most {growth} bytes");

    // From an async reader: one-shot, chunked.
    let file = tokio::fs::File::open(&path).await.unwrap();
    let (received, growth) = upload(FilePart::from_reader("big.bin", file)).await;
    let boundary = received
        .content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap()
        .to_owned();
    let (sum, length) = expected(&boundary, &base);
    assert!(received.chunked);
    assert_eq!((received.length, received.sum), (length, sum));
    assert!(
        growth < MEMORY_BUDGET,
        "reader upload grew the heap by {growth} bytes for a {FILE_SIZE}-byte file"
    );
    println!("from_reader: {length} bytes sent, heap grew by at most {growth} bytes");

    std::fs::remove_dir_all(&dir).unwrap();
    println!("took {:?}", started.elapsed());
}
