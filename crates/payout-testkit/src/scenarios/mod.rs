//! The scenarios, one module per topic, and the per-region driver.
//!
//! Each scenario returns `Ok(())`, or `Err(what was expected and what
//! happened)`; one that needs an undeclared capability is skipped.

mod balance;
mod callbacks;
mod faults;
mod lifecycle;
mod query;
mod rejections;
mod validation;

use std::future::Future;

use payout_core::Operation;

use crate::harness::Harness;
use crate::report::{Outcome, Report};

/// What a scenario needs declared to run.
type Needs = &'static [Operation];

/// Every scenario: name, needed operations, body.
macro_rules! scenarios {
    ($h:expr, $region:expr, $report:expr, $caps:expr; $($name:literal, $needs:expr => $f:path;)*) => {
        $(run_one($h, $region, &mut $report, $caps, $name, $needs, $f($h, $region)).await;)*
    };
}

/// Runs every scenario for one region, in order.
pub async fn run_region(h: &Harness, region: &str) -> Report {
    let mut report = Report::default();
    let caps = match h.provider(region) {
        Ok(p) => p.capabilities(),
        Err(e) => {
            report.record(h.brand.id, region, "build provider", Outcome::Failed(e));
            return report;
        }
    };
    if caps.region(region).is_none() {
        report.record(
            h.brand.id,
            region,
            "declared",
            Outcome::Failed(format!("{region} is not in the capabilities")),
        );
        return report;
    }
    const Q: Needs = &[Operation::QueryPayout, Operation::CreatePayout];
    const C: Needs = &[Operation::CreatePayout];
    const CB: Needs = &[Operation::CreatePayout, Operation::Callback];
    const B: Needs = &[Operation::Balance, Operation::CreatePayout];
    scenarios!(h, region, report, &caps;
        "query each state", Q => query::each_state;
        "response variant", Q => query::response_variant;
        "create -> callback -> final", CB => lifecycle::callback_to_final;
        "outcome unknown resolved by query", Q => lifecycle::outcome_unknown_then_query;
        "wait until final", Q => lifecycle::wait_until_final;
        "validation before sending", C => validation::rules_checked_before_sending;
        "rejections", Q => rejections::rejected;
        "query faults", &[Operation::QueryPayout] => faults::query_faults;
        "create faults", C => faults::create_faults;
        "callback tampering", CB => callbacks::tampering;
        "duplicate and late callbacks", CB => callbacks::duplicate_and_late;
        "balance matches the ledger", B => balance::matches_ledger;
    );
    report
}

async fn run_one(
    h: &Harness,
    region: &str,
    report: &mut Report,
    caps: &payout_core::Capabilities,
    name: &'static str,
    needs: Needs,
    body: impl Future<Output = Result<(), String>>,
) {
    if let Some(missing) = needs.iter().find(|op| !caps.supports(region, **op)) {
        report.record(
            h.brand.id,
            region,
            name,
            Outcome::Skipped(format!("{missing} not declared")),
        );
        return;
    }
    let outcome = match body.await {
        Ok(()) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    };
    report.record(h.brand.id, region, name, outcome);
}

/// `Err(message)` unless `cond`.
pub(crate) fn check(cond: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(message())
    }
}
