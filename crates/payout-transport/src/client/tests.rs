//! The body reader against a real socket: one chunk, many chunks, the cap.

use std::time::Duration;

use payout_core::{Error, Operation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

/// Serves one connection on 127.0.0.1 with `answer` after reading the
/// request head and returns the request URL.
async fn serve_once(answer: Vec<u8>) -> RequestUrl {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                return;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        stream.write_all(&answer).await.unwrap();
        stream.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    });
    RequestUrl::parse(&format!("http://{addr}/q")).unwrap()
}

/// A chunked answer whose body is `parts` concatenated.
fn chunked(parts: &[&str]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for p in parts {
        out.extend_from_slice(format!("{:x}\r\n{p}\r\n", p.len()).as_bytes());
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

async fn fetch(answer: Vec<u8>, cap: usize) -> Result<WireResponse, Error> {
    let url = serve_once(answer).await;
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
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let _ = stream.read(&mut buf).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
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
