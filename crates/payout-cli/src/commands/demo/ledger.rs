//! The verdict: whether the simulator's ledgers equal what the journal
//! holds ([`reconcile`]), and whether every trade number was placed exactly
//! once ([`placements`]), in exact decimals.

use std::collections::HashMap;

use payout::{Balance, Decimal};
use payout_journal::{JournalState, PayoutRecord};
use payout_sim::xendit::XenditEndpoint;
use payout_sim::{Endpoint, SimHandle, TEST_MERCHANT_NO};

use super::plan::Planned;
use super::run::Lane;
use super::samples::SAMPLES;

/// Whether each trade number was placed exactly once.
#[derive(Debug, Default)]
pub struct Placements {
    /// Platform trade numbers with exactly one create request.
    pub platform_once: usize,
    /// Platform trade numbers checked.
    pub platform: usize,
    /// Xendit references with exactly one payout.
    pub xendit_once: usize,
    /// Xendit references checked.
    pub xendit: usize,
    /// Xendit create requests in all (idempotent retries included).
    pub xendit_requests: u64,
}

impl Placements {
    /// Every trade number placed exactly once.
    pub fn ok(&self) -> bool {
        self.platform_once == self.platform && self.xendit_once == self.xendit
    }
}

/// Available and (where the provider has it) frozen amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// Money that can be paid out.
    pub available: Decimal,
    /// Money held by payouts in flight.
    pub frozen: Option<Decimal>,
}

/// One lane's balance reconciliation.
#[derive(Debug)]
pub struct Row {
    /// The lane's currency.
    pub currency: String,
    /// Opening balance, through the SDK.
    pub opening: Pair,
    /// Sum of succeeded amounts.
    pub paid: Decimal,
    /// Sum of amounts still in flight (held by the provider).
    pub held: Decimal,
    /// Payouts whose outcome the journal does not know.
    pub unresolved: usize,
    /// What the ledger must show.
    pub expected: Pair,
    /// What the simulator's ledger shows.
    pub ledger: Option<Pair>,
    /// What `balance()` reports at the end.
    pub reported: Pair,
}

impl Row {
    /// Whether the ledger equals the journal's view and `balance()` the ledger.
    pub fn ok(&self) -> bool {
        self.unresolved == 0
            && self.ledger == Some(self.expected)
            && Some(self.reported) == self.ledger
    }
}

/// One lane's reconciliation: from the journal's final states, the balance
/// the simulator's ledger must show, and whether `balance()` reports it.
/// Platform: `available = opening - paid - held`, `frozen = opening + held`.
/// Xendit (debited at create, credited back when failed, cancelled or
/// reversed; no frozen amount): `available = opening - paid - held`.
pub fn reconcile<'a>(
    sim: &SimHandle,
    lane: &Lane,
    opening: &Balance,
    closing: &Balance,
    planned: impl Iterator<Item = &'a Planned>,
    rows: &HashMap<String, PayoutRecord>,
) -> Row {
    let (mut paid, mut held, mut unresolved) = (Decimal::ZERO, Decimal::ZERO, 0);
    for p in planned {
        match rows.get(&p.trade_no).map(|r| r.state) {
            Some(JournalState::Succeeded) => paid += p.amount,
            Some(JournalState::Accepted | JournalState::Pending) => held += p.amount,
            Some(s) if s.is_final() => {}
            _ => unresolved += 1,
        }
    }
    let s = lane.sample;
    let pair = |b: &Balance| Pair {
        available: b.available,
        frozen: b.frozen,
    };
    let ledger = if s.is_xendit() {
        Some(Pair {
            available: sim.xendit_balance(None, closing.currency.as_str()),
            frozen: None,
        })
    } else {
        sim.ledger(s.provider, s.region, TEST_MERCHANT_NO)
            .map(|b| Pair {
                available: b.available,
                frozen: Some(b.frozen),
            })
    };
    Row {
        currency: opening.currency.as_str().to_owned(),
        opening: pair(opening),
        paid,
        held,
        unresolved,
        expected: Pair {
            available: opening.available - paid - held,
            frozen: opening.frozen.map(|f| f + held),
        },
        ledger,
        reported: pair(closing),
    }
}

/// Counts, per planned trade number, the simulator's placements: one
/// create request per platform trade number (the platform is never sent a
/// create twice), one payout per Xendit reference (its creates may be
/// retried with the same idempotency key).
pub fn placements(sim: &SimHandle, plan: &[Planned]) -> Placements {
    let mut out = Placements::default();
    for p in plan {
        if SAMPLES[p.lane].is_xendit() {
            out.xendit += 1;
            out.xendit_once += usize::from(sim.xendit_payout_count(&p.trade_no) == 1);
            out.xendit_requests +=
                u64::from(sim.xendit_request_count(&p.trade_no, XenditEndpoint::Create));
        } else {
            out.platform += 1;
            out.platform_once += usize::from(sim.request_count(&p.trade_no, Endpoint::Create) == 1);
        }
    }
    out
}
