//! Authentication as the platform does it: every failure is an outer 8000
//! with a message, HTTP 200.

use payout_core::{Error, PayoutProvider, PayoutState};

use crate::common::*;

fn rejected_msg(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Err(Error::Rejected { code, msg, .. }) => {
            assert_eq!(code, "8000");
            msg
        }
        other => panic!("expected an 8000 rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_secret_is_a_sign_error() {
    let sim = start(config()).await;
    let bad = provider_with(
        &sim,
        "paypro",
        "indonesia",
        TEST_MERCHANT_NO,
        "not-the-secret",
    );
    let msg = rejected_msg(bad.query_payout(&trade_no("A1")).await);
    assert!(msg.contains("sign"), "{msg}");
    let msg = rejected_msg(bad.balance().await);
    assert!(msg.contains("sign"), "{msg}");
    let msg = rejected_msg(
        bad.create_payout(&order("indonesia", "A1", "100000", Some(NOWHERE)))
            .await,
    );
    assert!(msg.contains("sign"), "{msg}");
    assert!(
        sim.payout("A1").is_none(),
        "a badly signed create places nothing"
    );
    // Refused before authentication: not counted, nothing stored.
    assert_eq!(sim.request_count("A1", payout_sim::Endpoint::Create), 0);
    assert_eq!(sim.counted_trade_nos(), 0);
}

#[tokio::test]
async fn unknown_merchant_is_refused() {
    let sim = start(config()).await;
    let p = provider_with(&sim, "vexora", "nigeria", "1111111111", TEST_SECRET);
    let msg = rejected_msg(p.query_payout(&trade_no("A2")).await);
    assert!(
        msg.contains("1111111111") && msg.contains("does not exist"),
        "{msg}"
    );
}

#[tokio::test]
async fn per_merchant_secrets() {
    let other =
        payout_sim::MerchantConfig::new("2000000001", payout_core::Secret::new("other-secret"));
    let sim = start(config().add_merchant(other)).await;
    let ok = provider_with(&sim, "vexora", "nigeria", "2000000001", "other-secret");
    assert!(ok.balance().await.is_ok());
    let crossed = provider_with(&sim, "vexora", "nigeria", "2000000001", TEST_SECRET);
    assert!(rejected_msg(crossed.balance().await).contains("sign"));
}

#[tokio::test]
async fn brazil_signs_in_the_header() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "brazil");
    p.create_payout(&order("brazil", "BR1", "10.00", Some(NOWHERE)))
        .await
        .unwrap();
    assert_eq!(
        p.query_payout(&trade_no("BR1")).await.unwrap().state,
        PayoutState::Succeeded
    );
    let bad = provider_with(&sim, "paypro", "brazil", TEST_MERCHANT_NO, "wrong");
    assert!(rejected_msg(bad.query_payout(&trade_no("BR1")).await).contains("sign"));
    // A body sign does not count in Brazil.
    let (status, v) = raw_with(
        &sim,
        "paypro",
        "brazil",
        "/v1/paypro/queryPayOutResult",
        &[("timestamp", "1"), ("tradeNo", "BR1")],
        TEST_SECRET,
        payout_platform::SignPlacement::Body,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["code"], "8000");
    assert!(v["msg"].as_str().unwrap().contains("sign header"), "{v}");
}

#[tokio::test]
async fn malformed_requests_are_8000_with_a_message() {
    let sim = start(config()).await;
    let url = format!(
        "{}/v1/vexora/queryPayOutResult",
        sim.base_url("vexora", "nigeria")
    );
    let merchant = vec![("merchantNo", TEST_MERCHANT_NO.to_owned())];
    type Case<'a> = (&'a [(&'static str, String)], &'a [u8], &'a str);
    let cases: [Case; 4] = [
        (&merchant, b"{not json", "not valid JSON"),
        (&merchant, b"[1,2]", "JSON object"),
        (
            &[],
            br#"{"tradeNo":"x","timestamp":"1","sign":"00"}"#,
            "merchantNo",
        ),
        (&merchant, br#"{"tradeNo":"x","sign":"00"}"#, "timestamp"),
    ];
    for (headers, body, needle) in cases {
        let (status, v) = post(&url, headers, body.to_vec()).await;
        assert_eq!(status, 200);
        assert_eq!(v["code"], "8000", "{v}");
        assert!(v["msg"].as_str().unwrap().contains(needle), "{needle}: {v}");
        assert_eq!(v["success"], false);
    }
    // Missing tradeNo, correctly signed.
    let (_, v) = raw(
        &sim,
        "vexora",
        "nigeria",
        "/v1/vexora/queryPayOutResult",
        &[("timestamp", "1")],
        TEST_SECRET,
    )
    .await;
    assert_eq!(v["msg"], "missing required field tradeNo");
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let sim = start(config()).await;
    let (status, _) = post(
        &format!("{}/nowhere/v1/paypro/queryBalance", sim.url()),
        &[],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, 404);
    // Every served region answers its balance endpoint.
    for r in sim.regions() {
        let brand = if r.brand == "paypro" {
            &provider_paypro::BRAND
        } else {
            &provider_vexora::BRAND
        };
        let region = brand.region(r.region).unwrap();
        let p = provider(&sim, r.brand, r.region);
        let b = p.balance().await;
        assert!(b.is_ok(), "{} {}: {b:?}", r.brand, r.region);
        assert!(r.base_url.ends_with(region.segment.unwrap_or(region.id)));
    }
}

/// Requests refused before they are authenticated with a valid trade
/// number (no `merchantNo`, a bad signature, a trade number over 32
/// characters) store nothing, however large: the counters do not grow.
#[tokio::test]
async fn refused_requests_store_nothing() {
    let sim = start(config()).await;
    let base = sim.base_url("vexora", "nigeria");
    let query = "/v1/vexora/queryPayOutResult";
    let create = "/v1/vexora/disbursements";
    let big = "T".repeat(256 * 1024);
    for i in 0..16 {
        let t = format!("{big}{i}");
        let unsigned = serde_json::json!({"tradeNo": t, "timestamp": "1", "sign": "00"});
        let (_, v) = post(
            &format!("{base}{query}"),
            &[],
            serde_json::to_vec(&unsigned).unwrap(),
        )
        .await;
        assert_eq!(v["code"], "8000", "{v}");
        for path in [query, create] {
            let fields = [
                ("amount", "100"),
                ("timestamp", "1"),
                ("tradeNo", t.as_str()),
            ];
            let (_, v) = raw(&sim, "vexora", "nigeria", path, &fields, "not-the-secret").await;
            assert!(v["msg"].as_str().unwrap().contains("sign"), "{v}");
            let (_, v) = raw(&sim, "vexora", "nigeria", path, &fields, TEST_SECRET).await;
            assert!(v["msg"].as_str().unwrap().contains("at most 32"), "{v}");
        }
    }
    assert_eq!(
        sim.counted_trade_nos(),
        0,
        "refused requests stored counters"
    );
    // An authenticated query of a valid trade number is counted.
    let (_, v) = raw(
        &sim,
        "vexora",
        "nigeria",
        query,
        &[("timestamp", "1"), ("tradeNo", "COUNTED1")],
        TEST_SECRET,
    )
    .await;
    assert_eq!(v["msg"], "order not found", "{v}");
    assert_eq!(sim.counted_trade_nos(), 1);
    assert_eq!(
        sim.request_count("COUNTED1", payout_sim::Endpoint::Query),
        1
    );
}
