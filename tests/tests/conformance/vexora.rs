//! Vexora: the conformance suite for five of its regions.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance() {
    let report = payout_testkit::conformance(
        &provider_vexora::BRAND,
        &["indonesia", "nigeria", "brazil", "south-korea", "australia"],
    )
    .await;
    report.assert_passed();
    // The platform has no cancel, no reversals and no idempotency key.
    assert_eq!(
        report.skipped(),
        ["cancel", "keyed create retried", "reversed after succeeded"],
        "{report}"
    );
}
