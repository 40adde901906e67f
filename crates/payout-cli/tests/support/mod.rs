//! A tiny HTTP/1.1 server on 127.0.0.1 that checks each request's
//! `merchantNo` header and MD5 signature and answers with canned replies,
//! a runner for the built `payout` binary, the simulator in the test
//! process ([`sim`]) and throw-away PostgreSQL databases ([`pg`]).

// Each test binary uses part of it.
#![allow(dead_code)]

pub mod pg;
pub mod sim;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use payout_transport::{Md5SortedSigner, Secret, Signer};
use serde_json::{Map, Value};

/// The merchant secret of every test. Distinctive, so that a leak is found.
pub const SECRET: &str = "S3cr3t-never-printed-4f9d0c";
/// The merchant number of every test.
pub const MERCHANT: &str = "3060414594";

/// What the server does with a request.
pub enum Reply {
    /// HTTP 200 with a JSON body.
    Json(String),
    /// Any status, content type and body.
    Status(u16, &'static str, Vec<u8>),
    /// Read the request, then say nothing for this long and close.
    Hang(Duration),
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Request path.
    pub path: String,
    /// The `merchantNo` header.
    pub merchant_no: Option<String>,
    /// The body.
    pub body: Map<String, Value>,
    /// Whether the signature (body `sign` or `sign` header) is right.
    pub sign_ok: bool,
}

type Handler = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

/// A running test server.
pub struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server answering with `handler(request_index, request)`.
    /// A request with a wrong signature or merchant header is answered
    /// with outer code 8000 instead, so a signing bug cannot pass a test.
    pub fn start(handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let counter = Arc::new(AtomicUsize::new(0));
        let seen2 = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, seen, counter) = (
                    Arc::clone(&handler),
                    Arc::clone(&seen2),
                    Arc::clone(&counter),
                );
                thread::spawn(move || serve(stream, &*handler, &seen, &counter));
            }
        });
        Self { addr, seen }
    }

    /// Always answers with this JSON.
    pub fn json(body: &str) -> Self {
        let body = body.to_owned();
        Self::start(move |_, _| Reply::Json(body.clone()))
    }

    /// `http://127.0.0.1:PORT/<segment>`.
    pub fn base(&self, segment: &str) -> String {
        format!("http://{}/{segment}", self.addr)
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<Seen>>, counter: &AtomicUsize) {
    let Some((path, headers, body)) = read_request(&mut stream) else {
        return;
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut fields: Map<String, Value> = serde_json::from_slice(&body).unwrap_or_default();
    let received = match fields.remove("sign") {
        Some(Value::String(s)) => Some(s),
        _ => header("sign"),
    };
    let mine = Md5SortedSigner::new(Secret::new(SECRET))
        .sign_json(&fields)
        .expect("flat body");
    let request = Seen {
        path,
        merchant_no: header("merchantNo"),
        body: fields,
        sign_ok: received.is_some_and(|s| mine.matches(&s)),
    };
    seen.lock().expect("lock").push(request.clone());
    let n = counter.fetch_add(1, Ordering::SeqCst);
    let reply = if !request.sign_ok || request.merchant_no.as_deref() != Some(MERCHANT) {
        Reply::Json(
            r#"{"code":"8000","msg":"test server: bad sign or merchantNo","success":false}"#.into(),
        )
    } else {
        handler(n, &request)
    };
    let (status, ctype, body) = match reply {
        Reply::Json(b) => (200, "application/json", b.into_bytes()),
        Reply::Status(s, c, b) => (s, c, b),
        Reply::Hang(d) => {
            thread::sleep(d);
            return;
        }
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The client may hang up early (size cap); that is not a test failure.
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

type Request = (String, Vec<(String, String)>, Vec<u8>);

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
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
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((path, headers, body))
}

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
}

impl Run {
    /// Stdout as one JSON object.
    pub fn json(&self) -> Map<String, Value> {
        let v: Value = serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"));
        assert_eq!(self.stdout.trim().lines().count(), 1, "one line: {self:?}");
        match v {
            Value::Object(m) => m,
            other => panic!("stdout is not an object: {other}"),
        }
    }
}

/// Runs `payout args...` with only `env` in the environment and `stdin` on
/// its standard input. Fails the test if the secret appears anywhere in
/// the output.
pub fn payout(args: &[&str], env: &[(String, String)], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_payout"));
    cmd.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn payout");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "the secret leaked: {run:?}"
    );
    run
}

/// The environment of an account at `base` with a short timeout.
pub fn account(base: &str) -> Vec<(String, String)> {
    env(&[
        ("PAYOUT_BASE_URL", base),
        ("PAYOUT_MERCHANT_NO", MERCHANT),
        ("PAYOUT_SECRET", SECRET),
        ("PAYOUT_TIMEOUT_MS", "1500"),
    ])
}

/// An owned environment from pairs.
pub fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A callback body signed with the test secret (`sign` left out when
/// `signed` is false).
pub fn callback(fields: &[(&str, &str)], signed: bool) -> String {
    let mut map: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect();
    if signed {
        let sign = Md5SortedSigner::new(Secret::new(SECRET))
            .sign_json(&map)
            .expect("flat");
        map.insert("sign".into(), Value::String(sign.to_string()));
    }
    Value::Object(map).to_string()
}
