//! What `payout batch` prints: the journal's view of every order of the
//! file, in counts.

use payout_journal::JournalState;
use serde::Serialize;

/// The summary line. The keys are a contract, in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Non-blank lines of the file.
    pub orders: u64,
    /// The provider holds the payout (accepted, in progress or final:
    /// succeeded, failed, cancelled, reversed).
    pub placed: u64,
    /// The provider refused the create: nothing was placed.
    pub rejected: u64,
    /// Lines repeating an earlier line of the file (same trade number,
    /// same order): nothing was sent for them.
    pub duplicates: u64,
    /// Not known to be placed or rejected yet: the create's outcome is
    /// unknown, it could not be sent yet, or the provider's answers
    /// contradict each other (`conflict`). Never counted as failed.
    pub unknown: u64,
    /// Lines that are not a valid order, break a rule of the region, or
    /// reuse a trade number the journal holds with another order: nothing
    /// was sent for them.
    pub invalid: u64,
}

/// Where a journaled order stands for the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// See [`Summary::placed`].
    Placed,
    /// See [`Summary::rejected`].
    Rejected,
    /// See [`Summary::unknown`].
    Unknown,
}

impl Category {
    /// The category of a journal state.
    pub fn of(state: JournalState) -> Self {
        match state {
            JournalState::Accepted
            | JournalState::Pending
            | JournalState::Succeeded
            | JournalState::Failed
            | JournalState::Cancelled
            | JournalState::Reversed => Category::Placed,
            JournalState::Rejected => Category::Rejected,
            JournalState::Intent
            | JournalState::Sending
            | JournalState::Unknown
            | JournalState::Conflict => Category::Unknown,
        }
    }
}

impl Summary {
    /// Counts one journaled order.
    pub fn add(&mut self, state: JournalState) {
        match Category::of(state) {
            Category::Placed => self.placed += 1,
            Category::Rejected => self.rejected += 1,
            Category::Unknown => self.unknown += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_contract_order() {
        let s = Summary {
            orders: 6,
            placed: 1,
            rejected: 1,
            duplicates: 1,
            unknown: 1,
            invalid: 2,
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"orders":6,"placed":1,"rejected":1,"duplicates":1,"unknown":1,"invalid":2}"#
        );
    }

    #[test]
    fn only_a_placement_or_a_refusal_is_known() {
        for state in JournalState::ALL {
            let known = matches!(Category::of(state), Category::Placed | Category::Rejected);
            assert_eq!(
                known,
                state.is_final() || matches!(state, JournalState::Accepted | JournalState::Pending),
                "{state}"
            );
        }
    }
}
