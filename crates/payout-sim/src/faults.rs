//! Fault injection: what can go wrong with an answer ([`Fault`]) and the
//! bytes (or lack of them) that each fault puts on the wire, for either
//! protocol ([`Protocol`]).

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{header, StatusCode};

use crate::envelope::{self, Drift};
use crate::protocol::Protocol;
use crate::shared::Shared;
use payout_transport::json::JsonWriter;

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
/// | [`Fault::ServerError`] | `_500` | HTTP 500 (platform: an nginx HTML page; Xendit: `SERVER_ERROR`) | `HttpStatus` 500 |
/// | [`Fault::Truncated`] | `_TRUNC` | HTTP 200, the first half of the JSON | `InvalidResponse` |
/// | [`Fault::Huge`] | `_HUGE` | HTTP 200, [`crate::SimConfig::huge_body_bytes`] of JSON, streamed | `InvalidResponse` (size cap) |
/// | [`Fault::SystemError`] | `_5000` | envelope with outer `5000` (platform only) | `ProviderUnavailable` |
/// | [`Fault::RequestFailed`] | `_8000` | envelope with outer `8000` (platform only) | `Rejected` |
///
/// On a create, every fault but `RequestFailed` leaves the payout placed, so
/// the SDK reports `OutcomeUnknown` (wrapping the error above) and a later
/// query finds the payout. `RequestFailed` places nothing.
///
/// Xendit references take the faults that [`Fault::applies_to`]
/// [`Protocol::Xendit`]: every one but the platform's envelope codes.
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
    /// HTTP 500: an HTML page in front of the platform, Xendit's
    /// `SERVER_ERROR` body below `/xendit`.
    ServerError,
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
    pub const WITH_SUFFIX: [Fault; 9] = [
        Fault::Slow,
        Fault::Drop,
        Fault::Reset,
        Fault::BadGateway,
        Fault::ServerError,
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
            Fault::ServerError => "500",
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

    /// The fault a suffix (without `_`) names for `protocol` (`None` for a
    /// fault that does not [`Fault::applies_to`] it).
    pub fn from_suffix_for(protocol: Protocol, token: &str) -> Option<Self> {
        Self::from_suffix(token).filter(|f| f.applies_to(protocol))
    }

    /// Whether a create hit by this fault still places the payout.
    pub fn places_payout(&self) -> bool {
        !matches!(self, Fault::RequestFailed)
    }

    /// Whether the fault exists in `protocol`: the platform's outer codes
    /// (`_5000`, `_8000`) have no meaning for Xendit.
    ///
    /// ```
    /// use payout_sim::{Fault, Protocol};
    /// assert!(Fault::Drop.applies_to(Protocol::Xendit));
    /// assert!(!Fault::SystemError.applies_to(Protocol::Xendit));
    /// assert!(Fault::SystemError.applies_to(Protocol::Platform));
    /// ```
    pub fn applies_to(&self, protocol: Protocol) -> bool {
        match protocol {
            Protocol::Platform => true,
            Protocol::Xendit => !matches!(self, Fault::SystemError | Fault::RequestFailed),
        }
    }
}

/// How an answer is written: the platform's envelope (with the region's
/// drift) or Xendit's bare JSON.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Wire {
    Platform(Drift),
    Xendit,
}

/// Marks a response whose connection must be closed without a word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// The nginx page of a `_502`.
const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Padding streamed by `_HUGE`.
static PAD: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// The nginx page of a `_500` in front of the platform.
const SERVER_ERROR_PAGE: &str = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// A JSON answer with HTTP 200.
pub(crate) fn json(body: Vec<u8>) -> Response {
    json_with(StatusCode::OK, body)
}

/// A JSON answer with `status`.
pub(crate) fn json_with(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body,
    )
        .into_response()
}

/// Xendit's error body `{"error_code","message"}`.
pub(crate) fn xendit_error_body(code: &str, message: &str) -> Vec<u8> {
    let mut w = JsonWriter::object(64 + message.len());
    w.str("error_code", code).str("message", message);
    w.finish()
}

/// Puts the real answer (`status`, `body`) on the wire through `fault`, if
/// any: [`Fault::Slow`] and [`Fault::Delay`] wait first (returning early
/// on shutdown), the others are [`disrupt`]ed.
pub(crate) async fn answer(
    shared: &Shared,
    wire: Wire,
    fault: Option<Fault>,
    status: StatusCode,
    body: Vec<u8>,
    reference: &str,
) -> Response {
    match fault {
        None => json_with(status, body),
        Some(Fault::Slow) => {
            shared.sleep(shared.slow_delay).await;
            json_with(status, body)
        }
        Some(Fault::Delay(d)) => {
            shared.sleep(d).await;
            json_with(status, body)
        }
        Some(f) => disrupt(f, wire, status, body, reference, shared.huge_body_bytes),
    }
}

/// Turns the real answer (`status`, `body`) into what `fault` puts on the
/// wire. [`Fault::Slow`] and [`Fault::Delay`] are applied by [`answer`]
/// (they need the clock); here they pass the body through.
pub(crate) fn disrupt(
    fault: Fault,
    wire: Wire,
    status: StatusCode,
    body: Vec<u8>,
    reference: &str,
    huge_bytes: usize,
) -> Response {
    match fault {
        Fault::Slow | Fault::Delay(_) => json_with(status, body),
        Fault::Drop => {
            let mut r = Response::new(Body::empty());
            r.extensions_mut().insert(DropConnection);
            r
        }
        Fault::Reset => reset(status, body),
        Fault::BadGateway => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            BAD_GATEWAY_PAGE,
        )
            .into_response(),
        Fault::ServerError => match wire {
            Wire::Platform(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html")],
                SERVER_ERROR_PAGE,
            )
                .into_response(),
            Wire::Xendit => json_with(
                StatusCode::INTERNAL_SERVER_ERROR,
                xendit_error_body(
                    "SERVER_ERROR",
                    "An unexpected error occurred, our team has been notified and will troubleshoot the issue (simulated fault _500)",
                ),
            ),
        },
        Fault::Truncated => {
            let mut body = body;
            body.truncate((body.len() / 2).max(1));
            json_with(status, body)
        }
        Fault::Huge => huge(wire, reference, huge_bytes),
        Fault::SystemError => match wire {
            Wire::Platform(drift) => json(envelope::error(
                drift,
                payout_platform::envelope::CODE_SYSTEM_ERROR,
                "system exception, please try again later (simulated fault _5000)",
            )),
            // Not a Xendit fault (see `applies_to`); the nearest Xendit answer.
            Wire::Xendit => disrupt(Fault::ServerError, wire, status, body, reference, huge_bytes),
        },
        Fault::RequestFailed => match wire {
            Wire::Platform(drift) => json(envelope::error(
                drift,
                payout_platform::envelope::CODE_REQUEST_FAILED,
                "request failed (simulated fault _8000)",
            )),
            Wire::Xendit => json_with(
                StatusCode::BAD_REQUEST,
                xendit_error_body(
                    "API_VALIDATION_ERROR",
                    "request failed (simulated fault _8000)",
                ),
            ),
        },
    }
}

/// Half the body, a pause so that it reaches the client, then an error that
/// makes the server abort the connection.
fn reset(status: StatusCode, body: Vec<u8>) -> Response {
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
    json_stream(status, Body::from_stream(stream))
}

/// A valid but oversized JSON answer naming `reference`, streamed in
/// 64 KiB pieces.
fn huge(wire: Wire, reference: &str, bytes: usize) -> Response {
    let (mut head, tail): (Vec<u8>, &'static [u8]) = match wire {
        Wire::Platform(drift) => {
            let mut w = envelope::ok_open(drift);
            w.str("tradeNo", reference).key("padding");
            (w.into_open(), b"\"}}")
        }
        Wire::Xendit => {
            let mut w = JsonWriter::object(64);
            w.str("reference_id", reference).key("padding");
            (w.into_open(), b"\"}")
        }
    };
    // The padding string, closed by `tail`.
    head.push(b'"');
    let chunks = bytes.div_ceil(PAD.len()).max(1);
    let body = std::iter::once(Bytes::from(head))
        .chain(std::iter::repeat_n(Bytes::from_static(&PAD), chunks))
        .chain(std::iter::once(Bytes::from_static(tail)))
        .map(Ok::<_, Infallible>);
    json_stream(
        StatusCode::OK,
        Body::from_stream(futures::stream::iter(body)),
    )
}

fn json_stream(status: StatusCode, body: Body) -> Response {
    let mut r = Response::new(body);
    *r.status_mut() = status;
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
        let r = disrupt(
            Fault::Truncated,
            Wire::Platform(Drift::for_position(0)),
            StatusCode::OK,
            full,
            "T",
            0,
        );
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    }

    #[tokio::test]
    async fn huge_body_is_big_and_valid() {
        let r = disrupt(
            Fault::Huge,
            Wire::Platform(Drift::for_position(1)),
            StatusCode::OK,
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

        let r = disrupt(
            Fault::Huge,
            Wire::Xendit,
            StatusCode::OK,
            Vec::new(),
            "R",
            100_000,
        );
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["reference_id"], "R");
    }

    #[tokio::test]
    async fn server_error_per_wire() {
        let r = disrupt(
            Fault::ServerError,
            Wire::Xendit,
            StatusCode::OK,
            Vec::new(),
            "R",
            0,
        );
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error_code"], "SERVER_ERROR");
        let r = disrupt(
            Fault::ServerError,
            Wire::Platform(Drift::for_position(0)),
            StatusCode::OK,
            Vec::new(),
            "T",
            0,
        );
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(Fault::from_suffix_for(Protocol::Xendit, "5000"), None);
        assert_eq!(
            Fault::from_suffix_for(Protocol::Xendit, "500"),
            Some(Fault::ServerError)
        );
    }
}
