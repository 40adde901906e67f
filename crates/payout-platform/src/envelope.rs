//! The response envelope every endpoint shares, with the type drift of
//! spec §3: `timestamp` number or string, `success` boolean or string.

use payout_core::error::excerpt;
use payout_core::{Error, Operation};
use serde_json::{Map, Value};

/// Outer `code` of an accepted request.
pub const CODE_OK: &str = "0000";
/// Outer `code` of a system exception at the provider.
pub const CODE_SYSTEM_ERROR: &str = "5000";
/// Outer `code` of a failed request (bad parameters, bad sign, ...).
pub const CODE_REQUEST_FAILED: &str = "8000";

/// A decoded envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Outer `code`, verbatim (numbers turned into their text).
    pub code: String,
    /// Outer `msg`, verbatim.
    pub msg: String,
    /// `success`, read from a boolean or a `"true"`/`"false"` string.
    pub success: Option<bool>,
    /// `timestamp` in ms, read from a number or a string.
    pub timestamp: Option<u64>,
    /// `data`, when it is an object.
    pub data: Option<Map<String, Value>>,
}

impl Envelope {
    /// Decodes a response body.
    ///
    /// # Errors
    /// [`Error::InvalidResponse`] when the body is not a JSON object with a
    /// `code`.
    ///
    /// ```
    /// use payout_platform::envelope::Envelope;
    /// use payout_core::Operation;
    /// let e = Envelope::decode(Operation::QueryPayout,
    ///     br#"{"msg":"success","code":"0000","timestamp":"1728613339884","success":"true","data":{}}"#).unwrap();
    /// assert_eq!(e.success, Some(true));
    /// assert_eq!(e.timestamp, Some(1728613339884));
    /// ```
    pub fn decode(operation: Operation, body: &[u8]) -> Result<Self, Error> {
        let invalid = |what: &str| Error::InvalidResponse {
            operation,
            message: format!("{what}; body starts {:?}", excerpt(body, 120)),
        };
        let value: Value =
            serde_json::from_slice(body).map_err(|e| invalid(&format!("not JSON ({e})")))?;
        let Value::Object(mut top) = value else {
            return Err(invalid("not a JSON object"));
        };
        let code = match top.get("code") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(invalid("no outer `code`")),
        };
        let msg = match top.get("msg") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let success = match top.get("success") {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        let timestamp = match top.get("timestamp") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let data = match top.remove("data") {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        };
        Ok(Self {
            code,
            msg,
            success,
            timestamp,
            data,
        })
    }

    /// The `data` of an accepted request.
    ///
    /// # Errors
    /// [`Error::ProviderUnavailable`] for `5000`, [`Error::Rejected`] for any
    /// other non-`0000` code (verbatim), [`Error::InvalidResponse`] when an
    /// accepted answer has no `data` object.
    pub fn into_data(self, operation: Operation) -> Result<Map<String, Value>, Error> {
        match self.code.as_str() {
            CODE_OK => self.data.ok_or_else(|| Error::InvalidResponse {
                operation,
                message: "accepted answer (code 0000) without a `data` object".into(),
            }),
            CODE_SYSTEM_ERROR => Err(Error::ProviderUnavailable {
                operation,
                code: self.code,
                msg: self.msg,
            }),
            // The platform documents no codes for the reasons (and the SDK
            // never keys on `msg` text).
            _ => Err(Error::Rejected {
                operation,
                code: self.code,
                msg: self.msg,
                reason: payout_core::RejectReason::Other,
            }),
        }
    }
}
