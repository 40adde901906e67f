//! A request as the fake server received it, and reading one from a
//! connection (HTTP/1.1: request line, headers, a body framed by
//! `content-length` or `transfer-encoding: chunked`).

use std::fmt;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderMap, Method};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Largest request head read (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body read.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as received, recorded before it is answered.
#[derive(Clone)]
pub struct Request {
    /// Its place in arrival order, from 0.
    pub index: usize,
    /// The method.
    pub method: Method,
    /// The request target as sent: the path and, when there is one, `?`
    /// and the query (`/v2/payouts?reference_id=PO-1`).
    pub target: String,
    /// The headers (names are case-insensitive).
    pub headers: HeaderMap,
    /// The body, de-chunked when it was sent in chunks.
    pub body: Bytes,
}

impl fmt::Debug for Request {
    /// Method, target, header names and body length: header values and
    /// bodies may hold credentials or personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("index", &self.index)
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Request {
    /// The path: the target without its query.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(p, _)| p)
    }

    /// The query (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The first value of the header `name` (any case), when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text (`None` when it is not UTF-8).
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

/// Reads one request; `None` when the connection closes first or the
/// request is not HTTP/1.x the server can read.
pub(super) async fn read(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD || fill(stream, &mut buf).await? == 0 {
            return None;
        }
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = Method::from_bytes(first.next()?.as_bytes()).ok()?;
    let target = first.next()?.to_owned();
    if !first.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let mut headers = HeaderMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
            HeaderValue::from_str(value.trim()).ok()?,
        );
    }
    let mut rest = buf.split_off(head_end);
    let chunked = headers
        .get(TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(stream, rest).await?
    } else {
        let len: usize = match headers.get(CONTENT_LENGTH) {
            Some(v) => v.to_str().ok()?.trim().parse().ok()?,
            None => 0,
        };
        if len > MAX_BODY {
            return None;
        }
        while rest.len() < len {
            if fill(stream, &mut rest).await? == 0 {
                return None;
            }
        }
        rest.truncate(len);
        rest
    };
    Some(Request {
        index: 0,
        method,
        target,
        headers,
        body: Bytes::from(body),
    })
}

/// Reads more bytes into `buf`; the count read (0 at the end).
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<usize> {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk).await.ok()?;
    buf.extend_from_slice(&chunk[..n]);
    Some(n)
}

/// Decodes a chunked body whose first bytes are `buf`, reading the rest
/// (trailers are read and dropped).
async fn read_chunked(stream: &mut TcpStream, mut buf: Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        // The size line.
        let line_end = loop {
            if let Some(i) = buf[at..].windows(2).position(|w| w == b"\r\n") {
                break at + i;
            }
            if buf.len() - at > MAX_HEAD || fill(stream, &mut buf).await? == 0 {
                return None;
            }
        };
        let line = std::str::from_utf8(&buf[at..line_end]).ok()?;
        let size_text = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                if let Some(i) = buf[at..].windows(2).position(|w| w == b"\r\n") {
                    if i == 0 {
                        return Some(body);
                    }
                    at += i + 2;
                    continue;
                }
                if buf.len() - at > MAX_HEAD || fill(stream, &mut buf).await? == 0 {
                    return None;
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return None;
        }
        while buf.len() < at + size + 2 {
            if fill(stream, &mut buf).await? == 0 {
                return None;
            }
        }
        body.extend_from_slice(&buf[at..at + size]);
        if &buf[at + size..at + size + 2] != b"\r\n" {
            return None;
        }
        at += size + 2;
    }
}
