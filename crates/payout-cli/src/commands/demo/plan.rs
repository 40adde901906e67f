//! Which payouts the demo makes: for each, a provider and region (a lane),
//! what it is meant to do ([`Kind`]), its trade number and amount.
//! Deterministic: the same `--count` always gives the same batch.

use payout::{Decimal, PayoutState};
use payout_sim::{Fault, FaultScope, Scenario};

use super::orders::SAMPLES;

/// What a payout is meant to do, chosen by its trade-number suffix (and, for
/// [`Kind::CrossCheck`], a scenario registered with the simulator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Succeeds; a signed callback says so.
    Succeed,
    /// Fails (`_FAIL`): the frozen amount is released.
    Fail,
    /// Succeeds; the callback is delivered twice (`_DUP`).
    Duplicate,
    /// Succeeds; a `0015` callback follows the final one (`_LATE`).
    Late,
    /// Stays processing forever (`_PROC`): reported open, never failed.
    Processing,
    /// Ends in a status no table lists (`_UNDOC`): reported unknown.
    Undocumented,
    /// The create answer comes after the client gave up (`_SLOW`): outcome
    /// unknown, resolved by a query.
    SlowCreate,
    /// The create is answered by a 502 page (`_502`): outcome unknown,
    /// resolved by a query.
    GatewayCreate,
    /// Succeeds; the platform double-checks it by query and the first query
    /// hits a 502 (a transient fault the transport retries).
    CrossCheck,
}

impl Kind {
    /// The trade-number suffix the simulator reads.
    pub fn suffix(self) -> &'static str {
        match self {
            Kind::Succeed | Kind::CrossCheck => "",
            Kind::Fail => "_FAIL",
            Kind::Duplicate => "_DUP",
            Kind::Late => "_LATE",
            Kind::Processing => "_PROC",
            Kind::Undocumented => "_UNDOC",
            Kind::SlowCreate => "_SLOW",
            Kind::GatewayCreate => "_502",
        }
    }

    /// The state the SDK should report at the end.
    pub fn expected(self) -> PayoutState {
        match self {
            Kind::Fail => PayoutState::Failed,
            Kind::Processing => PayoutState::Processing,
            Kind::Undocumented => PayoutState::Unknown,
            _ => PayoutState::Succeeded,
        }
    }

    /// A scenario to register with the simulator, beyond the suffix.
    pub fn registered_scenario(self) -> Option<Scenario> {
        (self == Kind::CrossCheck)
            .then(|| Scenario::succeed().query_fault(Fault::BadGateway, FaultScope::First(1)))
    }
}

/// The mix, in percent (sums to 100): mostly successes, some bound to
/// fail, to stay open, or to hit faults.
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
    /// Its trade number (at most 32 characters).
    pub trade_no: String,
    /// Its amount in the lane's currency.
    pub amount: Decimal,
}

/// The kind at position `p` (0..100) of the mix.
fn kind_at(p: u32) -> Kind {
    let mut acc = 0;
    for (kind, weight) in MIX {
        acc += weight;
        if p < acc {
            return kind;
        }
    }
    Kind::Succeed
}

/// `count` payouts, round-robin over the lanes; each lane's payouts step
/// through the mix with a stride coprime to 100, so every 100 payouts of a
/// lane follow the mix exactly.
///
/// # Errors
/// When a sample amount does not parse (see [`super::orders::Sample::amount`]).
pub fn plan(count: u32) -> Result<Vec<Planned>, String> {
    let lanes = SAMPLES.len();
    (0..count)
        .map(|i| {
            let n = usize::try_from(i).map_err(|e| e.to_string())?;
            let lane = n % lanes;
            // Each lane steps through the whole mix on its own (37 is
            // coprime to 100), from its own starting point.
            let round = u32::try_from(n / lanes).map_err(|e| e.to_string())?;
            let offset = u32::try_from(lane).map_err(|e| e.to_string())?;
            let kind = kind_at((round % 100 * 37 + offset * 13) % 100);
            Ok(Planned {
                lane,
                kind,
                trade_no: format!("PO-{i:06}{}", kind.suffix()),
                amount: SAMPLES[lane].amount(n / lanes)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lane_follows_the_mix() {
        assert_eq!(MIX.iter().map(|(_, w)| w).sum::<u32>(), 100);
        let lanes = SAMPLES.len();
        let p = plan(u32::try_from(100 * lanes).unwrap()).unwrap();
        for lane in 0..lanes {
            for (kind, weight) in MIX {
                let n = p
                    .iter()
                    .filter(|x| x.lane == lane && x.kind == kind)
                    .count();
                assert_eq!(n, usize::try_from(weight).unwrap(), "lane {lane} {kind:?}");
            }
        }
    }

    #[test]
    fn a_small_batch_still_mixes_kinds_in_every_lane() {
        let p = plan(60).unwrap();
        for lane in 0..SAMPLES.len() {
            let kinds: std::collections::HashSet<_> = p
                .iter()
                .filter(|x| x.lane == lane)
                .map(|x| x.kind)
                .collect();
            assert!(kinds.len() >= 2, "lane {lane}: {kinds:?}");
        }
        let all: std::collections::HashSet<_> = p.iter().map(|x| x.kind).collect();
        assert!(all.len() >= 6, "{all:?}");
    }

    #[test]
    fn deterministic_unique_and_valid_trade_numbers() {
        let a = plan(300).unwrap();
        assert_eq!(a, plan(300).unwrap());
        let mut t: Vec<_> = a.iter().map(|x| x.trade_no.clone()).collect();
        t.sort();
        t.dedup();
        assert_eq!(t.len(), 300);
        for x in &a {
            assert!(
                payout::TradeNo::new(x.trade_no.as_str()).is_ok(),
                "{}",
                x.trade_no
            );
            let scenario = x
                .kind
                .registered_scenario()
                .unwrap_or_else(|| Scenario::from_trade_no(&x.trade_no));
            let state = match scenario.final_status.as_ref() {
                "0000" => PayoutState::Succeeded,
                "00029" => PayoutState::Failed,
                "0015" => PayoutState::Processing,
                _ => PayoutState::Unknown,
            };
            assert_eq!(state, x.kind.expected(), "{}", x.trade_no);
        }
        let lanes: std::collections::HashSet<_> = a.iter().map(|x| x.lane).collect();
        assert_eq!(lanes.len(), SAMPLES.len());
    }

    #[test]
    fn suffixes_mean_what_the_kind_expects() {
        assert_eq!(Scenario::from_trade_no("PO-1_FAIL").final_status, "00029");
        assert_eq!(Scenario::from_trade_no("PO-1_PROC").final_status, "0015");
        assert_eq!(
            Scenario::from_trade_no("PO-1_SLOW").create_fault,
            Some(Fault::Slow)
        );
        assert_eq!(
            Scenario::from_trade_no("PO-1_502").create_fault,
            Some(Fault::BadGateway)
        );
        assert!(Scenario::from_trade_no("PO-1_DUP").duplicate_callback);
        assert!(Scenario::from_trade_no("PO-1_LATE").late_processing_callback);
    }
}
