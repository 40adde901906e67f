//! The body reader against a real socket: one chunk, many chunks, the cap.

use payout_core::{Error, Operation};

use super::*;
use crate::fake_server::{FakeServer, Reply};

/// A chunked answer whose body is `parts` concatenated.
fn chunked(parts: &[&str]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for p in parts {
        out.extend_from_slice(format!("{:x}\r\n{p}\r\n", p.len()).as_bytes());
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Sends a query to a server answering with the exact bytes `answer`.
async fn fetch(answer: Vec<u8>, cap: usize) -> Result<WireResponse, Error> {
    let server = FakeServer::always(Reply::raw(answer));
    let url = RequestUrl::parse(&server.url("/q")).unwrap();
    let transport = HttpTransport::new(
        TransportConfig::default()
            .max_response_bytes(cap)
            .retry(RetryPolicy::none()),
    )
    .unwrap();
    let req = WireRequest::post(url, [].into(), "{}");
    transport
        .send(Operation::QueryPayout, &req, Idempotency::Idempotent)
        .await
}

#[tokio::test]
async fn a_body_in_one_piece_is_read_whole() {
    let body = r#"{"code":"0000"}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let resp = fetch(answer.into_bytes(), 1024).await.unwrap();
    assert_eq!(&resp.body[..], body.as_bytes());
}

#[tokio::test]
async fn a_body_in_many_chunks_is_gathered_in_order() {
    let parts = [
        "{\"code\":",
        "\"0000\"",
        ",\"msg\":\"",
        &"x".repeat(300),
        "\"}",
    ];
    let resp = fetch(chunked(&parts), 4096).await.unwrap();
    assert_eq!(resp.body, parts.concat());
}

#[tokio::test]
async fn chunks_beyond_the_cap_are_refused() {
    let parts = ["a".repeat(60), "b".repeat(60)];
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let err = fetch(chunked(&parts), 100).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidResponse { .. }),
        "expected the size cap, got {err:?}"
    );
    // Exactly at the cap is fine.
    let resp = fetch(chunked(&parts), 120).await.unwrap();
    assert_eq!(resp.body.len(), 120);
}

/// The reqwest error (and below it the I/O error) stays reachable through
/// `source()`, for a request that never left and for one without answer,
/// and through an unknown create's cause.
#[tokio::test]
async fn transport_errors_keep_their_cause() {
    use std::error::Error as _;

    /// Walks the `source()` chain of `e` looking for a `T`.
    fn find<T: std::error::Error + 'static>(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut next = Some(e);
        while let Some(cur) = next {
            if cur.downcast_ref::<T>().is_some() {
                return true;
            }
            next = cur.source();
        }
        false
    }

    // Nothing listens on a port just released: connection refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let transport =
        HttpTransport::new(TransportConfig::default().retry(RetryPolicy::none())).unwrap();
    let req = WireRequest::post(
        RequestUrl::parse(&format!("http://127.0.0.1:{port}/q")).unwrap(),
        [].into(),
        "{}",
    );
    let err = transport
        .send(Operation::QueryPayout, &req, Idempotency::Idempotent)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotSent { .. }), "{err:?}");
    let source = err.source().expect("a source");
    assert!(
        source.downcast_ref::<reqwest::Error>().is_some(),
        "{source:?}"
    );
    assert!(find::<std::io::Error>(&err), "no io::Error below {err:?}");
    let unknown = Error::OutcomeUnknown {
        trade_no: payout_core::TradeNo::new("PO-1").unwrap(),
        cause: Box::new(err),
    };
    assert!(find::<reqwest::Error>(&unknown));

    // A server that reads the request and never answers: timeout.
    let silent = FakeServer::always(Reply::hang());
    let addr = silent.addr();
    let transport = HttpTransport::new(
        TransportConfig::default()
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none()),
    )
    .unwrap();
    let req = WireRequest::post(
        RequestUrl::parse(&format!("http://{addr}/q")).unwrap(),
        [].into(),
        "{}",
    );
    let err = transport
        .send(Operation::QueryPayout, &req, Idempotency::Idempotent)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NoAnswer { .. }), "{err:?}");
    let source = err
        .source()
        .and_then(|s| s.downcast_ref::<reqwest::Error>());
    assert!(source.is_some_and(reqwest::Error::is_timeout), "{err:?}");
    assert!(
        !source.unwrap().to_string().contains("127.0.0.1"),
        "URL dropped"
    );
}

#[tokio::test]
async fn extra_headers_go_with_every_request_and_the_provider_s_own_win() {
    let server = FakeServer::always(Reply::json("{}"));
    let base = server.url("");
    let config = TransportConfig::default()
        .retry(RetryPolicy::none())
        .header("X-Egress-Route", "payouts-eu")
        .unwrap()
        .header("X-Tenant", "from-config")
        .unwrap()
        .header("X-Gateway-Token", "gw-secret-value")
        .unwrap();
    assert!(config.headers[2].1.is_sensitive());
    assert!(!config.headers[0].1.is_sensitive());
    let transport = HttpTransport::new(config).unwrap();
    let req = WireRequest::post(
        RequestUrl::parse(&format!("{base}/q")).unwrap(),
        [("X-Tenant", http::HeaderValue::from_static("from-provider"))].into(),
        "{}",
    );
    transport
        .send(Operation::QueryPayout, &req, Idempotency::Idempotent)
        .await
        .unwrap();
    let seen = server.requests();
    let req = &seen[0];
    assert_eq!(req.header("x-egress-route"), Some("payouts-eu"));
    assert_eq!(req.header("x-gateway-token"), Some("gw-secret-value"));
    assert_eq!(req.header("x-tenant"), Some("from-provider"));
    assert_eq!(req.headers.get_all("x-tenant").iter().count(), 1);
}

#[test]
fn extra_headers_are_validated() {
    for (name, value, says) in [
        ("Bad Name", "v", "not a valid HTTP header name"),
        ("Host", "evil.example", "set by the transport"),
        ("transfer-encoding", "chunked", "set by the transport"),
        ("X-Key", "sec\nret", "value not shown"),
    ] {
        let err = TransportConfig::default()
            .header(name, value)
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{name}: {err}");
        assert!(!err.contains("sec\nret"), "{err}");
    }
}

#[tokio::test]
async fn the_observer_sees_each_attempt_redacted() {
    use std::sync::{Arc, Mutex};

    /// What the hook keeps of each event.
    type Seen = (
        Operation,
        String,
        String,
        u32,
        Option<u16>,
        Option<&'static str>,
        usize,
        String,
        String,
    );
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let config = TransportConfig::default()
        .retry(RetryPolicy::none())
        .observer(move |e: &AuditEvent<'_>| {
            let debug = format!("{e:?}");
            assert!(
                !debug.contains("5464438554636") && !debug.contains("Aurelia"),
                "{debug}"
            );
            sink.lock().unwrap().push((
                e.operation,
                e.method.to_string(),
                e.url.to_owned(),
                e.attempt,
                e.status,
                e.failure,
                e.request_body_len(),
                e.redacted_request_body(),
                e.redacted_response_body(),
            ));
        });
    let answer = r#"{"code":"0000","data":{"tradeNo":"PO-1","accountName":"Aurelia Quintero","status":"0000"}}"#;
    let server = FakeServer::always(Reply::json(answer));
    let base = server.url("");
    let transport = HttpTransport::new(config).unwrap();
    let body = r#"{"tradeNo":"PO-1","amount":"100.50","bankAccount":"5464438554636","email":"a.q@example.com","sign":"0123abcd"}"#;
    let req = WireRequest::post(
        RequestUrl::parse(&format!("{base}/v1/payout?for=5464438554636")).unwrap(),
        [].into(),
        body,
    );
    transport
        .send(Operation::CreatePayout, &req, Idempotency::MovesMoney)
        .await
        .unwrap();
    // A second request that never leaves.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused = WireRequest::get(
        RequestUrl::parse(&format!("http://127.0.0.1:{port}/balance")).unwrap(),
        [].into(),
    );
    let _ = transport
        .send(Operation::Balance, &refused, Idempotency::Idempotent)
        .await
        .unwrap_err();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (op, method, url, attempt, status, failure, len, request, response) = &seen[0];
    assert_eq!(*op, Operation::CreatePayout);
    assert_eq!(method, "POST");
    assert_eq!(url, &format!("{base}/v1/payout"));
    assert_eq!(
        (*attempt, *status, *failure, *len),
        (1, Some(200), None, body.len())
    );
    assert_eq!(
        request,
        r#"{"amount":"100.50","bankAccount":"***","email":"***","sign":"***","tradeNo":"PO-1"}"#
    );
    assert_eq!(
        response,
        r#"{"code":"0000","data":{"accountName":"***","status":"0000","tradeNo":"PO-1"}}"#
    );
    let (op, _, _, _, status, failure, _, request, response) = &seen[1];
    assert_eq!(
        (*op, *status, *failure, request.as_str(), response.as_str()),
        (Operation::Balance, None, Some("not_sent"), "", "")
    );
}
