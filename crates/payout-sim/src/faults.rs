//! Fault injection: what can go wrong with an answer ([`Fault`]) and the
//! bytes (or lack of them) that each fault puts on the wire.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{header, StatusCode};

use crate::envelope::{self, Drift};

/// One way an answer goes wrong. The request behind it is processed first
/// (see [`crate::Scenario`] for the exceptions); only the answer suffers.
///
/// | fault | suffix | on the wire | what the SDK reports |
/// |---|---|---|---|
/// | [`Fault::Slow`] | `_SLOW` | the real answer after [`crate::SimConfig::slow_delay`] | `NoAnswer` (timeout) |
/// | [`Fault::Delay`] | — | the real answer after the given delay | depends on its timeout |
/// | [`Fault::Drop`] | `_DROP` | the connection is closed, nothing sent | `NoAnswer` |
/// | [`Fault::Reset`] | `_RESET` | headers and half the body, then the connection is cut | `NoAnswer` |
/// | [`Fault::BadGateway`] | `_502` | HTTP 502 with an nginx HTML page | `HttpStatus` 502 |
/// | [`Fault::Truncated`] | `_TRUNC` | HTTP 200, the first half of the JSON | `InvalidResponse` |
/// | [`Fault::Huge`] | `_HUGE` | HTTP 200, [`crate::SimConfig::huge_body_bytes`] of JSON, streamed | `InvalidResponse` (size cap) |
/// | [`Fault::SystemError`] | `_5000` | envelope with outer `5000` | `ProviderUnavailable` |
/// | [`Fault::RequestFailed`] | `_8000` | envelope with outer `8000` | `Rejected` |
///
/// On a create, every fault but `RequestFailed` leaves the payout placed, so
/// the SDK reports `OutcomeUnknown` (wrapping the error above) and a later
/// query finds the payout. `RequestFailed` places nothing.
///
/// ```
/// use payout_sim::Fault;
/// assert_eq!(Fault::from_suffix("502"), Some(Fault::BadGateway));
/// assert_eq!(Fault::BadGateway.suffix(), Some("502"));
/// assert!(!Fault::RequestFailed.places_payout());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// Answer late, beyond the client's timeout.
    Slow,
    /// Answer after this delay.
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
    /// Send the headers and part of the body, then cut the connection.
    Reset,
    /// HTTP 502 with an HTML page, as a gateway in front would.
    BadGateway,
    /// HTTP 200 with a JSON body cut in the middle.
    Truncated,
    /// HTTP 200 with an oversized body.
    Huge,
    /// Outer code `5000` (system exception).
    SystemError,
    /// Outer code `8000` (request failed).
    RequestFailed,
}

impl Fault {
    /// Every fault with a trade-number suffix, in documentation order.
    pub const WITH_SUFFIX: [Fault; 8] = [
        Fault::Slow,
        Fault::Drop,
        Fault::Reset,
        Fault::BadGateway,
        Fault::Truncated,
        Fault::Huge,
        Fault::SystemError,
        Fault::RequestFailed,
    ];

    /// The trade-number suffix (without `_`) that triggers it.
    pub fn suffix(&self) -> Option<&'static str> {
        Some(match self {
            Fault::Slow => "SLOW",
            Fault::Delay(_) => return None,
            Fault::Drop => "DROP",
            Fault::Reset => "RESET",
            Fault::BadGateway => "502",
            Fault::Truncated => "TRUNC",
            Fault::Huge => "HUGE",
            Fault::SystemError => "5000",
            Fault::RequestFailed => "8000",
        })
    }

    /// The fault a suffix (without `_`) names.
    pub fn from_suffix(token: &str) -> Option<Self> {
        Self::WITH_SUFFIX
            .into_iter()
            .find(|f| f.suffix() == Some(token))
    }

    /// Whether a create hit by this fault still places the payout.
    pub fn places_payout(&self) -> bool {
        !matches!(self, Fault::RequestFailed)
    }
}

/// Marks a response whose connection must be closed without a word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// The nginx page of a `_502`.
const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Padding streamed by `_HUGE`.
static PAD: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// A JSON answer with HTTP 200.
pub(crate) fn json(body: Vec<u8>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body,
    )
        .into_response()
}

/// Turns the real answer `body` into what `fault` puts on the wire.
/// [`Fault::Slow`] and [`Fault::Delay`] are applied by the caller (they
/// need the clock); here they pass the body through.
pub(crate) fn disrupt(
    fault: Fault,
    drift: Drift,
    body: Vec<u8>,
    trade_no: &str,
    huge_bytes: usize,
) -> Response {
    match fault {
        Fault::Slow | Fault::Delay(_) => json(body),
        Fault::Drop => {
            let mut r = Response::new(Body::empty());
            r.extensions_mut().insert(DropConnection);
            r
        }
        Fault::Reset => reset(body),
        Fault::BadGateway => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            BAD_GATEWAY_PAGE,
        )
            .into_response(),
        Fault::Truncated => {
            let mut body = body;
            body.truncate((body.len() / 2).max(1));
            json(body)
        }
        Fault::Huge => huge(drift, trade_no, huge_bytes),
        Fault::SystemError => json(envelope::error(
            drift,
            payout_platform::envelope::CODE_SYSTEM_ERROR,
            "system exception, please try again later (simulated fault _5000)",
        )),
        Fault::RequestFailed => json(envelope::error(
            drift,
            payout_platform::envelope::CODE_REQUEST_FAILED,
            "request failed (simulated fault _8000)",
        )),
    }
}

/// Half the body, a pause so that it reaches the client, then an error that
/// makes the server abort the connection.
fn reset(body: Vec<u8>) -> Response {
    let mut first = Bytes::from(body);
    first.truncate((first.len() / 2).max(1));
    let stream = futures::stream::unfold(0u8, move |step| {
        let first = first.clone();
        async move {
            match step {
                0 => Some((Ok(first), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "simulated reset mid-body",
                        )),
                        2,
                    ))
                }
                _ => None,
            }
        }
    });
    json_stream(Body::from_stream(stream))
}

/// A valid but oversized JSON answer, streamed in 64 KiB pieces.
fn huge(drift: Drift, trade_no: &str, bytes: usize) -> Response {
    let mut w = envelope::ok_open(drift);
    w.str("tradeNo", trade_no);
    w.bytes(b",\"padding\":\"");
    let head = Bytes::from(w.into_open());
    let chunks = bytes.div_ceil(PAD.len()).max(1);
    let body = std::iter::once(head)
        .chain(std::iter::repeat_n(Bytes::from_static(&PAD), chunks))
        .chain(std::iter::once(Bytes::from_static(b"\"}}")))
        .map(Ok::<_, Infallible>);
    json_stream(Body::from_stream(futures::stream::iter(body)))
}

fn json_stream(body: Body) -> Response {
    let mut r = Response::new(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_round_trip() {
        for f in Fault::WITH_SUFFIX {
            let s = f.suffix().unwrap();
            assert_eq!(Fault::from_suffix(s), Some(f));
        }
        assert_eq!(Fault::from_suffix("FAIL"), None);
        assert_eq!(Fault::Delay(Duration::from_millis(1)).suffix(), None);
    }

    #[tokio::test]
    async fn truncated_body_is_not_json() {
        let full = envelope::ok(Drift::for_position(0), |w| {
            w.str("status", "0000");
        });
        let r = disrupt(Fault::Truncated, Drift::for_position(0), full, "T", 0);
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    }

    #[tokio::test]
    async fn huge_body_is_big_and_valid() {
        let r = disrupt(
            Fault::Huge,
            Drift::for_position(1),
            Vec::new(),
            "T",
            200_000,
        );
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(body.len() >= 200_000);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["data"]["tradeNo"], "T");
    }
}
