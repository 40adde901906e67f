//! The shared conformance suite against the simulator.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance() {
    let report = payout_testkit::conformance(
        &provider_paypro::BRAND,
        &["indonesia", "pakistan", "brazil", "kenya", "mexico"],
    )
    .await;
    report.assert_passed();
}
