//! The response envelope every endpoint shares, with the type drift of
//! spec §3: `timestamp` number or string, `success` boolean or string.
//!
//! The outer `code` is read exactly: only the JSON strings `"0000"`,
//! `"5000"` and `"8000"` are the documented codes. Anything else (padded,
//! full-width digits, a number, a repeated `code` key) is undocumented; on
//! a create that means the outcome is unknown, since only `8000` proves
//! nothing was placed.

use payout_core::error::excerpt;
use payout_core::{Error, Operation};
use serde_json::{Map, Value};

use crate::json_object::read_object;

/// Outer `code` of an accepted request.
pub const CODE_OK: &str = "0000";
/// Outer `code` of a system exception at the provider.
pub const CODE_SYSTEM_ERROR: &str = "5000";
/// Outer `code` of a failed request (bad parameters, bad sign, ...): the
/// only documented rejection of a create.
pub const CODE_REQUEST_FAILED: &str = "8000";

/// A decoded envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Outer `code`, verbatim (a number as the text it was received with).
    pub code: String,
    /// Whether `code` was a JSON string, the only documented form (a
    /// number such as `8000` is not a documented code).
    pub code_is_text: bool,
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
    /// `code`, or repeats a top-level key (`serde_json` would keep the last
    /// `code`; which one the provider meant is unknown).
    ///
    /// ```
    /// use payout_platform::envelope::Envelope;
    /// use payout_core::Operation;
    /// let e = Envelope::decode(Operation::QueryPayout,
    ///     br#"{"msg":"success","code":"0000","timestamp":"1728613339884","success":"true","data":{}}"#).unwrap();
    /// assert_eq!(e.success, Some(true));
    /// assert_eq!(e.timestamp, Some(1728613339884));
    /// assert!(Envelope::decode(Operation::CreatePayout, br#"{"code":"8000","code":"0000"}"#).is_err());
    /// ```
    pub fn decode(operation: Operation, body: &[u8]) -> Result<Self, Error> {
        let invalid = |what: &str| Error::InvalidResponse {
            operation,
            message: format!("{what}; body starts {:?}", excerpt(body, 120)),
        };
        let object = read_object(body).map_err(|e| invalid(&e.to_string()))?;
        let (code, code_is_text) = match object.fields.get("code") {
            Some(Value::String(s)) => (s.clone(), true),
            Some(Value::Number(n)) => (
                object
                    .number_text("code")
                    .map_or_else(|| n.to_string(), str::to_owned),
                false,
            ),
            _ => return Err(invalid("no outer `code`")),
        };
        let mut top = object.fields;
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
            code_is_text,
            msg,
            success,
            timestamp,
            data,
        })
    }

    /// The `data` of an accepted request.
    ///
    /// # Errors
    /// - [`Error::ProviderUnavailable`] for `"5000"`;
    /// - [`Error::Rejected`] (verbatim) for `"8000"`, and for any other
    ///   code on a query or balance request (only the request failed);
    /// - [`Error::InvalidResponse`] for any code but `"0000"`, `"5000"` and
    ///   `"8000"` on a create: an undocumented code does not prove that
    ///   nothing was placed, so the caller reports the outcome unknown;
    /// - [`Error::InvalidResponse`] when an accepted answer has no `data`
    ///   object.
    pub fn into_data(self, operation: Operation) -> Result<Map<String, Value>, Error> {
        let documented = if self.code_is_text {
            self.code.as_str()
        } else {
            ""
        };
        match documented {
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
            CODE_REQUEST_FAILED => Err(Error::Rejected {
                operation,
                code: self.code,
                msg: self.msg,
                reason: payout_core::RejectReason::Other,
            }),
            _ if operation == Operation::CreatePayout => Err(Error::InvalidResponse {
                operation,
                message: format!(
                    "undocumented outer code {} (msg {:?}): only \"8000\" proves that a payout was not placed",
                    self.code_json(),
                    excerpt(self.msg.as_bytes(), 120)
                ),
            }),
            _ => Err(Error::Rejected {
                operation,
                code: self.code,
                msg: self.msg,
                reason: payout_core::RejectReason::Other,
            }),
        }
    }

    /// The outer code as it was written, for messages: a string quoted
    /// with its escapes (`"5000\n"` and `"5000"` must not read alike), a
    /// number marked as one; at most 40 characters.
    fn code_json(&self) -> String {
        let short: String = self.code.chars().take(40).collect();
        let more = if short.len() < self.code.len() {
            "…"
        } else {
            ""
        };
        if self.code_is_text {
            format!("{short:?}{more}")
        } else {
            format!("{short}{more} (a JSON number)")
        }
    }
}
