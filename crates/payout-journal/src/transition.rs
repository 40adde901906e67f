//! The state machine, as one pure function ([`apply`]): given what the
//! journal holds and one new event, what it must hold next.
//!
//! Every write to a payout row goes through [`apply`]; the storage layer
//! only persists its result (compare-and-set on the row's version, so two
//! writers never lose each other's observation).

use serde::{Deserialize, Serialize};

use crate::state::JournalState;

/// Where an observation came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The answer to our create request.
    Create,
    /// The answer to a status query.
    Query,
    /// A verified callback from the provider.
    Callback,
}

/// What the provider reports about a payout that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    /// The create request was accepted.
    Accepted,
    /// The payout is in progress.
    Pending,
    /// Paid out.
    Succeeded,
    /// Definitely not paid.
    Failed,
    /// Cancelled before payment.
    Cancelled,
    /// Paid out, then returned.
    Reversed,
}

impl Observed {
    /// The journal state this observation stands for.
    pub fn state(self) -> JournalState {
        match self {
            Observed::Accepted => JournalState::Accepted,
            Observed::Pending => JournalState::Pending,
            Observed::Succeeded => JournalState::Succeeded,
            Observed::Failed => JournalState::Failed,
            Observed::Cancelled => JournalState::Cancelled,
            Observed::Reversed => JournalState::Reversed,
        }
    }
}

/// One thing the provider said about a payout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The state it reports.
    pub state: Observed,
    /// The provider's raw status code, when it sent one.
    pub provider_status: Option<String>,
    /// The provider's own id for the payout, when it sent one.
    pub platform_trade_no: Option<String>,
    /// Where it came from.
    pub source: Source,
}

/// One event in a payout's life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The create request is about to leave (written durably before it does).
    Send,
    /// The create request provably never left.
    NotSent,
    /// The provider refused the create request: nothing was placed.
    CreateRejected {
        /// The provider's refusal code.
        provider_status: Option<String>,
    },
    /// The create request may have been placed; its answer is unknown.
    OutcomeUnknown,
    /// The provider reported the payout (create answer, query or callback).
    Observed(Observation),
    /// A query found no payout under the trade number. That proves nothing
    /// on its own; `may_resend` says whether the provider's create is safe to
    /// repeat under the same trade number (then the row may be sent again).
    NotFound {
        /// Whether re-sending the same trade number is safe for this provider.
        may_resend: bool,
    },
}

/// One observation kept for a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictEntry {
    /// The state this observation stood for.
    pub state: JournalState,
    /// The provider's raw status code, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_status: Option<String>,
    /// The provider's own payout id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_trade_no: Option<String>,
    /// Where it came from; `None` for the state the journal held before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// When it was recorded (ms since the Unix epoch, UTC).
    pub at_ms: i64,
}

impl ConflictEntry {
    /// Same observation, whenever and however it arrived.
    fn same_as(&self, other: &ConflictEntry) -> bool {
        self.state == other.state
            && self.provider_status == other.provider_status
            && self.platform_trade_no == other.platform_trade_no
    }
}

/// The part of a payout row that the state machine reads and writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The state.
    pub state: JournalState,
    /// The provider's last raw status code.
    pub provider_status: Option<String>,
    /// The provider's own payout id.
    pub platform_trade_no: Option<String>,
    /// For a conflict: every contradicting observation, oldest first.
    pub conflict: Vec<ConflictEntry>,
    /// When the row last changed (ms since the Unix epoch, UTC).
    pub updated_at_ms: i64,
}

impl Snapshot {
    /// A fresh row in `state`, changed at `now_ms`.
    pub fn new(state: JournalState, now_ms: i64) -> Self {
        Self {
            state,
            provider_status: None,
            platform_trade_no: None,
            conflict: Vec::new(),
            updated_at_ms: now_ms,
        }
    }

    /// The state held now, as a conflict entry.
    fn as_entry(&self) -> ConflictEntry {
        ConflictEntry {
            state: self.state,
            provider_status: self.provider_status.clone(),
            platform_trade_no: self.platform_trade_no.clone(),
            source: None,
            at_ms: self.updated_at_ms,
        }
    }
}

/// What an event did to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The row changed (new state, or a detail filled in).
    Applied,
    /// Already known: nothing changed.
    Duplicate,
    /// Late or stale (e.g. `pending` after a final state): nothing changed.
    Ignored,
    /// The event contradicts what was known: the row is (or stays) a
    /// conflict, and the new observation was added to it.
    Conflict,
    /// The event is not allowed in this state (sending a row that is not
    /// `intent`): nothing changed.
    Refused,
}

impl Effect {
    /// True when the row must be written.
    pub fn changed(&self) -> bool {
        matches!(self, Effect::Applied | Effect::Conflict)
    }
}

/// Applies one event to a row: the pure state machine.
///
/// Rules: a final state is never overwritten except `succeeded ->
/// reversed`; late progress reports (`accepted`, `pending`) after a final
/// state are ignored; contradictions (`failed` then `succeeded`, a
/// `rejected` create that the provider later reports, two different
/// provider payout ids) become `conflict`, keeping both observations;
/// duplicates change nothing.
///
/// ```
/// use payout_journal::transition::{apply, Effect, Event, Observation, Observed, Snapshot, Source};
/// use payout_journal::JournalState;
///
/// let seen = |state| Event::Observed(Observation {
///     state, provider_status: None, platform_trade_no: None, source: Source::Callback,
/// });
/// let row = Snapshot::new(JournalState::Failed, 0);
/// let (row, effect) = apply(&row, &seen(Observed::Succeeded), 1);
/// assert_eq!((row.state, effect), (JournalState::Conflict, Effect::Conflict));
/// assert_eq!(row.conflict.len(), 2); // both observations kept
/// ```
pub fn apply(current: &Snapshot, event: &Event, now_ms: i64) -> (Snapshot, Effect) {
    use JournalState::*;
    let state = current.state;
    match event {
        Event::Send if state == Intent => moved(current, Sending, None, None, now_ms),
        Event::Send => unchanged(current, Effect::Refused),
        Event::NotSent if state == Sending => moved(current, Intent, None, None, now_ms),
        Event::NotSent => unchanged(current, Effect::Ignored),
        Event::OutcomeUnknown => match state {
            Intent | Sending => moved(current, Unknown, None, None, now_ms),
            Unknown => unchanged(current, Effect::Duplicate),
            _ => unchanged(current, Effect::Ignored),
        },
        Event::NotFound { may_resend } => match state {
            Sending | Unknown if *may_resend => moved(current, Intent, None, None, now_ms),
            Sending => moved(current, Unknown, None, None, now_ms),
            Unknown => unchanged(current, Effect::Duplicate),
            _ => unchanged(current, Effect::Ignored),
        },
        Event::CreateRejected { provider_status } => {
            let entry = ConflictEntry {
                state: Rejected,
                provider_status: provider_status.clone(),
                platform_trade_no: None,
                source: Some(Source::Create),
                at_ms: now_ms,
            };
            match state {
                Sending => moved(current, Rejected, provider_status.as_deref(), None, now_ms),
                Rejected => unchanged(current, Effect::Duplicate),
                // An earlier attempt may have been placed: a refusal now
                // proves nothing about it.
                Intent | Unknown => unchanged(current, Effect::Ignored),
                _ => conflict(current, entry, now_ms),
            }
        }
        Event::Observed(observation) => observe(current, observation, now_ms),
    }
}

fn observe(current: &Snapshot, o: &Observation, now_ms: i64) -> (Snapshot, Effect) {
    use JournalState::*;
    let entry = ConflictEntry {
        state: o.state.state(),
        provider_status: o.provider_status.clone(),
        platform_trade_no: o.platform_trade_no.clone(),
        source: Some(o.source),
        at_ms: now_ms,
    };
    let state = current.state;
    if state == Conflict {
        return conflict(current, entry, now_ms);
    }
    if let (Some(known), Some(seen)) = (&current.platform_trade_no, &o.platform_trade_no) {
        if known != seen {
            // Two provider payouts for one trade number: never hide that.
            return conflict(current, entry, now_ms);
        }
    }
    let target = o.state.state();
    let status = o.provider_status.as_deref();
    let platform = o.platform_trade_no.as_deref();
    match state {
        Intent | Sending | Unknown => moved(current, target, status, platform, now_ms),
        Accepted | Pending => {
            if target == state {
                fill_in(current, platform, now_ms)
            } else if state == Pending && target == Accepted {
                unchanged(current, Effect::Ignored)
            } else {
                moved(current, target, status, platform, now_ms)
            }
        }
        Succeeded | Failed | Cancelled | Reversed => {
            if target == state {
                fill_in(current, platform, now_ms)
            } else if !target.is_final() || (state == Reversed && target == Succeeded) {
                unchanged(current, Effect::Ignored)
            } else if state == Succeeded && target == Reversed {
                moved(current, target, status, platform, now_ms)
            } else {
                conflict(current, entry, now_ms)
            }
        }
        // We recorded "nothing placed" and the provider reports a payout.
        Rejected => conflict(current, entry, now_ms),
        Conflict => conflict(current, entry, now_ms),
    }
}

fn unchanged(current: &Snapshot, effect: Effect) -> (Snapshot, Effect) {
    (current.clone(), effect)
}

fn moved(
    current: &Snapshot,
    state: JournalState,
    provider_status: Option<&str>,
    platform_trade_no: Option<&str>,
    now_ms: i64,
) -> (Snapshot, Effect) {
    let mut next = current.clone();
    next.state = state;
    if let Some(status) = provider_status {
        next.provider_status = Some(status.to_owned());
    }
    if next.platform_trade_no.is_none() {
        next.platform_trade_no = platform_trade_no.map(str::to_owned);
    }
    next.updated_at_ms = now_ms;
    (next, Effect::Applied)
}

/// A repeated observation: only a missing provider payout id is filled in.
fn fill_in(current: &Snapshot, platform_trade_no: Option<&str>, now_ms: i64) -> (Snapshot, Effect) {
    match (&current.platform_trade_no, platform_trade_no) {
        (None, Some(id)) => {
            let mut next = current.clone();
            next.platform_trade_no = Some(id.to_owned());
            next.updated_at_ms = now_ms;
            (next, Effect::Applied)
        }
        _ => unchanged(current, Effect::Duplicate),
    }
}

fn conflict(current: &Snapshot, entry: ConflictEntry, now_ms: i64) -> (Snapshot, Effect) {
    let mut next = current.clone();
    if current.state != JournalState::Conflict {
        next.conflict.push(current.as_entry());
    } else if current.conflict.iter().any(|e| e.same_as(&entry)) {
        return unchanged(current, Effect::Duplicate);
    }
    next.conflict.push(entry);
    next.state = JournalState::Conflict;
    next.updated_at_ms = now_ms;
    (next, Effect::Conflict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use JournalState::*;

    fn seen(state: Observed, status: &str, platform: Option<&str>) -> Event {
        Event::Observed(Observation {
            state,
            provider_status: Some(status.to_owned()),
            platform_trade_no: platform.map(str::to_owned),
            source: Source::Query,
        })
    }

    fn run(start: JournalState, events: &[Event]) -> (Snapshot, Vec<Effect>) {
        let mut row = Snapshot::new(start, 0);
        let mut effects = Vec::new();
        for (t, e) in events.iter().enumerate() {
            let (next, effect) = apply(&row, e, t as i64 + 1);
            row = next;
            effects.push(effect);
        }
        (row, effects)
    }

    #[test]
    fn happy_path() {
        let (row, effects) = run(
            Intent,
            &[
                Event::Send,
                seen(Observed::Accepted, "0000", Some("P1")),
                seen(Observed::Pending, "0015", None),
                seen(Observed::Succeeded, "0000", Some("P1")),
            ],
        );
        assert_eq!(row.state, Succeeded);
        assert_eq!(row.platform_trade_no.as_deref(), Some("P1"));
        assert_eq!(row.provider_status.as_deref(), Some("0000"));
        assert!(effects.iter().all(|e| *e == Effect::Applied), "{effects:?}");
    }

    #[test]
    fn late_pending_after_final_is_ignored() {
        let (row, effects) = run(
            Sending,
            &[
                seen(Observed::Failed, "0002", None),
                seen(Observed::Pending, "0015", None),
            ],
        );
        assert_eq!(row.state, Failed);
        assert_eq!(row.provider_status.as_deref(), Some("0002"));
        assert_eq!(effects[1], Effect::Ignored);
    }

    #[test]
    fn reversal_is_the_only_way_out_of_a_final_state() {
        let (row, _) = run(Succeeded, &[seen(Observed::Reversed, "R", None)]);
        assert_eq!(row.state, Reversed);
        let (row, effects) = run(Reversed, &[seen(Observed::Succeeded, "0000", None)]);
        assert_eq!((row.state, effects[0]), (Reversed, Effect::Ignored));
        let (row, _) = run(Failed, &[seen(Observed::Reversed, "R", None)]);
        assert_eq!(row.state, Conflict);
    }

    #[test]
    fn contradictions_keep_both_observations() {
        let (row, effects) = run(
            Sending,
            &[
                seen(Observed::Failed, "0002", None),
                seen(Observed::Succeeded, "0000", None),
                seen(Observed::Succeeded, "0000", None),
            ],
        );
        assert_eq!(row.state, Conflict);
        assert_eq!(effects[1..], [Effect::Conflict, Effect::Duplicate]);
        let states: Vec<_> = row.conflict.iter().map(|e| e.state).collect();
        assert_eq!(states, [Failed, Succeeded]);
        assert_eq!(row.conflict[0].provider_status.as_deref(), Some("0002"));
    }

    #[test]
    fn two_provider_ids_are_a_conflict() {
        let (row, _) = run(
            Sending,
            &[
                seen(Observed::Accepted, "0000", Some("P1")),
                seen(Observed::Pending, "0015", Some("P2")),
            ],
        );
        assert_eq!(row.state, Conflict);
    }

    #[test]
    fn a_rejected_create_that_turns_up_is_a_conflict() {
        let (row, _) = run(
            Sending,
            &[
                Event::CreateRejected {
                    provider_status: Some("8000".into()),
                },
                seen(Observed::Pending, "0015", None),
            ],
        );
        assert_eq!(row.state, Conflict);
        assert_eq!(row.conflict[0].state, Rejected);
    }

    #[test]
    fn not_found_keeps_unknown_unless_resending_is_safe() {
        let nf = |may_resend| Event::NotFound { may_resend };
        assert_eq!(run(Sending, &[nf(false)]).0.state, Unknown);
        assert_eq!(run(Unknown, &[nf(false)]).0.state, Unknown);
        assert_eq!(run(Unknown, &[nf(true)]).0.state, Intent);
        assert_eq!(run(Pending, &[nf(true)]).0.state, Pending);
    }

    #[test]
    fn only_intent_may_be_sent() {
        for s in JournalState::ALL {
            let (row, effect) = apply(&Snapshot::new(s, 0), &Event::Send, 1);
            if s == Intent {
                assert_eq!((row.state, effect), (Sending, Effect::Applied));
            } else {
                assert_eq!((row.state, effect), (s, Effect::Refused));
            }
        }
    }

    fn arb_state() -> impl Strategy<Value = JournalState> {
        proptest::sample::select(JournalState::ALL.to_vec())
    }

    fn arb_observed() -> impl Strategy<Value = Observed> {
        proptest::sample::select(vec![
            Observed::Accepted,
            Observed::Pending,
            Observed::Succeeded,
            Observed::Failed,
            Observed::Cancelled,
            Observed::Reversed,
        ])
    }

    fn arb_opt(values: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
        proptest::option::of(proptest::sample::select(values).prop_map(str::to_owned))
    }

    fn arb_event() -> impl Strategy<Value = Event> {
        let observed = (
            arb_observed(),
            arb_opt(&["0000", "0015", "0002"]),
            arb_opt(&["P1", "P2"]),
            proptest::sample::select(vec![Source::Create, Source::Query, Source::Callback]),
        )
            .prop_map(|(state, provider_status, platform_trade_no, source)| {
                Event::Observed(Observation {
                    state,
                    provider_status,
                    platform_trade_no,
                    source,
                })
            });
        prop_oneof![
            1 => Just(Event::Send),
            1 => Just(Event::NotSent),
            1 => Just(Event::OutcomeUnknown),
            1 => arb_opt(&["8000", "0100024"])
                .prop_map(|provider_status| Event::CreateRejected { provider_status }),
            1 => any::<bool>().prop_map(|may_resend| Event::NotFound { may_resend }),
            4 => observed,
        ]
    }

    fn arb_snapshot() -> impl Strategy<Value = Snapshot> {
        (
            arb_state(),
            arb_opt(&["0000", "0015"]),
            arb_opt(&["P1", "P2"]),
        )
            .prop_map(|(state, provider_status, platform_trade_no)| {
                let mut s = Snapshot::new(state, 0);
                s.provider_status = provider_status;
                s.platform_trade_no = platform_trade_no;
                if state == Conflict {
                    s.conflict = vec![s.as_entry()];
                }
                s
            })
    }

    proptest! {
        #[test]
        fn no_final_state_is_left_except_succeeded_to_reversed(
            row in arb_snapshot(), event in arb_event()
        ) {
            let (next, _) = apply(&row, &event, 1);
            if row.state.is_final() {
                prop_assert!(
                    next.state == row.state
                        || next.state == Conflict
                        || (row.state == Succeeded && next.state == Reversed),
                    "{:?} -> {:?} on {:?}", row.state, next.state, event
                );
            }
        }

        #[test]
        fn conflicts_are_recorded_and_never_lost(
            row in arb_snapshot(), events in proptest::collection::vec(arb_event(), 1..12)
        ) {
            let mut row = row;
            for (t, event) in events.iter().enumerate() {
                let (next, effect) = apply(&row, event, t as i64 + 1);
                if row.state == Conflict {
                    prop_assert_eq!(next.state, Conflict);
                }
                // Nothing ever recorded for a conflict disappears.
                prop_assert!(next.conflict.len() >= row.conflict.len());
                prop_assert_eq!(&next.conflict[..row.conflict.len()], &row.conflict[..]);
                if effect == Effect::Conflict {
                    prop_assert_eq!(next.state, Conflict);
                    // The new observation is kept, and so is the state held before.
                    let added = &next.conflict[row.conflict.len()..];
                    let new = added.last().expect("conflict adds an observation");
                    prop_assert_eq!(new.at_ms, t as i64 + 1);
                    if row.state != Conflict {
                        prop_assert_eq!(added.len(), 2);
                        prop_assert_eq!(added[0].state, row.state);
                        prop_assert_eq!(&added[0].provider_status, &row.provider_status);
                    }
                }
                if next.state == Conflict && row.state != Conflict {
                    prop_assert_eq!(effect, Effect::Conflict);
                }
                prop_assert_eq!(effect.changed(), next != row);
                row = next;
            }
        }

        #[test]
        fn duplicate_observations_are_idempotent(row in arb_snapshot(), event in arb_event()) {
            let (once, _) = apply(&row, &event, 1);
            let (twice, effect) = apply(&once, &event, 2);
            prop_assert_eq!(&twice, &once);
            prop_assert!(!effect.changed(), "second {:?} changed the row: {:?}", event, effect);
        }

        #[test]
        fn the_state_only_leaves_sending_or_unknown_for_evidence(
            state in proptest::sample::select(vec![Sending, Unknown]), event in arb_event()
        ) {
            let (next, _) = apply(&Snapshot::new(state, 0), &event, 1);
            // Back to `intent` (may be sent again) only when provably not sent
            // or when re-sending the same trade number is safe.
            if next.state == Intent {
                let allowed = matches!(event, Event::NotSent if state == Sending)
                    || matches!(event, Event::NotFound { may_resend: true });
                prop_assert!(allowed, "{:?} -> intent on {:?}", state, event);
            }
        }
    }
}
