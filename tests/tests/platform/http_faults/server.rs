//! A scripted HTTP/1.1 server on 127.0.0.1 for fault tests: it counts the
//! requests it receives, checks each one's `merchantNo` header and
//! signature like the platform would (answering outer `8000` and recording
//! a problem when they are wrong), then answers as scripted — including
//! answers a real server would not give (truncated, oversized, silence).
//! Shared by `http_faults` and `secret_in_logs`.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use payout_core::Secret;
use payout_testkit::platform::{MERCHANT_NO, SECRET};
use payout_transport::{Md5SortedSigner, Signer};
use serde_json::{Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does once it has read a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// `200 OK` with this JSON body.
    Json(String),
    /// Another status, content type and body.
    Status(u16, &'static str, String),
    /// These exact bytes, then close.
    Raw(Vec<u8>),
    /// Never answer (the client times out).
    Hang,
    /// Close the connection without a word.
    Close,
}

#[derive(Default)]
struct State {
    hits: AtomicUsize,
    problems: Mutex<Vec<String>>,
    paths: Mutex<Vec<String>>,
    bodies: Mutex<Vec<Vec<u8>>>,
}

/// A running server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server that expects the signature in the `sign` header
    /// (`sign_in_header`) or in the body, and answers every request with
    /// `reply`.
    pub async fn start(reply: Reply, sign_in_header: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (reply, state) = (reply.clone(), Arc::clone(&shared));
                tokio::spawn(handle(stream, reply, state, sign_in_header));
            }
        });
        Self { addr, state, task }
    }

    /// The base URL for a region segment.
    pub fn base_url(&self, segment: &str) -> String {
        format!("http://{}/{segment}", self.addr)
    }

    /// Requests received so far (complete requests, counted before answering).
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// Waits (bounded) until `n` requests have arrived, for answers the
    /// client gave up waiting for; then returns the count.
    pub async fn hits_after_settling(&self, n: usize) -> usize {
        for _ in 0..100 {
            if self.hits() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Room for a request that should not come (a wrong retry).
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.hits()
    }

    /// What was wrong with the requests (header, signature, method).
    pub fn problems(&self) -> Vec<String> {
        self.state.problems.lock().unwrap().clone()
    }

    /// The request bodies, in arrival order.
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        self.state.bodies.lock().unwrap().clone()
    }

    /// The request paths, in arrival order.
    pub fn paths(&self) -> Vec<String> {
        self.state.paths.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn handle(mut stream: TcpStream, reply: Reply, state: Arc<State>, sign_in_header: bool) {
    let Some(req) = read_request(&mut stream).await else {
        return;
    };
    state.paths.lock().unwrap().push(req.path.clone());
    state.bodies.lock().unwrap().push(req.body.clone());
    let problem = check(&req, sign_in_header).err();
    state.hits.fetch_add(1, Ordering::SeqCst);
    if let Some(p) = problem {
        state.problems.lock().unwrap().push(p.clone());
        let body = serde_json::json!({"code": "8000", "msg": p, "success": false}).to_string();
        return respond(&mut stream, 200, "application/json", &body).await;
    }
    match reply {
        Reply::Json(body) => respond(&mut stream, 200, "application/json", &body).await,
        Reply::Status(status, content_type, body) => {
            respond(&mut stream, status, content_type, &body).await
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(60)).await,
        Reply::Close => drop(stream),
    }
}

/// The platform's checks: POST, JSON, the merchant header, a valid
/// signature where the region puts it (and only there).
fn check(req: &Request, sign_in_header: bool) -> Result<(), String> {
    if req.method != "POST" {
        return Err(format!("method {}", req.method));
    }
    if req.header("content-type") != Some("application/json") {
        return Err(format!("content-type {:?}", req.header("content-type")));
    }
    if req.header("merchantNo") != Some(MERCHANT_NO) {
        return Err(format!("merchantNo header {:?}", req.header("merchantNo")));
    }
    let mut body: Map<String, Value> =
        serde_json::from_slice(&req.body).map_err(|e| format!("body: {e}"))?;
    let in_body = body.remove("sign");
    let sign = match (sign_in_header, in_body, req.header("sign")) {
        (false, Some(Value::String(s)), None) => s,
        (true, None, Some(s)) => s.to_owned(),
        (_, b, h) => return Err(format!("sign error: body {b:?}, header {h:?}")),
    };
    let mine = Md5SortedSigner::new(Secret::new(SECRET))
        .sign_json(&body)
        .map_err(|e| e.to_string())?;
    if mine.matches(&sign) {
        Ok(())
    } else {
        Err("sign error".into())
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

async fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}
