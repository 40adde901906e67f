//! Xendit: the same conformance suite, through the simulator's Xendit
//! family, for both of its regions.

use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance() {
    let report = payout_testkit::xendit_conformance(
        |settings, transport| Ok(Arc::new(provider_xendit::provider(settings, transport)?)),
        &["indonesia", "philippines"],
    )
    .await;
    report.assert_passed();
    // Xendit declares everything the suite checks.
    assert!(report.skipped().is_empty(), "{report}");
}
