//! Where a journaled payout stands ([`JournalState`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::JournalError;

/// A journaled payout's state.
///
/// ```text
/// intent ──> sending ──> accepted ──> pending ──> succeeded ──> reversed
///   ^           │  │                        ├──> failed
///   └─not sent──┘  ├──> rejected            └──> cancelled
///                  └──> unknown ──(query)──> accepted / pending / final
/// any contradiction ──> conflict (both observations kept)
/// ```
///
/// Final states ([`JournalState::is_final`]) are never overwritten, except
/// `succeeded -> reversed`; a contradicting observation turns the row into
/// [`JournalState::Conflict`] instead.
///
/// ```
/// use payout_journal::JournalState;
/// let s: JournalState = "pending".parse()?;
/// assert!(!s.is_final());
/// assert!(s.needs_query());
/// assert!(JournalState::Rejected.is_final());
/// # Ok::<(), payout_journal::JournalError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    /// Journaled, never sent (or provably not sent): may be sent.
    Intent,
    /// Durably marked as about to be sent; the create request may have left.
    /// Resolved by query before anything may send it again.
    Sending,
    /// The provider accepted the create request.
    Accepted,
    /// The provider reports the payout in progress.
    Pending,
    /// Paid out.
    Succeeded,
    /// Definitely not paid.
    Failed,
    /// Cancelled before payment.
    Cancelled,
    /// Paid out, then returned (the only move out of a final state).
    Reversed,
    /// The provider refused the create request: nothing was placed.
    Rejected,
    /// The create request may have been placed; nobody knows yet. Resolved
    /// by query; never re-sent without one.
    Unknown,
    /// Two observations contradict each other; both are kept. Needs a person.
    Conflict,
}

impl JournalState {
    /// Every state, in lifecycle order.
    pub const ALL: [JournalState; 11] = [
        JournalState::Intent,
        JournalState::Sending,
        JournalState::Accepted,
        JournalState::Pending,
        JournalState::Succeeded,
        JournalState::Failed,
        JournalState::Cancelled,
        JournalState::Reversed,
        JournalState::Rejected,
        JournalState::Unknown,
        JournalState::Conflict,
    ];

    /// The states a reconciler queries: the payout may exist and is not
    /// final yet.
    pub const NEEDS_QUERY: [JournalState; 4] = [
        JournalState::Sending,
        JournalState::Unknown,
        JournalState::Accepted,
        JournalState::Pending,
    ];

    /// The stable lower-case name stored in the journal and printed.
    pub fn as_str(&self) -> &'static str {
        match self {
            JournalState::Intent => "intent",
            JournalState::Sending => "sending",
            JournalState::Accepted => "accepted",
            JournalState::Pending => "pending",
            JournalState::Succeeded => "succeeded",
            JournalState::Failed => "failed",
            JournalState::Cancelled => "cancelled",
            JournalState::Reversed => "reversed",
            JournalState::Rejected => "rejected",
            JournalState::Unknown => "unknown",
            JournalState::Conflict => "conflict",
        }
    }

    /// True for `succeeded`, `failed`, `cancelled`, `reversed` and
    /// `rejected`: nothing more will happen on its own.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JournalState::Succeeded
                | JournalState::Failed
                | JournalState::Cancelled
                | JournalState::Reversed
                | JournalState::Rejected
        )
    }

    /// True for the states in [`JournalState::NEEDS_QUERY`].
    pub fn needs_query(&self) -> bool {
        Self::NEEDS_QUERY.contains(self)
    }
}

impl fmt::Display for JournalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JournalState {
    type Err = JournalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| JournalError::Corrupt {
                message: format!(
                    "unknown journal state {s:?}; written by a newer version of payout-journal?"
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in JournalState::ALL {
            assert_eq!(s.as_str().parse::<JournalState>().unwrap(), s);
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        assert!("bogus".parse::<JournalState>().is_err());
    }
}
