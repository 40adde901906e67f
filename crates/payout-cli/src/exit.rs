//! Exit codes of `payout`, and the mapping from [`payout::Error`] to them.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success: the JSON object on stdout is the answer |
//! | 1 | `demo`: the balance reconciliation failed (the simulator's ledger differs from what the SDK saw). Elsewhere: an error this version cannot classify (should not happen; report it) |
//! | 2 | usage or configuration error: bad flag, missing secret, bad trade number or amount, a rule of the region broken, operation unsupported. Nothing was sent |
//! | 3 | the provider rejected the request (outer code other than `0000`); stderr shows its `code` and `msg` verbatim. For `create`, the payout was **not** placed |
//! | 4 | transport failure: connection refused, DNS, timeout, reset, an HTTP error status (5xx included), provider system error `5000` on a query or balance |
//! | 5 | invalid response (not JSON, truncated, too large, about another payout); for `verify-notify`: a bad or missing signature, a malformed body, or an unsigned callback (see below) |
//! | 6 | `create` outcome unknown: the request may have been placed. **Query the trade number before any retry** |
//! | 7 | `wait` only (extension): the payout was not final before the deadline. It is **not** failed; the last known status is printed with `"final": false` |
//! | 8 | `query`/`wait`: the provider proves no payout exists under this trade number; stdout `{"provider":…,"trade_no":…,"state":"not_found"}` |
//! | 9 | `create`: a payout already exists under this trade number; stdout holds its status plus `"duplicate": true`; nothing new was placed |
//!
//! `verify-notify` on a region whose callbacks are unsigned (Kenya) exits 5
//! and prints the untrusted content with `"verified": false`: such a
//! callback must be confirmed with `payout query` before acting on it.

use std::fmt;

use payout::{CallbackError, Error};

/// A process exit code of `payout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok,
    /// 1: an error this version cannot classify.
    Internal,
    /// 2: usage or configuration error; nothing was sent.
    Usage,
    /// 3: the provider rejected the request.
    Rejected,
    /// 4: transport failure (refused, timeout, HTTP error status, provider system error).
    Transport,
    /// 5: invalid response, or a callback that cannot be trusted.
    InvalidResponse,
    /// 6: outcome of a create unknown; query before retrying.
    OutcomeUnknown,
    /// 7: `wait` reached its deadline before the payout was final.
    NotFinal,
    /// 8: the provider proves no payout exists under the trade number.
    NotFound,
    /// 9: a payout already exists under the trade number; nothing new placed.
    Duplicate,
    /// 1: `demo` only: the balance reconciliation did not hold.
    Mismatch,
}

impl Exit {
    /// The numeric process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Internal => 1,
            Exit::Usage => 2,
            Exit::Rejected => 3,
            Exit::Transport => 4,
            Exit::InvalidResponse => 5,
            Exit::OutcomeUnknown => 6,
            Exit::NotFinal => 7,
            Exit::NotFound => 8,
            Exit::Duplicate => 9,
            Exit::Mismatch => 1,
        }
    }

    /// The exit code for an SDK error.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Config { .. } | Error::Validation { .. } | Error::Unsupported { .. } => {
                Exit::Usage
            }
            Error::Rejected { .. } => Exit::Rejected,
            Error::NotSent { .. }
            | Error::NoAnswer { .. }
            | Error::HttpStatus { .. }
            | Error::ProviderUnavailable { .. } => Exit::Transport,
            Error::InvalidResponse { .. } => Exit::InvalidResponse,
            Error::OutcomeUnknown { .. } => Exit::OutcomeUnknown,
            Error::NotFound { .. } => Exit::NotFound,
            Error::Duplicate { .. } => Exit::Duplicate,
            _ => Exit::Internal,
        }
    }

    /// The exit code for a callback that was not accepted.
    pub fn of_callback(error: &CallbackError) -> Self {
        match error {
            CallbackError::Unsupported(_) => Exit::Usage,
            _ => Exit::InvalidResponse,
        }
    }
}

/// A failed command: the exit code and the one-line message for stderr.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// What went wrong and what to do, on one line.
    pub message: String,
}

impl Failure {
    /// A failure with this code and message.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(&self.message))
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let exit = Exit::of(&error);
        let message = match &error {
            Error::OutcomeUnknown { trade_no, .. } => format!(
                "{error}. Do NOT re-send blindly: run `payout query --trade-no {trade_no}` (same provider, region and account) and re-send only if the provider does not know the payout"
            ),
            _ => error.to_string(),
        };
        Self { exit, message }
    }
}

/// Joins the lines of `text` so that the message stays on one line.
pub fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use payout::{Operation, TradeNo};

    #[test]
    fn every_phase_has_its_code() {
        let op = Operation::QueryPayout;
        let cases = [
            (Error::config("x"), 2),
            (Error::validation("amount", "bad"), 2),
            (
                Error::Rejected {
                    operation: op,
                    code: "8000".into(),
                    msg: "sign error".into(),
                    reason: payout::RejectReason::Other,
                },
                3,
            ),
            (Error::not_sent(op, "refused"), 4),
            (Error::no_answer(op, "timed out"), 4),
            (
                Error::HttpStatus {
                    operation: op,
                    status: 502,
                    body_excerpt: String::new(),
                },
                4,
            ),
            (
                Error::ProviderUnavailable {
                    operation: op,
                    code: "5000".into(),
                    msg: String::new(),
                },
                4,
            ),
            (
                Error::InvalidResponse {
                    operation: op,
                    message: "not JSON".into(),
                },
                5,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(Exit::of(&error).code(), code, "{error}");
        }
    }

    #[test]
    fn outcome_unknown_says_to_query_first() {
        let error = Error::OutcomeUnknown {
            trade_no: TradeNo::new("T1").unwrap(),
            cause: Box::new(Error::no_answer(Operation::CreatePayout, "timed out")),
        };
        let failure = Failure::from(error);
        assert_eq!(failure.exit.code(), 6);
        assert!(failure.message.contains("payout query --trade-no T1"));
    }

    #[test]
    fn messages_are_one_line() {
        let f = Failure::usage("first\nsecond\r\n third");
        assert_eq!(f.to_string(), "first second third");
    }
}
