//! The scenarios, one module per topic, and the per-region driver.
//!
//! Each scenario is written against `Arc<dyn PayoutProvider>` and a
//! [`SimFamily`], and returns `Ok(())` or `Err(what was expected and what
//! happened)`. One that needs an operation the provider does not declare,
//! a create de-duplication it does not have, or a behaviour the family's
//! simulator cannot play is skipped, saying why.

mod balance;
mod callbacks;
mod cancel;
mod faults;
mod lifecycle;
mod query;
mod rejections;
mod resolve;
mod reversal;
mod support;
mod validation;

use std::future::Future;

use payout_core::{Capabilities, CreateDedup, Operation};

use crate::family::{FaultKind, Script, SimFamily};
use crate::report::{Outcome, Report};

pub(crate) use support::check;

/// What a scenario needs to run.
struct Needs {
    /// Operations the region must declare.
    ops: &'static [Operation],
    /// Behaviours the family's simulator must play.
    scripts: &'static [Script],
    /// The create de-duplication the provider must declare, if any.
    dedup: Option<CreateDedup>,
}

impl Needs {
    const fn ops(ops: &'static [Operation]) -> Self {
        Self {
            ops,
            scripts: &[],
            dedup: None,
        }
    }

    const fn scripts(mut self, scripts: &'static [Script]) -> Self {
        self.scripts = scripts;
        self
    }

    const fn dedup(mut self, dedup: CreateDedup) -> Self {
        self.dedup = Some(dedup);
        self
    }

    /// Why the scenario cannot run, if it cannot.
    fn missing(&self, f: &dyn SimFamily, caps: &Capabilities, region: &str) -> Option<String> {
        if let Some(op) = self.ops.iter().find(|op| !caps.supports(region, **op)) {
            return Some(format!("{op} not declared"));
        }
        if let Some(s) = self.scripts.iter().find(|s| !f.can(**s)) {
            return Some(format!(
                "the simulator's {} cannot play {s:?}",
                f.provider_id()
            ));
        }
        match self.dedup {
            Some(d) if caps.create_dedup != d => Some(format!(
                "create de-duplication {:?} declared, not {d:?}",
                caps.create_dedup
            )),
            _ => None,
        }
    }
}

/// Every scenario: name, needs, body.
macro_rules! scenarios {
    ($f:expr, $region:expr, $report:expr, $caps:expr; $($name:literal, $needs:expr => $body:path;)*) => {
        $(run_one($f, $region, &mut $report, $caps, $name, &$needs, $body($f, $region)).await;)*
    };
}

/// Runs every scenario for one region, in order.
pub async fn run_region(f: &dyn SimFamily, region: &str) -> Report {
    use Operation::{Balance, Callback, CancelPayout, CreatePayout, QueryPayout};
    let mut report = Report::default();
    let id = f.provider_id();
    let caps = match f.provider(region) {
        Ok(p) => p.capabilities(),
        Err(e) => {
            report.record(id, region, "build provider", Outcome::Failed(e));
            return report;
        }
    };
    if caps.region(region).is_none() {
        report.record(
            id,
            region,
            "declared",
            Outcome::Failed(format!("{region} is not in the capabilities")),
        );
        return report;
    }
    const Q: Needs = Needs::ops(&[QueryPayout, CreatePayout]);
    const C: Needs = Needs::ops(&[CreatePayout]);
    const CB: Needs = Needs::ops(&[CreatePayout, Callback]);
    scenarios!(f, region, report, &caps;
        "query each state", Q => query::each_state;
        "status read exactly", Q => query::read_exactly;
        "create -> callback -> final", CB => lifecycle::callback_to_final;
        "outcome unknown resolved by query", Q.scripts(&[Script::Fault(FaultKind::Slow)]) => lifecycle::outcome_unknown_then_query;
        "wait until final", Q.scripts(&[Script::Fail, Script::StayProcessing]) => lifecycle::wait_until_final;
        "validation before sending", C => validation::rules_checked_before_sending;
        "rejections", Q => rejections::rejected;
        "duplicate create", Q => rejections::duplicate_create;
        "query faults", Needs::ops(&[QueryPayout]) => faults::query_faults;
        "create faults", Q => faults::create_faults;
        "keyed create retried", Q.scripts(&[Script::Fault(FaultKind::ServerError)]).dedup(CreateDedup::IdempotencyKey) => resolve::keyed_create_retried;
        "resolve_unknown after a dropped connection", Q.scripts(&[Script::Fault(FaultKind::Drop)]) => resolve::after_dropped_connection;
        "cancel", Needs::ops(&[CreatePayout, QueryPayout, CancelPayout]).scripts(&[Script::Cancellable]) => cancel::cancel;
        "reversed after succeeded", Q.scripts(&[Script::Reverse]) => reversal::reversed_after_succeeded;
        "callback tampering", CB => callbacks::tampering;
        "duplicate and late callbacks", CB.scripts(&[Script::DuplicateCallback]) => callbacks::duplicate_and_late;
        "balance matches the ledger", Needs::ops(&[Balance, CreatePayout]).scripts(&[Script::StayProcessing]) => balance::matches_ledger;
    );
    report
}

async fn run_one(
    f: &dyn SimFamily,
    region: &str,
    report: &mut Report,
    caps: &Capabilities,
    name: &'static str,
    needs: &Needs,
    body: impl Future<Output = Result<(), String>>,
) {
    let id = f.provider_id();
    if let Some(why) = needs.missing(f, caps, region) {
        report.record(id, region, name, Outcome::Skipped(why));
        return;
    }
    let outcome = match body.await {
        Ok(()) => Outcome::Passed,
        Err(e) => Outcome::Failed(e),
    };
    report.record(id, region, name, outcome);
}
