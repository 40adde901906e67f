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
