//! Writing the platform's envelope `{"msg","code","timestamp","success","data"}`
//! with each region's type drift ([`Drift`]).

use std::time::{SystemTime, UNIX_EPOCH};

use payout_transport::json::JsonWriter;

/// How a region's envelope drifts from the documented types (spec §3).
///
/// The simulator derives it from the region's position in its brand's
/// table, so that every brand has regions of each kind and the choice is
/// stable from run to run:
///
/// - `timestamp` is a JSON string (`"1728613339884"`) in regions at odd
///   positions (the 2nd, 4th, ... row), a JSON number elsewhere;
/// - `success` is the string `"true"`/`"false"` in regions whose position
///   leaves a remainder of 2 when divided by 3 (the 3rd, 6th, ... row), a
///   boolean elsewhere.
///
/// The first row of each brand (Indonesia) answers exactly like the
/// documentation's examples.
///
/// ```
/// use payout_sim::Drift;
/// assert_eq!(Drift::for_position(0), Drift { timestamp_as_string: false, success_as_string: false });
/// assert_eq!(Drift::for_position(5), Drift { timestamp_as_string: true, success_as_string: true });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drift {
    /// `timestamp` sent as a string.
    pub timestamp_as_string: bool,
    /// `success` sent as a string.
    pub success_as_string: bool,
}

impl Drift {
    /// The drift of the region at `position` (0-based) in its brand's table.
    pub fn for_position(position: usize) -> Self {
        Self {
            timestamp_as_string: position % 2 == 1,
            success_as_string: position % 3 == 2,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Writes `msg`, `code`, `timestamp` and `success`.
fn head(w: &mut JsonWriter, drift: Drift, code: &str, msg: &str, now_ms: u64) {
    let success = code == payout_platform::envelope::CODE_OK;
    w.str("msg", msg).str("code", code);
    if drift.timestamp_as_string {
        w.str("timestamp", &now_ms.to_string());
    } else {
        w.u64("timestamp", now_ms);
    }
    if drift.success_as_string {
        w.str("success", if success { "true" } else { "false" });
    } else {
        w.bool("success", success);
    }
}

/// An accepted answer (`0000`, `success`) whose `data` object `data` fills.
pub(crate) fn ok(drift: Drift, data: impl FnOnce(&mut JsonWriter)) -> Vec<u8> {
    let mut w = ok_open(drift);
    data(&mut w);
    w.end();
    w.finish()
}

/// An accepted answer's envelope up to and including `"data":{`, for
/// bodies streamed piece by piece (`_HUGE`).
pub(crate) fn ok_open(drift: Drift) -> JsonWriter {
    let mut w = JsonWriter::object(256);
    head(
        &mut w,
        drift,
        payout_platform::envelope::CODE_OK,
        "success",
        now_ms(),
    );
    w.begin_object("data");
    w
}

/// A refused answer: `code` and `msg`, `data` null.
pub(crate) fn error(drift: Drift, code: &str, msg: &str) -> Vec<u8> {
    let mut w = JsonWriter::object(128 + msg.len());
    head(&mut w, drift, code, msg, now_ms());
    w.null("data");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use payout_core::Operation;
    use payout_platform::envelope::Envelope;

    #[test]
    fn every_drift_decodes() {
        for pos in 0..6 {
            let d = Drift::for_position(pos);
            let body = ok(d, |w| {
                w.str("status", "0000");
            });
            let e = Envelope::decode(Operation::QueryPayout, &body).unwrap();
            assert_eq!(e.code, "0000");
            assert_eq!(e.success, Some(true));
            assert!(e.timestamp.is_some());
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["timestamp"].is_string(), d.timestamp_as_string);
            assert_eq!(v["success"].is_string(), d.success_as_string);

            let err = error(d, "8000", "sign error");
            let e = Envelope::decode(Operation::QueryPayout, &err).unwrap();
            assert_eq!((e.code.as_str(), e.success), ("8000", Some(false)));
            assert_eq!(e.msg, "sign error");
        }
    }
}
