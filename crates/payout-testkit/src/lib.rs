//! # payout-testkit
//!
//! The conformance suite: **one** set of scenarios that every provider runs
//! against the simulator (`payout-sim`), whatever its protocol. The
//! scenarios ([`scenarios`]) are written against `Arc<dyn PayoutProvider>`
//! and a [`SimFamily`], the small trait that says, once per protocol
//! family, how to make the simulator play a scenario (a trade-number
//! suffix, a magic account number), build a provider, read the ledger,
//! count requests and receive callbacks. The simulator's two families are
//! here: [`PlatformFamily`] (the PayPro/Vexora white-label platform, any
//! [`Brand`]) and [`XenditFamily`] (Xendit Payouts v2, providers from a
//! [`Factory`]). Scenarios run only what the provider declares
//! (operations, callback signing, create de-duplication) and what the
//! family's simulator can play; the rest is reported skipped.
//!
//! ```no_run
//! # async fn t() {
//! # static BRAND: &payout_platform::Brand = &payout_platform::Brand {
//! #     id: "x", name: "X", regions: &[], scheme: payout_platform::Scheme::Md5Sorted };
//! // A brand of the white-label platform, inside a #[tokio::test]:
//! payout_testkit::conformance(BRAND, &["indonesia", "nigeria"]).await.assert_passed();
//! # }
//! ```
//!
//! ```no_run
//! use std::sync::Arc;
//! # mod provider_xendit {
//! #     pub fn provider(_: &payout_core::ProviderSettings, _: payout_transport::HttpTransport)
//! #         -> Result<std::sync::Arc<dyn payout_core::PayoutProvider>, payout_core::Error> {
//! #         Err(payout_core::Error::config("stands in for the provider-xendit crate"))
//! #     }
//! # }
//! # async fn t() {
//! // A provider of another protocol family, from its factory:
//! let report = payout_testkit::xendit_conformance(
//!     |settings, transport| Ok(provider_xendit::provider(settings, transport)?),
//!     &["indonesia", "philippines"],
//! )
//! .await;
//! report.assert_passed();
//! # }
//! ```
//!
//! Scenarios (see [`scenarios`]): every query state, a succeeded payout
//! read exactly, create → verified callback → final, unknown outcomes
//! resolved by query and by `resolve_unknown`, a keyed create repeated
//! under its key, validation before sending, rejections (wrong secret,
//! refused create, unknown trade number), duplicate creates, every
//! transport and protocol fault, cancel, reversal, callback tampering,
//! duplicate and late callbacks, and balance against the simulator's
//! ledger.
//!
//! [`platform`] holds the white-label platform's shared checks (request
//! snapshots, validation rules, callback vectors) that every brand runs.
//! With the feature `postgres`, `postgres::ScratchDatabase` is a
//! throw-away database on a real PostgreSQL server, for the journal's tests
//! and benchmarks.

mod families;
mod family;
mod harness;
pub mod platform;
#[cfg(feature = "postgres")]
pub mod postgres;
mod receiver;
mod report;
pub mod scenarios;

pub use families::platform::PlatformFamily;
pub use families::xendit::XenditFamily;
pub use family::{Call, Factory, FaultKind, Ledger, Script, SimFamily};
pub use harness::{Harness, ATTEMPTS, CLIENT_TIMEOUT, HUGE_BODY_BYTES, PATIENCE, SLOW_DELAY};
pub use receiver::Received;
pub use report::{Outcome, Report};

use payout_platform::Brand;

/// Runs the whole suite for `brand` of the white-label platform in
/// `regions` against a fresh simulator serving that brand
/// ([`PlatformFamily`]), and returns the report.
///
/// # Panics
/// Never; failures are in the report ([`Report::assert_passed`] panics
/// with all of them).
pub async fn conformance(brand: &'static Brand, regions: &[&str]) -> Report {
    match PlatformFamily::start(brand).await {
        Ok(family) => run(family, regions).await,
        Err(e) => failed_start(brand.id, e),
    }
}

/// Runs the whole suite for the Xendit provider that `factory` builds in
/// `regions`, against fresh simulators ([`XenditFamily`]), and returns the
/// report.
///
/// # Panics
/// Never; failures are in the report.
pub async fn xendit_conformance(factory: Factory, regions: &[&str]) -> Report {
    match XenditFamily::start(factory, regions).await {
        Ok(family) => run(family, regions).await,
        Err(e) => failed_start("xendit", e),
    }
}

/// Runs every scenario for `regions` of `family`'s provider and returns
/// the report; the family (its simulators) is shut down at the end.
/// Regions run concurrently; scenarios within a region one after the
/// other.
pub async fn run(family: impl SimFamily, regions: &[&str]) -> Report {
    let runs = regions
        .iter()
        .map(|region| scenarios::run_region(&family, region));
    let mut report = Report::default();
    for part in futures::future::join_all(runs).await {
        report.merge(part);
    }
    drop(family);
    report
}

fn failed_start(provider: &str, why: String) -> Report {
    let mut r = Report::default();
    r.record(provider, "-", "start", Outcome::Failed(why));
    r
}
