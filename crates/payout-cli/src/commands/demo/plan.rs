//! Which payouts the demo makes: for each, a lane (provider and region),
//! what it is meant to do ([`Kind`]), its trade number and amount.
//! Deterministic: the same `--count` always gives the same batch.

use payout::Decimal;
use payout_journal::JournalState;

use super::samples::SAMPLES;

/// What a payout is meant to do: a trade-number suffix the simulator reads
/// (Xendit: or a magic account number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Succeeds; a verified callback says so.
    Succeed,
    /// Fails (`_FAIL`; Xendit: account `98018521`): the amount is released.
    Fail,
    /// Succeeds; the callback is delivered twice (`_DUP`).
    Duplicate,
    /// Succeeds; a `0015` callback follows (`_LATE`). Xendit: reversed after
    /// it succeeded (`_REVERSE`).
    Late,
    /// Stays in progress (`_PROC`; Xendit: account `131313`): open, never failed.
    Processing,
    /// Ends in a status no table lists (`_UNDOC`): open. Xendit: succeeds.
    Undocumented,
    /// The create answer comes after the client gave up (`_SLOW`): unknown,
    /// resolved by query.
    SlowCreate,
    /// The create is answered by a 502 page (`_502`): unknown, resolved by query.
    GatewayCreate,
    /// Succeeds and is double-checked by query (platform: the first query
    /// hits a 502 the transport retries).
    CrossCheck,
}

impl Kind {
    /// The trade-number suffix and, for Xendit, the account number.
    pub fn tag(self, xendit: bool) -> (&'static str, Option<&'static str>) {
        match (self, xendit) {
            (Kind::Succeed | Kind::CrossCheck, _) | (Kind::Undocumented, true) => ("", None),
            (Kind::Fail, false) => ("_FAIL", None),
            (Kind::Fail, true) => ("", Some("98018521")),
            (Kind::Duplicate, _) => ("_DUP", None),
            (Kind::Late, false) => ("_LATE", None),
            (Kind::Late, true) => ("_REVERSE", None),
            (Kind::Processing, false) => ("_PROC", None),
            (Kind::Processing, true) => ("", Some("131313")),
            (Kind::Undocumented, false) => ("_UNDOC", None),
            // The run registers these as create-only faults on every lane
            // (see `run::run`); the suffix names them in the output.
            (Kind::SlowCreate, _) => ("_SLOW", None),
            (Kind::GatewayCreate, _) => ("_502", None),
        }
    }

    /// Whether the payout is meant to stay in progress (never failed).
    pub fn stays_open(self, xendit: bool) -> bool {
        matches!(
            (self, xendit),
            (Kind::Processing, _) | (Kind::Undocumented, false)
        )
    }

    /// Whether `state` (the journal's, at the end) is what this kind means.
    pub fn ended_as_planned(self, xendit: bool, state: JournalState) -> bool {
        if self.stays_open(xendit) {
            return matches!(state, JournalState::Accepted | JournalState::Pending);
        }
        state
            == match (self, xendit) {
                (Kind::Fail, _) => JournalState::Failed,
                (Kind::Late, true) => JournalState::Reversed,
                _ => JournalState::Succeeded,
            }
    }
}

/// The mix, in percent (sums to 100).
pub const MIX: [(Kind, u32); 9] = [
    (Kind::Succeed, 60),
    (Kind::Fail, 8),
    (Kind::Duplicate, 5),
    (Kind::Late, 5),
    (Kind::Processing, 4),
    (Kind::Undocumented, 4),
    (Kind::SlowCreate, 4),
    (Kind::GatewayCreate, 3),
    (Kind::CrossCheck, 7),
];

/// One planned payout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// Index of its lane in [`SAMPLES`].
    pub lane: usize,
    /// What it is meant to do.
    pub kind: Kind,
    /// Its trade number.
    pub trade_no: String,
    /// Its amount in the lane's currency.
    pub amount: Decimal,
    /// The account number replacing the sample's (Xendit outcomes).
    pub account: Option<&'static str>,
}

/// `count` payouts, round-robin over the lanes; each lane steps through the
/// mix with a stride coprime to 100, so every 100 payouts of a lane follow
/// it exactly.
///
/// # Errors
/// When a sample amount does not parse.
pub fn plan(count: u32) -> Result<Vec<Planned>, String> {
    let lanes = SAMPLES.len();
    (0..count as usize)
        .map(|n| {
            let (lane, round) = (n % lanes, n / lanes);
            let p = (round % 100 * 37 + lane * 13) % 100;
            let mut acc = 0;
            let kind = MIX
                .iter()
                .find(|(_, w)| {
                    acc += *w as usize;
                    p < acc
                })
                .map_or(Kind::Succeed, |(k, _)| *k);
            let (suffix, account) = kind.tag(SAMPLES[lane].is_xendit());
            Ok(Planned {
                lane,
                kind,
                trade_no: format!("PO-{n:06}{suffix}"),
                amount: SAMPLES[lane].amount(round)?,
                account,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_lane_follows_the_mix() {
        assert_eq!(MIX.iter().map(|(_, w)| w).sum::<u32>(), 100);
        let p = plan(u32::try_from(100 * SAMPLES.len()).unwrap()).unwrap();
        for lane in 0..SAMPLES.len() {
            for (kind, weight) in MIX {
                let n = p
                    .iter()
                    .filter(|x| x.lane == lane && x.kind == kind)
                    .count();
                assert_eq!(n, weight as usize, "lane {lane} {kind:?}");
            }
        }
    }

    #[test]
    fn deterministic_unique_valid_and_mixed() {
        let a = plan(300).unwrap();
        assert_eq!(a, plan(300).unwrap());
        let unique: HashSet<_> = a.iter().map(|x| x.trade_no.as_str()).collect();
        assert_eq!(unique.len(), 300);
        assert!(a
            .iter()
            .all(|x| payout::TradeNo::new(x.trade_no.as_str()).is_ok()));
        let small = plan(60).unwrap();
        let kinds: HashSet<_> = small.iter().map(|x| x.kind).collect();
        assert!(kinds.len() >= 6, "{kinds:?}");
    }

    #[test]
    fn suffixes_mean_what_the_kind_expects() {
        use payout_sim::{Fault, Scenario};
        assert_eq!(Scenario::from_trade_no("PO-1_FAIL").final_status, "00029");
        assert_eq!(Scenario::from_trade_no("PO-1_PROC").final_status, "0015");
        assert_eq!(
            Scenario::from_trade_no("PO-1_SLOW").create_fault,
            Some(Fault::Slow)
        );
        assert!(Scenario::from_trade_no("PO-1_DUP").duplicate_callback);
        assert!(Scenario::from_trade_no("PO-1_LATE").late_processing_callback);
        assert!(Kind::Late.ended_as_planned(true, JournalState::Reversed));
        assert!(Kind::Processing.ended_as_planned(false, JournalState::Pending));
        assert!(!Kind::Processing.ended_as_planned(false, JournalState::Failed));
    }
}
