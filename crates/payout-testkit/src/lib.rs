//! # payout-testkit
//!
//! The conformance suite every provider crate runs against the simulator.
//! One call runs every scenario for the regions given, gated on the
//! capabilities the provider declares:
//!
//! ```no_run
//! # async fn t() {
//! # static BRAND: &payout_platform::Brand = &payout_platform::Brand {
//! #     id: "x", name: "X", regions: &[], scheme: payout_platform::Scheme::Md5Sorted };
//! // in crates/provider-<name>/tests/conformance.rs, inside a #[tokio::test]:
//! payout_testkit::conformance(BRAND, &["indonesia", "nigeria"]).await.assert_passed();
//! # }
//! ```
//!
//! Scenarios (see [`scenarios`]): every query state, the region's response
//! variant, create → signed callback → final, create outcome unknown →
//! resolved by query, validation before sending, rejections, every
//! transport and protocol fault, callback tampering, duplicates and late
//! callbacks, and balance against the simulator's ledger.

mod harness;
pub mod platform;
mod receiver;
mod report;
pub mod scenarios;

pub use harness::{Harness, CLIENT_TIMEOUT, PATIENCE, SLOW_DELAY};
pub use report::{Outcome, Report};

use payout_platform::Brand;

/// Runs the whole suite for `brand` in `regions` against a fresh simulator
/// serving that brand, and returns the report. Regions run concurrently;
/// scenarios within a region run one after the other.
///
/// # Panics
/// Never; failures are in the report ([`Report::assert_passed`] panics
/// with all of them).
pub async fn conformance(brand: &'static Brand, regions: &[&str]) -> Report {
    let harness = match Harness::start(brand).await {
        Ok(h) => h,
        Err(e) => {
            let mut r = Report::default();
            r.record(brand.id, "-", "start", Outcome::Failed(e));
            return r;
        }
    };
    let runs = regions
        .iter()
        .map(|region| scenarios::run_region(&harness, region));
    let mut report = Report::default();
    for part in futures::future::join_all(runs).await {
        report.merge(part);
    }
    harness.shutdown().await;
    report
}
