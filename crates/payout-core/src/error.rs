//! Errors by phase, each saying whether a retry is safe ([`RetryAdvice`]).

use std::fmt;
use std::str::FromStr;

use crate::names::{deserialize_from_str, parse_name};
use crate::status::PayoutStatus;
use crate::trade_no::TradeNo;

/// Why a provider refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectReason {
    /// The trade number (or idempotency key) was used before.
    DuplicateTradeNo,
    /// The merchant's balance does not cover the payout.
    InsufficientBalance,
    /// The request broke one of the provider's rules (a field, an amount,
    /// a channel).
    InvalidRequest,
    /// Authentication or signature refused, or the key lacks permission.
    Authentication,
    /// Not found (a query or cancel about an unknown payout).
    NotFound,
    /// The operation is not allowed in the payout's current state (e.g. a
    /// cancel after the payout was handed to the bank).
    NotAllowed,
    /// Any other documented rejection.
    Other,
}

impl RejectReason {
    /// Every reason, in declaration order.
    pub const ALL: [RejectReason; 7] = [
        RejectReason::DuplicateTradeNo,
        RejectReason::InsufficientBalance,
        RejectReason::InvalidRequest,
        RejectReason::Authentication,
        RejectReason::NotFound,
        RejectReason::NotAllowed,
        RejectReason::Other,
    ];

    /// A stable short name (its `Display`, `FromStr` and serde form).
    pub fn as_str(&self) -> &'static str {
        match self {
            RejectReason::DuplicateTradeNo => "duplicate_trade_no",
            RejectReason::InsufficientBalance => "insufficient_balance",
            RejectReason::InvalidRequest => "invalid_request",
            RejectReason::Authentication => "authentication",
            RejectReason::NotFound => "not_found",
            RejectReason::NotAllowed => "not_allowed",
            RejectReason::Other => "other",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads [`RejectReason::as_str`] back.
///
/// ```
/// use payout_core::RejectReason;
/// assert_eq!("not_found".parse::<RejectReason>()?, RejectReason::NotFound);
/// assert!("gone".parse::<RejectReason>().is_err());
/// # Ok::<(), payout_core::Error>(())
/// ```
impl FromStr for RejectReason {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_name("reject_reason", s, &Self::ALL, Self::as_str)
    }
}

/// What a caller may do after an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAdvice {
    /// Repeating the same request cannot move money twice and may succeed.
    Safe,
    /// The request may have reached the provider: **query the payout first**;
    /// re-send only if the query proves it was never placed.
    QueryFirst,
    /// Repeating the same request will fail the same way: fix the cause.
    Never,
}

/// The operation a request belonged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// Ask for a payout's status.
    QueryPayout,
    /// Place a payout.
    CreatePayout,
    /// Ask for the merchant's balance.
    Balance,
    /// Verify and parse a notify callback.
    Callback,
    /// Cancel a payout that has not been paid yet.
    CancelPayout,
}

impl Operation {
    /// Every operation, in declaration order.
    pub const ALL: [Operation; 5] = [
        Operation::QueryPayout,
        Operation::CreatePayout,
        Operation::Balance,
        Operation::Callback,
        Operation::CancelPayout,
    ];

    /// A short stable name (`query`, `create`, `balance`, `callback`,
    /// `cancel`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Operation::QueryPayout => "query",
            Operation::CreatePayout => "create",
            Operation::Balance => "balance",
            Operation::Callback => "callback",
            Operation::CancelPayout => "cancel",
        }
    }
}

/// Serialized as [`Operation::as_str`].
impl serde::Serialize for Operation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Operation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_from_str(d)
    }
}

/// Reads [`Operation::as_str`] back.
///
/// ```
/// use payout_core::Operation;
/// assert_eq!("cancel".parse::<Operation>()?, Operation::CancelPayout);
/// # Ok::<(), payout_core::Error>(())
/// ```
impl FromStr for Operation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_name("operation", s, &Self::ALL, Self::as_str)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A boxed underlying error kept as an [`Error`]'s `source()`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Every failure of the SDK, by the phase in which it happened.
///
/// No variant ever carries a secret or a signature input: messages are safe
/// to log. [`Error::retry_advice`] says what a caller may do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is unusable (unknown provider or region, bad base
    /// URL, missing merchant number or secret). Nothing was sent.
    #[error("configuration error: {message}")]
    #[non_exhaustive]
    Config {
        /// What is wrong and how to fix it.
        message: String,
        /// The underlying failure (a file that could not be read), where
        /// there is one; `message` already describes it.
        #[source]
        source: Option<BoxError>,
    },

    /// The request broke a rule before anything was sent.
    #[error("invalid {field}: {rule}")]
    Validation {
        /// The offending field (SDK name, or the wire name for extras).
        field: String,
        /// The rule it breaks.
        rule: String,
    },

    /// The provider or region does not offer this operation.
    #[error("{provider} does not support {operation} in this configuration: {hint}")]
    Unsupported {
        /// The provider's id.
        provider: String,
        /// The operation asked for.
        operation: Operation,
        /// What to do instead.
        hint: String,
    },

    /// The request provably never left (connection refused, DNS failure, TLS
    /// handshake failure). Safe to retry.
    #[error(
        "{operation} request was not sent: {message}; check the base URL and network, then retry"
    )]
    #[non_exhaustive]
    NotSent {
        /// The operation.
        operation: Operation,
        /// What failed (the cause chain as one line).
        message: String,
        /// The transport's own error (a `reqwest::Error`, an
        /// `std::io::Error`), for inspection and downcasting; `message`
        /// already describes it.
        #[source]
        source: Option<BoxError>,
    },

    /// The request was sent but no complete answer came back (timeout,
    /// connection reset).
    #[error("{operation} request was sent but got no answer: {message}")]
    #[non_exhaustive]
    NoAnswer {
        /// The operation.
        operation: Operation,
        /// What failed (the cause chain as one line).
        message: String,
        /// The transport's own error, for inspection and downcasting;
        /// `message` already describes it.
        #[source]
        source: Option<BoxError>,
    },

    /// The provider answered with a non-success HTTP status.
    #[error("{operation} got HTTP {status} from the provider: {body_excerpt:?}")]
    HttpStatus {
        /// The operation.
        operation: Operation,
        /// The HTTP status code.
        status: u16,
        /// The first bytes of the body, control characters removed.
        body_excerpt: String,
    },

    /// The provider reported a temporary system error (the platform's outer
    /// `5000`; an HTTP 5xx with an error body elsewhere): the request itself
    /// was not judged. Retry later (a create: query first, unless the
    /// provider's create is idempotent).
    #[error("{operation}: provider system error (code {code}, msg {msg:?}); retry later")]
    ProviderUnavailable {
        /// The operation.
        operation: Operation,
        /// Outer `code`, verbatim.
        code: String,
        /// Outer `msg`, verbatim.
        msg: String,
    },

    /// The provider refused the request with a documented rejection. For a
    /// create, the payout was **not** placed by this request, and (when the
    /// SDK could ask) a query found no payout under its trade number.
    #[error("{operation} rejected by the provider ({reason}): code {code}, msg {msg:?}")]
    Rejected {
        /// The operation.
        operation: Operation,
        /// The provider's error code, verbatim.
        code: String,
        /// The provider's message, verbatim.
        msg: String,
        /// Why, as far as the SDK can tell.
        reason: RejectReason,
    },

    /// A create was refused because a payout **already exists** under this
    /// trade number (or idempotency key). Nothing new was placed; `existing`
    /// is that payout's status as a query found it. Never re-send under a
    /// new trade number because of this.
    #[error("a payout already exists under trade number {trade_no} (state {}); nothing new was placed", existing.state)]
    Duplicate {
        /// The trade number.
        trade_no: TradeNo,
        /// The existing payout's status.
        existing: Box<PayoutStatus>,
    },

    /// The provider **proves** that no payout exists under this trade number
    /// (only providers whose protocol can prove it return this, e.g. an
    /// empty list from Xendit's lookup by reference).
    #[error("{operation}: the provider has no payout under trade number {trade_no}")]
    NotFound {
        /// The operation.
        operation: Operation,
        /// The trade number looked up.
        trade_no: TradeNo,
    },

    /// The answer could not be understood (not JSON, truncated, too large,
    /// missing fields, mismatching trade number, an undocumented code).
    #[error("{operation} got an invalid response: {message}")]
    InvalidResponse {
        /// The operation.
        operation: Operation,
        /// What is wrong with it.
        message: String,
    },

    /// A create whose outcome is unknown: the request may have been placed.
    /// **Query the trade number before any retry**; never report it failed.
    #[error("outcome of payout {trade_no} is unknown ({cause}); query it before any retry")]
    OutcomeUnknown {
        /// The payout's trade number.
        trade_no: TradeNo,
        /// What happened after the request may have left.
        #[source]
        cause: Box<Error>,
    },
}

impl Error {
    /// A [`Error::Validation`] error.
    pub fn validation(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// The [`Error::Unsupported`] for `operation` of `provider` in `region`.
    ///
    /// ```
    /// use payout_core::{Error, Operation};
    /// let e = Error::unsupported("paypro", "kenya", Operation::CancelPayout);
    /// assert!(e.to_string().contains("region kenya does not offer it"));
    /// ```
    pub fn unsupported(provider: &str, region: &str, operation: Operation) -> Self {
        Error::Unsupported {
            provider: provider.to_owned(),
            operation,
            hint: format!("region {region} does not offer it; see the provider's capabilities"),
        }
    }

    /// A [`Error::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
            source: None,
        }
    }

    /// A [`Error::NotSent`] error without a source (see
    /// [`Error::with_source`]).
    ///
    /// ```
    /// use payout_core::{Error, Operation, RetryAdvice};
    /// let e = Error::not_sent(Operation::CreatePayout, "connection refused");
    /// assert_eq!(e.retry_advice(), RetryAdvice::Safe);
    /// ```
    pub fn not_sent(operation: Operation, message: impl Into<String>) -> Self {
        Error::NotSent {
            operation,
            message: message.into(),
            source: None,
        }
    }

    /// A [`Error::NoAnswer`] error without a source (see
    /// [`Error::with_source`]).
    pub fn no_answer(operation: Operation, message: impl Into<String>) -> Self {
        Error::NoAnswer {
            operation,
            message: message.into(),
            source: None,
        }
    }

    /// Keeps `cause` as this error's [`std::error::Error::source`], on the
    /// variants that carry one ([`Error::Config`], [`Error::NotSent`],
    /// [`Error::NoAnswer`]); any other variant is returned unchanged (its
    /// source, if any, is already decided by what it holds).
    ///
    /// ```
    /// use std::error::Error as _;
    /// use payout_core::{Error, Operation};
    /// let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    /// let e = Error::not_sent(Operation::QueryPayout, "refused").with_source(io);
    /// let cause = e.source().and_then(|s| s.downcast_ref::<std::io::Error>());
    /// assert_eq!(cause.map(|c| c.kind()), Some(std::io::ErrorKind::ConnectionRefused));
    /// ```
    pub fn with_source(mut self, cause: impl Into<BoxError>) -> Self {
        match &mut self {
            Error::Config { source, .. }
            | Error::NotSent { source, .. }
            | Error::NoAnswer { source, .. } => *source = Some(cause.into()),
            _ => {}
        }
        self
    }

    /// What a caller may do after this error: [`crate::retry::advice`],
    /// the workspace's one retry table.
    ///
    /// ```
    /// use payout_core::{Error, RetryAdvice, error::Operation};
    /// let e = Error::not_sent(Operation::CreatePayout, "refused");
    /// assert_eq!(e.retry_advice(), RetryAdvice::Safe);
    /// ```
    pub fn retry_advice(&self) -> RetryAdvice {
        crate::retry::advice(self)
    }

    /// The operation this error belongs to, where it names one.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::NotSent { operation, .. }
            | Error::NoAnswer { operation, .. }
            | Error::HttpStatus { operation, .. }
            | Error::ProviderUnavailable { operation, .. }
            | Error::Rejected { operation, .. }
            | Error::NotFound { operation, .. }
            | Error::InvalidResponse { operation, .. }
            | Error::Unsupported { operation, .. } => Some(*operation),
            Error::Duplicate { .. } | Error::OutcomeUnknown { .. } => Some(Operation::CreatePayout),
            Error::Config { .. } | Error::Validation { .. } => None,
        }
    }

    /// True for [`Error::OutcomeUnknown`].
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// The phase this error belongs to, as a stable short name.
    pub fn phase(&self) -> &'static str {
        match self {
            Error::Config { .. } => "config",
            Error::Validation { .. } => "validation",
            Error::Unsupported { .. } => "unsupported",
            Error::NotSent { .. } => "not_sent",
            Error::NoAnswer { .. } => "no_answer",
            Error::HttpStatus { .. } => "http_status",
            Error::ProviderUnavailable { .. } => "provider_unavailable",
            Error::Rejected { .. } => "rejected",
            Error::Duplicate { .. } => "duplicate",
            Error::NotFound { .. } => "not_found",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
        }
    }
}

/// Shortens a response body for an error message: at most `max` characters,
/// control characters replaced, an ellipsis when cut.
///
/// ```
/// use payout_core::error::excerpt;
/// assert_eq!(excerpt(b"<html>\n502</html>", 8), "<html> 5…");
/// ```
pub fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(max.min(text.len()) + 3);
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_no_answer_is_query_first() {
        let e = Error::no_answer(Operation::CreatePayout, "timeout");
        assert_eq!(e.retry_advice(), RetryAdvice::QueryFirst);
        let e = Error::no_answer(Operation::QueryPayout, "timeout");
        assert_eq!(e.retry_advice(), RetryAdvice::Safe);
    }

    #[test]
    fn http_4xx_is_never() {
        let e = Error::HttpStatus {
            operation: Operation::QueryPayout,
            status: 404,
            body_excerpt: String::new(),
        };
        assert_eq!(e.retry_advice(), RetryAdvice::Never);
    }
}
