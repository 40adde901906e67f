//! The workspace's fake HTTP server ([`payout_transport::fake_server`])
//! checking each request's `merchantNo` header and MD5 signature and
//! answering with canned replies, a runner for the built `payout` binary,
//! the simulator in the test process ([`sim`]) and throw-away PostgreSQL
//! databases ([`pg`]).

// Each test binary uses part of it.
#![allow(dead_code)]

pub mod pg;
pub mod sim;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use payout_transport::fake_server::{self, FakeServer, Request};
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

impl Reply {
    /// The fake server's reply.
    fn into_reply(self) -> fake_server::Reply {
        match self {
            Self::Json(body) => fake_server::Reply::json(body),
            Self::Status(status, content_type, body) => {
                fake_server::Reply::status(status).body(content_type, body)
            }
            Self::Hang(pause) => fake_server::Reply::close().after(pause),
        }
    }
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

impl Seen {
    /// Reads `req` as the platform would: its fields (without `sign`) and
    /// whether the signature over them is right.
    fn of(req: &Request) -> Self {
        let mut fields: Map<String, Value> = serde_json::from_slice(&req.body).unwrap_or_default();
        let received = match fields.remove("sign") {
            Some(Value::String(s)) => Some(s),
            _ => req.header("sign").map(str::to_owned),
        };
        let mine = Md5SortedSigner::new(Secret::new(SECRET))
            .sign_json(&fields)
            .expect("flat body");
        Self {
            path: req.target.clone(),
            merchant_no: req.header("merchantNo").map(str::to_owned),
            body: fields,
            sign_ok: received.is_some_and(|s| mine.matches(&s)),
        }
    }
}

/// A running test server; stops when dropped.
pub struct Server {
    inner: FakeServer,
}

impl Server {
    /// Starts a server answering with `handler(request_index, request)`.
    /// A request with a wrong signature or merchant header is answered
    /// with outer code 8000 instead, so a signing bug cannot pass a test.
    pub fn start(handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Self {
        let inner = FakeServer::start(move |req| {
            let seen = Seen::of(req);
            let reply = if !seen.sign_ok || seen.merchant_no.as_deref() != Some(MERCHANT) {
                Reply::Json(
                    r#"{"code":"8000","msg":"test server: bad sign or merchantNo","success":false}"#
                        .into(),
                )
            } else {
                handler(req.index, &seen)
            };
            reply.into_reply()
        });
        Self { inner }
    }

    /// Always answers with this JSON.
    pub fn json(body: &str) -> Self {
        let body = body.to_owned();
        Self::start(move |_, _| Reply::Json(body.clone()))
    }

    /// `http://127.0.0.1:PORT/<segment>`.
    pub fn base(&self, segment: &str) -> String {
        self.inner.url(segment)
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner.requests().iter().map(Seen::of).collect()
    }
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
