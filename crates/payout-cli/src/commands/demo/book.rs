//! What the platform knows about each payout — the SDK's view: the create
//! outcome and the last state reported by a create answer, a callback or a
//! query, applied with [`payout::decide_update`] so that a final state is
//! never overwritten and duplicates are recognised.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use payout::{decide_update, ApplyDecision, Decimal, PayoutState};

use super::plan::{Kind, Planned};

/// What became of the create request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Not answered yet.
    Pending,
    /// The provider accepted it.
    Accepted,
    /// The outcome is unknown (timeout, 5xx after sending); not queried yet.
    OutcomeUnknown,
    /// The outcome was unknown; a query found the payout.
    Resolved,
    /// The outcome was unknown; a query says the provider does not know it.
    NotPlaced,
    /// The outcome was unknown and the query failed too.
    Unresolved,
    /// Refused before or by the provider (validation, rejection): not placed.
    Refused,
}

impl Placement {
    /// Whether the provider holds the payout (its money is frozen, paid or
    /// released).
    pub fn placed(self) -> bool {
        matches!(self, Placement::Accepted | Placement::Resolved)
    }
}

/// One payout in the book.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Lane index.
    pub lane: usize,
    /// What it was meant to do.
    pub kind: Kind,
    /// Its amount.
    pub amount: Decimal,
    /// The last state applied.
    pub state: Option<PayoutState>,
    /// What became of the create.
    pub placement: Placement,
    /// Whether the create's outcome was unknown at first.
    pub was_unknown: bool,
    /// Why it was refused or left unresolved.
    pub note: Option<String>,
}

/// Every planned payout, by trade number.
#[derive(Debug)]
pub struct Book {
    entries: Mutex<HashMap<String, Entry>>,
}

impl Book {
    /// A book with every planned payout, nothing known yet.
    pub fn new(plan: &[Planned]) -> Self {
        let entries = plan
            .iter()
            .map(|p| {
                let entry = Entry {
                    lane: p.lane,
                    kind: p.kind,
                    amount: p.amount,
                    state: None,
                    placement: Placement::Pending,
                    was_unknown: false,
                    note: None,
                };
                (p.trade_no.clone(), entry)
            })
            .collect();
        Self {
            entries: Mutex::new(entries),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies a reported state; `None` for a trade number the demo did not
    /// plan (which it then ignores).
    pub fn apply(&self, trade_no: &str, state: PayoutState) -> Option<ApplyDecision> {
        let mut entries = self.lock();
        let entry = entries.get_mut(trade_no)?;
        let decision = decide_update(entry.state, state);
        if decision == ApplyDecision::Apply {
            entry.state = Some(state);
        }
        Some(decision)
    }

    /// Records what became of the create.
    pub fn place(&self, trade_no: &str, placement: Placement, note: Option<String>) {
        if let Some(entry) = self.lock().get_mut(trade_no) {
            if placement == Placement::OutcomeUnknown {
                entry.was_unknown = true;
            }
            entry.placement = placement;
            if note.is_some() {
                entry.note = note;
            }
        }
    }

    /// The last state applied.
    pub fn state(&self, trade_no: &str) -> Option<PayoutState> {
        self.lock().get(trade_no).and_then(|e| e.state)
    }

    /// Trade numbers whose create outcome is still unknown.
    pub fn outcome_unknown(&self) -> Vec<(String, usize)> {
        self.select(|e| e.placement == Placement::OutcomeUnknown)
    }

    /// Placed payouts not known to be final.
    pub fn open(&self) -> Vec<(String, usize)> {
        self.select(|e| e.placement.placed() && !e.state.is_some_and(|s| s.is_final()))
    }

    /// Placed payouts of `kind`.
    pub fn of_kind(&self, kind: Kind) -> Vec<(String, usize)> {
        self.select(|e| e.placement.placed() && e.kind == kind)
    }

    /// How many placed payouts are known to be final.
    pub fn final_count(&self) -> usize {
        self.lock()
            .values()
            .filter(|e| e.placement.placed() && e.state.is_some_and(|s| s.is_final()))
            .count()
    }

    fn select(&self, keep: impl Fn(&Entry) -> bool) -> Vec<(String, usize)> {
        let mut out: Vec<_> = self
            .lock()
            .iter()
            .filter(|(_, e)| keep(e))
            .map(|(t, e)| (t.clone(), e.lane))
            .collect();
        out.sort_unstable();
        out
    }

    /// Every entry, sorted by trade number.
    pub fn snapshot(&self) -> Vec<(String, Entry)> {
        let mut out: Vec<_> = self
            .lock()
            .iter()
            .map(|(t, e)| (t.clone(), e.clone()))
            .collect();
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Book {
        Book::new(&[Planned {
            lane: 0,
            kind: Kind::Late,
            trade_no: "T1_LATE".into(),
            amount: Decimal::from(10),
        }])
    }

    #[test]
    fn a_final_state_is_kept_and_duplicates_are_seen() {
        let b = book();
        assert_eq!(
            b.apply("T1_LATE", PayoutState::Succeeded),
            Some(ApplyDecision::Apply)
        );
        // The create answer (processing) arriving after the callback.
        assert_eq!(
            b.apply("T1_LATE", PayoutState::Processing),
            Some(ApplyDecision::KeepFinal)
        );
        assert_eq!(
            b.apply("T1_LATE", PayoutState::Succeeded),
            Some(ApplyDecision::Duplicate)
        );
        assert_eq!(b.state("T1_LATE"), Some(PayoutState::Succeeded));
        assert_eq!(b.apply("other", PayoutState::Failed), None);
    }

    #[test]
    fn open_means_placed_and_not_final() {
        let b = book();
        assert!(b.open().is_empty(), "not placed yet");
        b.place("T1_LATE", Placement::OutcomeUnknown, None);
        assert_eq!(b.outcome_unknown().len(), 1);
        b.place("T1_LATE", Placement::Resolved, None);
        assert_eq!(b.open(), vec![("T1_LATE".to_owned(), 0)]);
        b.apply("T1_LATE", PayoutState::Unknown);
        assert_eq!(b.open().len(), 1, "unknown is not final");
        b.apply("T1_LATE", PayoutState::Failed);
        assert!(b.open().is_empty());
        assert_eq!(b.final_count(), 1);
        assert!(b.snapshot()[0].1.was_unknown);
    }
}
