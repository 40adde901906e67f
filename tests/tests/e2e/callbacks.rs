//! create → signed callback → final, through the SDK's receiver
//! (`payout::axum_handler::callback_router`), for both providers; an
//! unsigned (Kenya) callback is confirmed by a query; re-deliveries and a
//! late `0015` are recognised with `decide_update`.

use std::time::Duration;

use payout::{decide_update, ApplyDecision, PayoutProvider, PayoutState};
use payout_sim::{CallbackConfig, DeliveryKind, Lifecycle};

use crate::common::*;

fn callback_config() -> payout_sim::SimConfig {
    config()
        .lifecycle(
            Lifecycle::default()
                .after(Some(Duration::from_millis(20)))
                .after_queries(None),
        )
        .callbacks(CallbackConfig::default().time_divisor(1000))
}

#[tokio::test]
async fn callbacks_make_payouts_final_for_both_providers() {
    let sim = start(callback_config()).await;
    let lanes = [
        ("paypro", "nigeria"),
        ("paypro", "brazil"),
        ("paypro", "mexico"),
        ("paypro", "kenya"),
        ("vexora", "indonesia"),
        ("vexora", "south-korea"),
        ("vexora", "kenya"),
    ];
    let providers: Vec<(&str, &str, std::sync::Arc<dyn PayoutProvider>)> = lanes
        .iter()
        .map(|(b, r)| (*b, *r, provider(&sim, b, r)))
        .collect();
    let (base, mut streams) = receiver(&providers).await;
    for (i, (brand, region, p)) in providers.iter().enumerate() {
        for (suffix, want) in [("", PayoutState::Succeeded), ("_FAIL", PayoutState::Failed)] {
            let t = format!("E2E-CB-{brand}-{region}{suffix}");
            let url = format!("{base}/{brand}-{region}");
            let o = order(brand, region, &t, Some(&url));
            p.create_payout(&o).await.expect("accepted");
            let update = next(&mut streams[i]).await;
            assert_eq!(update.status.trade_no.as_str(), t);
            assert_eq!(update.status.state, want, "{t}");
            let amount = update.status.amount.or(update.status.requested_amount);
            assert_eq!(amount, Some(o.amount), "{t}: exact amount");
            if *region == "kenya" {
                // Unsigned: the handler confirmed it by a query.
                assert!(update.sent_at_ms.is_none(), "{t}");
                assert!(
                    sim.request_count(&t, payout_sim::Endpoint::Query) >= 1,
                    "{t}"
                );
            } else {
                assert!(update.sent_at_ms.is_some(), "{t}");
            }
        }
    }
    tokio::time::timeout(Duration::from_secs(20), sim.wait_idle())
        .await
        .expect("deliveries end");
    let deliveries = sim.deliveries();
    assert_eq!(deliveries.len(), lanes.len() * 2);
    assert!(
        deliveries.iter().all(|d| d.acked && d.attempts == 1),
        "{deliveries:?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn duplicates_and_late_processing_callbacks_are_recognised() {
    let sim = start(callback_config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    let (base, mut streams) = receiver(&[("vexora", "nigeria", p.clone())]).await;
    let url = format!("{base}/vexora-nigeria");
    let rx = &mut streams[0];

    p.create_payout(&order("vexora", "nigeria", "E2E-CB-1_DUP", Some(&url)))
        .await
        .expect("accepted");
    let first = next(rx).await;
    let second = next(rx).await;
    assert_eq!(first, second, "the same callback twice");
    assert_eq!(
        decide_update(None, first.status.state),
        ApplyDecision::Apply
    );
    assert_eq!(
        decide_update(Some(first.status.state), second.status.state),
        ApplyDecision::Duplicate
    );

    p.create_payout(&order(
        "vexora",
        "nigeria",
        "E2E-CB-2_FAIL_LATE",
        Some(&url),
    ))
    .await
    .expect("accepted");
    let fin = next(rx).await;
    let late = next(rx).await;
    assert_eq!(fin.status.state, PayoutState::Failed);
    assert_eq!(late.status.state, PayoutState::Processing);
    assert_eq!(
        decide_update(Some(fin.status.state), late.status.state),
        ApplyDecision::KeepFinal
    );
    tokio::time::timeout(Duration::from_secs(20), sim.wait_idle())
        .await
        .expect("deliveries end");
    let kinds: Vec<_> = sim
        .deliveries_for("E2E-CB-2_FAIL_LATE")
        .iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(kinds, [DeliveryKind::Final, DeliveryKind::LateProcessing]);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_refused_callback_is_redelivered_until_acknowledged() {
    // Verified with the wrong secret: the handler refuses, the simulator
    // retries on the (scaled) schedule; nothing reaches the sink.
    let sim = start(callback_config()).await;
    let p = provider(&sim, "paypro", "nigeria");
    let mut wrong = payout::Config::new("paypro");
    wrong.region = "nigeria".into();
    wrong.base_url = sim.base_url("paypro", "nigeria");
    wrong.merchant_no = TEST_MERCHANT_NO.into();
    wrong.secret = Some(payout::Secret::new("not-the-secret"));
    let verifier = payout::build(&wrong).expect("builds");
    let (base, mut streams) = receiver(&[("paypro", "nigeria", verifier)]).await;
    let t = "E2E-CB-REFUSED";
    p.create_payout(&order(
        "paypro",
        "nigeria",
        t,
        Some(&format!("{base}/paypro-nigeria")),
    ))
    .await
    .expect("accepted");
    let guard = tokio::time::Instant::now() + Duration::from_secs(20);
    while sim.deliveries_for(t).first().map_or(0, |d| d.attempts) < 3 {
        assert!(tokio::time::Instant::now() < guard, "no re-delivery");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let d = &sim.deliveries_for(t)[0];
    assert!(!d.acked, "{d:?}");
    assert!(
        streams[0].try_recv().is_err(),
        "a forged callback reached the sink"
    );
    sim.shutdown().await;
}
