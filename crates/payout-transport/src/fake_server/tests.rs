//! The fake server against a plain socket (exact bytes) and the transport.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;

use payout_core::{Error, Idempotency, Operation};

use super::*;
use crate::{HttpTransport, RequestUrl, RetryPolicy, TransportConfig, WireRequest};

/// Sends `raw` and reads the answer to its end.
fn exchange(server: &FakeServer, raw: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn records_the_request_and_answers_with_the_chosen_reply() {
    let server = FakeServer::start(|req| {
        Reply::status(201)
            .body("text/plain", format!("you sent {} bytes", req.body.len()))
            .header("x-seen", req.path())
    });
    let answer = exchange(
        &server,
        b"POST /v2/payouts?x=1 HTTP/1.1\r\nHost: a\r\nIdempotency-key: PO-1\r\nX-Two: a\r\nx-two: b\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!(
        String::from_utf8(answer).unwrap(),
        "HTTP/1.1 201 Created\r\ncontent-type: text/plain\r\nx-seen: /v2/payouts\r\ncontent-length: 16\r\nconnection: close\r\n\r\nyou sent 5 bytes"
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.index, 0);
    assert_eq!(r.method, http::Method::POST);
    assert_eq!(r.target, "/v2/payouts?x=1");
    assert_eq!((r.path(), r.query()), ("/v2/payouts", Some("x=1")));
    assert_eq!(r.header("idempotency-key"), Some("PO-1"));
    assert_eq!(r.header("IDEMPOTENCY-KEY"), Some("PO-1"));
    assert_eq!(r.headers.get_all("x-two").iter().count(), 2);
    assert_eq!(r.body_text(), Some("hello"));
    // Debug shows no header value and no body.
    let shown = format!("{r:?}");
    assert!(
        !shown.contains("PO-1") && !shown.contains("hello"),
        "{shown}"
    );
}

#[test]
fn a_chunked_request_body_is_gathered() {
    let server = FakeServer::always(Reply::status(204));
    let answer = exchange(
        &server,
        b"POST /c HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n5;ext=1\r\ndefgh\r\n0\r\ntrailer: x\r\n\r\n",
    );
    assert!(answer.starts_with(b"HTTP/1.1 204 No Content\r\n"));
    assert_eq!(server.requests()[0].body, "abcdefgh");
}

#[test]
fn a_script_answers_in_order_then_refuses() {
    let server = FakeServer::script([Reply::json("1"), Reply::raw("HTTP/1.1 200 OK\r\n\r\n2")]);
    let get = b"GET / HTTP/1.1\r\n\r\n";
    assert!(exchange(&server, get).ends_with(b"\r\n\r\n1"));
    assert_eq!(exchange(&server, get), b"HTTP/1.1 200 OK\r\n\r\n2");
    let third = String::from_utf8(exchange(&server, get)).unwrap();
    assert!(
        third.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
        "{third}"
    );
    assert!(
        third.ends_with("no reply scripted for request 2"),
        "{third}"
    );
    assert_eq!(server.count(), 3);
}

#[test]
fn close_says_nothing_and_hang_holds_until_dropped() {
    let server = FakeServer::always(Reply::close());
    assert!(exchange(&server, b"GET / HTTP/1.1\r\n\r\n").is_empty());
    assert_eq!(server.count(), 1);

    let server = FakeServer::always(Reply::hang());
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 16];
    let e = s.read(&mut buf).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{e:?}"
    );
    let addr = server.addr();
    drop(server);
    s.set_read_timeout(None).unwrap();
    // Dropping the server closed the held connection, and the port.
    assert!(matches!(s.read(&mut buf), Ok(0) | Err(_)));
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn a_late_reply_comes_after_its_pause() {
    let server = FakeServer::always(Reply::json("{}").after(Duration::from_millis(400)));
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    // Nothing can come before the pause is over.
    s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let mut buf = [0u8; 256];
    assert!(s.read(&mut buf).is_err());
    s.set_read_timeout(None).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    assert!(out.ends_with(b"\r\n\r\n{}"));
}

#[test]
fn reset_after_cuts_the_body_and_resets() {
    let body = r#"{"code":"0000","data":{"padding":"xxxxxxxxxxxxxxxxxxxxxxxx"}}"#;
    let server = FakeServer::always(Reply::json(body).reset_after(10));
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    let end = loop {
        match s.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => break Some(e.kind()),
        }
    };
    assert_eq!(end, Some(ErrorKind::ConnectionReset), "{got:?}");
    let text = String::from_utf8(got).unwrap();
    assert!(
        text.len() <= text.find("\r\n\r\n").unwrap() + 4 + 10,
        "{text}"
    );
    assert!(text.contains(&format!("content-length: {}", body.len())));
}

#[tokio::test]
async fn the_transport_sees_each_fault_as_it_should() {
    let transport = HttpTransport::new(
        TransportConfig::default()
            .timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none()),
    )
    .unwrap();
    let send = |server: &FakeServer| {
        let req = WireRequest::post(
            RequestUrl::parse(&server.url("/q")).unwrap(),
            [].into(),
            r#"{"tradeNo":"T1"}"#,
        );
        let transport = transport.clone();
        async move {
            transport
                .send(Operation::QueryPayout, &req, Idempotency::Idempotent)
                .await
        }
    };
    let ok = FakeServer::always(Reply::json(r#"{"code":"0000"}"#));
    let answer = send(&ok).await.unwrap();
    assert_eq!(
        (answer.status, &answer.body[..]),
        (200, &br#"{"code":"0000"}"#[..])
    );
    let seen = ok.requests();
    assert_eq!(seen[0].body, r#"{"tradeNo":"T1"}"#);
    assert_eq!(seen[0].header("content-type"), Some("application/json"));

    for reply in [
        Reply::hang(),
        Reply::close(),
        Reply::json(r#"{"code":"0000","pad":"xxxxxxxxxxxxxxxx"}"#).reset_after(5),
    ] {
        let server = FakeServer::always(reply.clone());
        let e = send(&server).await.unwrap_err();
        assert!(matches!(e, Error::NoAnswer { .. }), "{reply:?}: {e:?}");
        assert_eq!(server.wait_for(1, Duration::from_secs(5)).await, 1);
    }
}
