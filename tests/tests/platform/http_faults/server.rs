//! The platform's checks on the workspace's fake server
//! ([`payout_transport::fake_server`]): each request's method, content
//! type, `merchantNo` header and signature are checked like the platform
//! would (a wrong one is answered with outer `8000` and reported by
//! [`Server::problems`]); the others get the scripted reply — including
//! answers a real server would not give (truncated, oversized, silence).
//! Shared by `http_faults` and `secret_in_logs`.

#![allow(dead_code)]

use std::time::Duration;

use payout_core::Secret;
use payout_testkit::platform::{MERCHANT_NO, SECRET};
use payout_transport::fake_server::{FakeServer, Request};
use payout_transport::{Md5SortedSigner, Signer};
use serde_json::{Map, Value};

pub use payout_transport::fake_server::Reply;

/// A running server; stops when dropped.
pub struct Server {
    inner: FakeServer,
    sign_in_header: bool,
}

impl Server {
    /// Starts a server that expects the signature in the `sign` header
    /// (`sign_in_header`) or in the body, and answers every request that
    /// passes the checks with `reply`.
    pub fn start(reply: Reply, sign_in_header: bool) -> Self {
        let inner = FakeServer::start(move |req| match check(req, sign_in_header) {
            Ok(()) => reply.clone(),
            Err(p) => Reply::json(
                serde_json::json!({"code": "8000", "msg": p, "success": false}).to_string(),
            ),
        });
        Self {
            inner,
            sign_in_header,
        }
    }

    /// The base URL for a region segment.
    pub fn base_url(&self, segment: &str) -> String {
        self.inner.url(segment)
    }

    /// Requests received so far (complete requests, counted before answering).
    pub fn hits(&self) -> usize {
        self.inner.count()
    }

    /// Waits (bounded) until `n` requests have arrived, for answers the
    /// client gave up waiting for; then returns the count.
    pub async fn hits_after_settling(&self, n: usize) -> usize {
        self.inner.wait_for(n, Duration::from_secs(2)).await;
        // Room for a request that should not come (a wrong retry).
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.hits()
    }

    /// What was wrong with the requests (header, signature, method).
    pub fn problems(&self) -> Vec<String> {
        self.inner
            .requests()
            .iter()
            .filter_map(|r| check(r, self.sign_in_header).err())
            .collect()
    }

    /// The request bodies, in arrival order.
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        self.inner
            .requests()
            .into_iter()
            .map(|r| r.body.to_vec())
            .collect()
    }

    /// The request paths, in arrival order.
    pub fn paths(&self) -> Vec<String> {
        self.inner
            .requests()
            .into_iter()
            .map(|r| r.target)
            .collect()
    }
}

/// The platform's checks: POST, JSON, the merchant header, a valid
/// signature where the region puts it (and only there).
fn check(req: &Request, sign_in_header: bool) -> Result<(), String> {
    if req.method != http::Method::POST {
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
