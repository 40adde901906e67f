//! The ledger: per region, each merchant's balances and payouts, plus the
//! per-trade-number request counters. One mutex per region (a shard), held
//! only for in-memory work, never across an `.await`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono_tz::Tz;
use payout_core::{Currency, Decimal, PayoutState};
use payout_platform::status_code::{state_of, PROCESSING};

use crate::config::MerchantConfig;
use crate::routes::{Endpoint, Routes};
use crate::scenario::Scenario;

/// A merchant's balances in one region.
///
/// Creating a payout moves its amount from `available` to `frozen`; success
/// removes it from `frozen` (paid out); failure moves it back to
/// `available`; an undocumented final status leaves it frozen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Balances {
    /// Money that can be paid out.
    pub available: Decimal,
    /// Money held by payouts in flight.
    pub frozen: Decimal,
    /// Same-day collections (never changed by payouts).
    pub unsettled: Decimal,
}

/// One payout as the simulator holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutSnapshot {
    /// The merchant's trade number.
    pub trade_no: String,
    /// The simulator's own number for it.
    pub platform_trade_no: String,
    /// Brand id.
    pub brand: &'static str,
    /// Region id.
    pub region: &'static str,
    /// The merchant's number.
    pub merchant_no: String,
    /// The status code the platform currently reports.
    pub status: String,
    /// The SDK's reading of `status`.
    pub state: PayoutState,
    /// The amount.
    pub amount: Decimal,
    /// The region's currency.
    pub currency: Currency,
}

/// A payout in the ledger.
#[derive(Debug)]
pub(crate) struct Payout {
    pub platform_trade_no: String,
    pub amount: Decimal,
    pub notify_url: Option<String>,
    pub remark: Option<String>,
    pub scenario: Scenario,
    pub status: Cow<'static, str>,
    /// Local time of the last status change (`yyyy-MM-dd HH:mm:ss`).
    pub status_time: String,
    pub queries: u32,
    pub settled: bool,
}

/// One merchant in one region.
#[derive(Debug, Default)]
pub(crate) struct Account {
    pub balances: Balances,
    pub payouts: HashMap<String, Payout>,
}

/// Why a payout could not be placed.
#[derive(Debug)]
pub(crate) enum PlaceError {
    Duplicate,
    Insufficient { available: Decimal },
}

impl Account {
    /// Freezes the amount and records the payout.
    pub(crate) fn place(&mut self, trade_no: &str, payout: Payout) -> Result<(), PlaceError> {
        if self.payouts.contains_key(trade_no) {
            return Err(PlaceError::Duplicate);
        }
        if self.balances.available < payout.amount {
            return Err(PlaceError::Insufficient {
                available: self.balances.available,
            });
        }
        self.balances.available -= payout.amount;
        self.balances.frozen += payout.amount;
        self.payouts.insert(trade_no.to_owned(), payout);
        Ok(())
    }
}

/// Moves a payout to its scenario's final status and settles the money.
/// Returns whether anything changed (false when already settled or when the
/// scenario keeps it processing).
pub(crate) fn settle(p: &mut Payout, balances: &mut Balances, zone: Tz) -> bool {
    if p.settled || p.scenario.final_status == PROCESSING {
        return false;
    }
    p.status = p.scenario.final_status.clone();
    match state_of(&p.status) {
        PayoutState::Succeeded => balances.frozen -= p.amount,
        PayoutState::Failed => {
            balances.frozen -= p.amount;
            balances.available += p.amount;
        }
        _ => {}
    }
    p.settled = true;
    p.status_time = local_now(zone);
    true
}

/// `amount` written with exactly `places` decimals. Never drops a digit:
/// the stored amounts passed the region's scale check, and the places
/// asked for are at least the region's.
pub(crate) fn amount_text(amount: Decimal, places: u32) -> String {
    let mut a = amount;
    a.rescale(places);
    a.to_string()
}

/// The `message` sent with a status code.
pub(crate) fn status_message(code: &str) -> &'static str {
    match code {
        "0000" => "success",
        "0015" => "processing",
        "00029" => "REJECTED_TRANSACTION",
        _ => payout_platform::status_code::STATUS_TABLE
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or("undocumented status (simulated)", |(_, m, _)| m),
    }
}

/// The current local time in `zone`, as `successTime` is written.
pub(crate) fn local_now(zone: Tz) -> String {
    chrono::Utc::now()
        .with_timezone(&zone)
        .format(payout_core::LocalTime::FORMAT)
        .to_string()
}

/// One region: every merchant's account and the request counters.
///
/// Counters are kept only for authenticated requests naming a valid trade
/// number (at most 32 characters): refused traffic stores nothing.
#[derive(Debug)]
pub(crate) struct Shard {
    pub accounts: Vec<Account>,
    counts: HashMap<String, [u32; 2]>,
}

impl Shard {
    /// Counts a request about `trade_no` and returns how many there were
    /// (this one included).
    pub(crate) fn count(&mut self, trade_no: &str, endpoint: Endpoint) -> u32 {
        let i = match endpoint {
            Endpoint::Query => 0,
            Endpoint::Create => 1,
            Endpoint::Balance => return 0,
        };
        let slot = match self.counts.get_mut(trade_no) {
            Some(c) => c,
            None => self.counts.entry(trade_no.to_owned()).or_default(),
        };
        slot[i] = slot[i].saturating_add(1);
        slot[i]
    }

    /// How many trade numbers have counters.
    pub(crate) fn counted_trade_nos(&self) -> usize {
        self.counts.len()
    }

    /// How many requests about `trade_no` reached `endpoint`.
    pub(crate) fn count_of(&self, trade_no: &str, endpoint: Endpoint) -> u32 {
        if endpoint == Endpoint::Balance {
            return 0;
        }
        self.counts.get(trade_no).map_or(0, |c| c[endpoint.index()])
    }
}

/// Every region's shard.
#[derive(Debug)]
pub(crate) struct Ledger {
    shards: Vec<Mutex<Shard>>,
}

impl Ledger {
    /// Opens every merchant's account in every region.
    pub(crate) fn new(routes: &Routes, merchants: &[MerchantConfig]) -> Self {
        let shards = routes
            .regions
            .iter()
            .map(|ctx| {
                let accounts = merchants
                    .iter()
                    .map(|m| Account {
                        balances: Balances {
                            available: m.opening_balance(ctx.brand.id, ctx.region.id),
                            frozen: Decimal::ZERO,
                            unsettled: m.unsettled,
                        },
                        payouts: HashMap::new(),
                    })
                    .collect();
                Mutex::new(Shard {
                    accounts,
                    counts: HashMap::new(),
                })
            })
            .collect();
        Self { shards }
    }

    /// Locks a region. A panic elsewhere never poisons the simulator.
    pub(crate) fn shard(&self, region: usize) -> MutexGuard<'_, Shard> {
        self.shards[region]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Every region index.
    pub(crate) fn regions(&self) -> std::ops::Range<usize> {
        0..self.shards.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payout(amount: i64, scenario: Scenario) -> Payout {
        Payout {
            platform_trade_no: "P1".into(),
            amount: Decimal::from(amount),
            notify_url: None,
            remark: None,
            scenario,
            status: Cow::Borrowed(PROCESSING),
            status_time: String::new(),
            queries: 0,
            settled: false,
        }
    }

    fn account(available: i64) -> Account {
        Account {
            balances: Balances {
                available: Decimal::from(available),
                ..Balances::default()
            },
            payouts: HashMap::new(),
        }
    }

    #[test]
    fn freeze_then_debit() {
        let mut a = account(100);
        a.place("T", payout(30, Scenario::succeed())).unwrap();
        assert_eq!(a.balances.available, Decimal::from(70));
        assert_eq!(a.balances.frozen, Decimal::from(30));
        let Account { balances, payouts } = &mut a;
        let p = payouts.get_mut("T").unwrap();
        assert!(settle(p, balances, chrono_tz::UTC));
        assert!(!settle(p, balances, chrono_tz::UTC), "settles once");
        assert_eq!(a.balances.frozen, Decimal::ZERO);
        assert_eq!(a.balances.available, Decimal::from(70));
    }

    #[test]
    fn failure_releases_and_unknown_holds() {
        let mut a = account(100);
        a.place("F", payout(30, Scenario::fail())).unwrap();
        a.place("U", payout(20, Scenario::status("0099"))).unwrap();
        a.place("P", payout(10, Scenario::stay_processing()))
            .unwrap();
        let Account { balances, payouts } = &mut a;
        for t in ["F", "U"] {
            assert!(settle(
                payouts.get_mut(t).unwrap(),
                balances,
                chrono_tz::UTC
            ));
        }
        assert!(!settle(
            payouts.get_mut("P").unwrap(),
            balances,
            chrono_tz::UTC
        ));
        assert_eq!(a.balances.available, Decimal::from(70));
        assert_eq!(a.balances.frozen, Decimal::from(30));
    }

    #[test]
    fn duplicate_and_insufficient() {
        let mut a = account(50);
        a.place("T", payout(30, Scenario::succeed())).unwrap();
        assert!(matches!(
            a.place("T", payout(1, Scenario::succeed())),
            Err(PlaceError::Duplicate)
        ));
        assert!(matches!(
            a.place("U", payout(21, Scenario::succeed())),
            Err(PlaceError::Insufficient { .. })
        ));
        assert_eq!(a.balances.available, Decimal::from(20));
    }
}
