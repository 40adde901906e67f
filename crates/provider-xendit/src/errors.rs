//! Xendit's error answers (spec §7, D4, D20): `{"error_code", "message"}`
//! (or `error_message`) with an HTTP status, read into the SDK's errors.

use payout_core::error::excerpt;
use payout_core::{Error, Operation, RejectReason};
use payout_transport::WireResponse;
use serde_json::Value;

/// Longest provider message kept in an error (characters).
const MESSAGE_CHARS: usize = 300;

/// The `error_code` that proves absence on a lookup.
pub(crate) const DATA_NOT_FOUND: &str = "DATA_NOT_FOUND";

/// Codes of a 400 that judge the request itself (spec §7, legacy guides
/// included): nothing was created, fix the request.
const VALIDATION_CODES: &[&str] = &[
    "API_VALIDATION_ERROR",
    "CHANNEL_CODE_NOT_SUPPORTED",
    "MINIMUM_TRANSFER_LIMIT_ERROR",
    "MAXIMUM_TRANSFER_LIMIT_ERROR",
    "AMOUNT_INCREMENT_NOT_SUPPORTED",
    "INVALID_JSON_FORMAT",
    "RECIPIENT_ACCOUNT_NUMBER_ERROR",
    "RECIPIENT_AMOUNT_ERROR",
];

/// A Xendit error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    /// `error_code`, verbatim.
    pub code: String,
    /// `message`, else `error_message`, shortened and without control
    /// characters; empty when neither is sent.
    pub message: String,
}

/// Reads a Xendit error body: a JSON object with a non-empty string
/// `error_code`. `None` for anything else (a proxy's HTML page, an empty
/// body).
pub(crate) fn error_body(body: &[u8]) -> Option<ErrorBody> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let code = map
        .get("error_code")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())?;
    let message = ["message", "error_message"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
        .unwrap_or("");
    Some(ErrorBody {
        code: excerpt(code.as_bytes(), MESSAGE_CHARS),
        message: excerpt(message.as_bytes(), MESSAGE_CHARS),
    })
}

/// Why Xendit refused, from the HTTP status and the `error_code`.
pub(crate) fn reason(status: u16, code: &str) -> RejectReason {
    if status == 401 || status == 403 {
        return RejectReason::Authentication;
    }
    if (status == 400 || status == 409)
        && (code.contains("DUPLICATE") || code.contains("IDEMPOTENCY"))
    {
        return RejectReason::DuplicateTradeNo;
    }
    match code {
        "INSUFFICIENT_BALANCE" => RejectReason::InsufficientBalance,
        "CANCELLATION_NOT_ALLOWED" => RejectReason::NotAllowed,
        _ if status == 404 => RejectReason::NotFound,
        _ if status == 400 && VALIDATION_CODES.contains(&code) => RejectReason::InvalidRequest,
        _ => RejectReason::Other,
    }
}

/// The error for a non-2xx answer to `operation`:
///
/// - 408 and 429: [`Error::HttpStatus`] (transient: retried, a create with
///   the same key);
/// - 5xx: [`Error::ProviderUnavailable`] with Xendit's code when it sent an
///   error body, else [`Error::HttpStatus`] (transient; for a create the
///   outcome is unknown);
/// - any other 4xx **with a Xendit error body**: [`Error::Rejected`] (the
///   request was judged and refused; for a create nothing was placed);
/// - anything else (a 4xx without Xendit's error body, which may come from
///   a proxy in front of Xendit; a 1xx or 3xx): [`Error::HttpStatus`],
///   which the connector treats as an unknown outcome for a create.
pub(crate) fn from_response(operation: Operation, response: &WireResponse) -> Error {
    let status = response.status;
    if status == 408 || status == 429 {
        return response.status_error(operation);
    }
    let body = error_body(&response.body);
    match body {
        Some(b) if status >= 500 => Error::ProviderUnavailable {
            operation,
            code: b.code,
            msg: b.message,
        },
        Some(b) if (400..500).contains(&status) => Error::Rejected {
            operation,
            reason: reason(status, &b.code),
            code: b.code,
            msg: b.message,
        },
        _ => response.status_error(operation),
    }
}

/// True for Xendit's `404 DATA_NOT_FOUND`.
pub(crate) fn is_data_not_found(response: &WireResponse) -> bool {
    response.status == 404 && error_body(&response.body).is_some_and(|b| b.code == DATA_NOT_FOUND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_falls_back_to_error_message() {
        let b = error_body(br#"{"error_code":"X","error_message":"m"}"#).unwrap();
        assert_eq!(b.message, "m");
        let b = error_body(br#"{"error_code":"X","message":"a","error_message":"b"}"#).unwrap();
        assert_eq!(b.message, "a");
        assert!(error_body(br#"{"message":"no code"}"#).is_none());
        assert!(error_body(b"<html>").is_none());
    }

    #[test]
    fn duplicate_only_on_400_and_409() {
        assert_eq!(
            reason(409, "DUPLICATE_ERROR"),
            RejectReason::DuplicateTradeNo
        );
        assert_eq!(
            reason(400, "DUPLICATE_TRANSACTION_ERROR"),
            RejectReason::DuplicateTradeNo
        );
        assert_eq!(
            reason(409, "IDEMPOTENCY_ERROR"),
            RejectReason::DuplicateTradeNo
        );
        assert_eq!(reason(422, "DUPLICATE_ERROR"), RejectReason::Other);
    }
}
