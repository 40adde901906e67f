//! Create, query and wait through the facade, for both providers and
//! regions of every response variant.

use std::time::Duration;

use payout::{Error, PayoutProviderExt, PayoutState, WaitOptions, WaitOutcome};
use payout_sim::Lifecycle;

use crate::common::*;

const LANES: [(&str, &str); 5] = [
    ("paypro", "indonesia"), // variant A
    ("paypro", "brazil"),    // signature in a header
    ("paypro", "kenya"),     // unsigned callbacks, its own paths
    ("vexora", "nigeria"),   // variant B
    ("vexora", "australia"), // variant C: numbers with 4 decimals
];

#[tokio::test]
async fn query_reports_each_state_with_the_exact_amount() {
    let sim = start(config()).await;
    for (brand, region) in LANES {
        let p = provider(&sim, brand, region);
        for (suffix, want) in [
            ("", PayoutState::Succeeded),
            ("_FAIL", PayoutState::Failed),
            ("_UNDOC", PayoutState::Unknown),
            ("_PROC", PayoutState::Processing),
        ] {
            let t = format!("E2E-{brand}-{region}{suffix}");
            let o = order(brand, region, &t, None);
            let created = p.create_payout(&o).await.expect("accepted");
            assert_eq!(created.state, PayoutState::Processing, "{t}");
            assert!(created.platform_trade_no.is_some(), "{t}");
            let q = p.query_payout(&trade_no(&t)).await.expect("answered");
            assert_eq!(q.state, want, "{t}");
            assert_eq!(q.trade_no.as_str(), t);
            let amount = q.amount.or(q.requested_amount).expect("an amount");
            assert_eq!(amount, o.amount, "{t}: exact amount");
            if want == PayoutState::Succeeded {
                assert!(q.success_time.is_some(), "{t}: successTime");
            }
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_trade_number_is_detected_never_not_placed_and_an_unknown_one_not_found() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "indonesia");
    let o = order("vexora", "indonesia", "E2E-DUP-1", None);
    let first = p.create_payout(&o).await.expect("first create accepted");
    // The platform refuses the second create (8000 duplicate tradeNo); the
    // SDK asks for the trade number before answering, so the caller learns
    // that a payout exists (never "rejected, not placed").
    match p.create_payout(&o).await {
        Err(Error::Duplicate { trade_no, existing }) => {
            assert_eq!(trade_no, o.trade_no);
            assert_eq!(existing.trade_no, o.trade_no);
            assert_eq!(existing.platform_trade_no, first.platform_trade_no);
        }
        other => panic!("second create: {other:?}"),
    }
    match p.query_payout(&trade_no("E2E-NEVER")).await {
        Err(Error::Rejected { msg, .. }) => assert!(msg.contains("not found"), "{msg}"),
        other => panic!("{other:?}"),
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn wait_until_final_and_processing_is_never_failed() {
    let sim = start(config().lifecycle(Lifecycle::on_query(3))).await;
    for (brand, region) in [("paypro", "pakistan"), ("vexora", "south-korea")] {
        let p = provider(&sim, brand, region);
        for t in [
            format!("E2E-W1-{brand}"),
            format!("E2E-W2-{brand}_FAIL"),
            format!("E2E-W3-{brand}_PROC"),
        ] {
            p.create_payout(&order(brand, region, &t, None))
                .await
                .expect("accepted");
            let options = WaitOptions::new(Duration::from_millis(600))
                .intervals(Duration::from_millis(10), Duration::from_millis(50));
            let outcome = p
                .wait_until_final(&trade_no(&t), options)
                .await
                .expect("no error");
            match outcome {
                WaitOutcome::Final(s) => {
                    assert!(!t.ends_with("_PROC"), "{t} final: {s:?}");
                    let want = if t.ends_with("_FAIL") {
                        PayoutState::Failed
                    } else {
                        PayoutState::Succeeded
                    };
                    assert_eq!(s.state, want, "{t}");
                }
                WaitOutcome::DeadlineReached { last, queries, .. } => {
                    assert!(
                        t.ends_with("_PROC"),
                        "{t} not final after {queries} queries"
                    );
                    assert_eq!(last.map(|s| s.state), Some(PayoutState::Processing), "{t}");
                    assert!(queries >= 3, "{t}: {queries}");
                }
                other => panic!("{t}: {other:?}"),
            }
        }
    }
    sim.shutdown().await;
}
