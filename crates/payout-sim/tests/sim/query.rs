//! Query answers: every state, every response variant, the envelope drift.

use payout_core::{parse_amount, Error, PayoutProvider, PayoutState};
use payout_sim::Endpoint;

use crate::common::*;

#[tokio::test]
async fn each_state_reads_back_through_the_sdk() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "indonesia");
    let cases = [
        ("S1", PayoutState::Succeeded, "0000"),
        ("S2_FAIL", PayoutState::Failed, "00029"),
        ("S3_PROC", PayoutState::Processing, "0015"),
        ("S4_UNDOC", PayoutState::Unknown, "0099"),
        ("S5_LIMIT", PayoutState::Failed, "0100019"),
    ];
    for (t, state, code) in cases {
        let created = p
            .create_payout(&order("indonesia", t, "100000", Some(NOWHERE)))
            .await
            .unwrap();
        assert_eq!(created.state, PayoutState::Processing, "{t}");
        assert_eq!(created.provider_status, "0015");
        assert!(created.platform_trade_no.is_some());
        let s = p.query_payout(&trade_no(t)).await.unwrap();
        assert_eq!((s.state, &*s.provider_status), (state, code), "{t}");
        assert_eq!(
            s.success_time.is_some(),
            state == PayoutState::Succeeded,
            "{t}"
        );
        assert_eq!(sim.request_count(t, Endpoint::Query), 1);
        assert_eq!(sim.request_count(t, Endpoint::Create), 1);
    }
    // Still processing on later queries.
    let again = p.query_payout(&trade_no("S3_PROC")).await.unwrap();
    assert_eq!(again.state, PayoutState::Processing);
}

#[tokio::test]
async fn unknown_trade_number_is_order_not_found() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    match p.query_payout(&trade_no("never-created")).await {
        Err(Error::Rejected { code, msg, .. }) => {
            assert_eq!(code, "8000");
            assert_eq!(msg, "order not found");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(sim.request_count("never-created", Endpoint::Query), 1);
}

#[tokio::test]
async fn lifecycle_after_two_queries() {
    let sim = start(config().lifecycle(payout_sim::Lifecycle::on_query(2))).await;
    let p = provider(&sim, "vexora", "nigeria");
    p.create_payout(&order("nigeria", "L1", "10.50", Some(NOWHERE)))
        .await
        .unwrap();
    let first = p.query_payout(&trade_no("L1")).await.unwrap();
    assert_eq!(first.state, PayoutState::Processing);
    let second = p.query_payout(&trade_no("L1")).await.unwrap();
    assert_eq!(second.state, PayoutState::Succeeded);
}

#[tokio::test]
async fn variants_a_b_c() {
    let sim = start(config()).await;
    // A: PayPro Indonesia.
    let a = provider(&sim, "paypro", "indonesia");
    a.create_payout(&order("indonesia", "VA", "150000", Some(NOWHERE)))
        .await
        .unwrap();
    let s = a.query_payout(&trade_no("VA")).await.unwrap();
    assert_eq!(s.requested_amount, Some(parse_amount("150000").unwrap()));
    assert_eq!(s.paid_amount, Some(parse_amount("150000").unwrap()));
    assert_eq!(s.amount, None);

    // B: Vexora Nigeria, 2 decimals.
    let b = provider(&sim, "vexora", "nigeria");
    b.create_payout(&order("nigeria", "VB_PROC", "10.05", Some(NOWHERE)))
        .await
        .unwrap();
    let s = b.query_payout(&trade_no("VB_PROC")).await.unwrap();
    assert_eq!(s.amount, Some(parse_amount("10.05").unwrap()));
    assert_eq!(s.requested_amount, None);
    assert!(s.success_time.is_none());

    // C: Vexora Australia, amount a JSON number with 4 decimals,
    // successTime even while processing.
    let c = provider(&sim, "vexora", "australia");
    c.create_payout(&order("australia", "VC_PROC", "300", Some(NOWHERE)))
        .await
        .unwrap();
    let s = c.query_payout(&trade_no("VC_PROC")).await.unwrap();
    assert_eq!(s.amount.map(|a| a.to_string()), Some("300.0000".into()));
    assert!(s.success_time.is_some());
    let (_, raw) = raw(
        &sim,
        "vexora",
        "australia",
        "/v1/vexora/queryPayOutResult",
        &[("tradeNo", "VC_PROC"), ("timestamp", "1")],
        TEST_SECRET,
    )
    .await;
    assert!(raw["data"]["amount"].is_number());
    assert_eq!(raw["data"]["amount"].to_string(), "300.0000");
}

#[tokio::test]
async fn envelope_drift_is_per_region_and_the_sdk_copes() {
    let sim = start(config()).await;
    let mut seen = (false, false);
    for region in ["indonesia", "pakistan", "vietnam", "philippines"] {
        let drift = sim.drift("paypro", region).unwrap();
        let path = format!(
            "{}queryBalance",
            provider_paypro::BRAND.region(region).unwrap().paths.family
        );
        let (status, v) = raw(
            &sim,
            "paypro",
            region,
            &path,
            &[("timestamp", "1")],
            TEST_SECRET,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(v["code"], "0000", "{region}: {v}");
        assert_eq!(
            v["timestamp"].is_string(),
            drift.timestamp_as_string,
            "{region}"
        );
        assert_eq!(
            v["success"].is_string(),
            drift.success_as_string,
            "{region}"
        );
        seen.0 |= drift.timestamp_as_string;
        seen.1 |= drift.success_as_string;
        let b = provider(&sim, "paypro", region).balance().await.unwrap();
        assert!(b.available > payout_core::Decimal::ZERO);
    }
    assert!(seen.0 && seen.1, "both kinds of drift exercised");
}

#[tokio::test]
async fn balance_indonesia_uses_the_misspelt_field() {
    let sim = start(config()).await;
    let (_, v) = raw(
        &sim,
        "paypro",
        "indonesia",
        "/v1/paypro/queryBalance",
        &[("timestamp", "1")],
        TEST_SECRET,
    )
    .await;
    assert!(v["data"].get("availablAmount").is_some(), "{v}");
    assert!(v["data"].get("availableAmount").is_none());
    assert_eq!(v["data"]["freezeAmount"], "0.0000");
    let b = provider(&sim, "paypro", "indonesia")
        .balance()
        .await
        .unwrap();
    assert_eq!(b.available, parse_amount("1000000000000").unwrap());
    // Vexora Indonesia spells it right.
    let (_, v) = raw(
        &sim,
        "vexora",
        "indonesia",
        "/v1/vexora/queryBalance",
        &[("timestamp", "1")],
        TEST_SECRET,
    )
    .await;
    assert!(v["data"].get("availableAmount").is_some(), "{v}");
}
