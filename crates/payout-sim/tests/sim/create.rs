//! Creates and the ledger: freeze, debit, release, duplicates, balance
//! checks, the platform's own field checks.

use payout_core::{parse_amount, Decimal, Error, PayoutProvider, PayoutState};
use payout_sim::{Balances, MerchantConfig};

use crate::common::*;

fn d(s: &str) -> Decimal {
    parse_amount(s).unwrap()
}

fn balances(sim: &payout_sim::SimHandle) -> Balances {
    sim.ledger("paypro", "indonesia", TEST_MERCHANT_NO).unwrap()
}

#[tokio::test]
async fn freeze_debit_release() {
    let merchant = MerchantConfig::test_pair().region_balance("paypro", "indonesia", d("1000000"));
    let sim = start(config().merchant(merchant)).await;
    let p = provider(&sim, "paypro", "indonesia");
    assert_eq!(balances(&sim).available, d("1000000"));

    p.create_payout(&order("indonesia", "OK1", "100000", Some(NOWHERE)))
        .await
        .unwrap();
    let b = balances(&sim);
    assert_eq!((b.available, b.frozen), (d("900000"), d("100000")));
    let seen = p.balance().await.unwrap();
    assert_eq!(
        (seen.available, seen.frozen),
        (d("900000"), Some(d("100000")))
    );

    assert_eq!(
        p.query_payout(&trade_no("OK1")).await.unwrap().state,
        PayoutState::Succeeded
    );
    let b = balances(&sim);
    assert_eq!(
        (b.available, b.frozen),
        (d("900000"), d("0")),
        "success debits"
    );

    p.create_payout(&order("indonesia", "KO1_FAIL", "50000", Some(NOWHERE)))
        .await
        .unwrap();
    assert_eq!(balances(&sim).available, d("850000"));
    assert_eq!(
        p.query_payout(&trade_no("KO1_FAIL")).await.unwrap().state,
        PayoutState::Failed
    );
    let b = balances(&sim);
    assert_eq!(
        (b.available, b.frozen),
        (d("900000"), d("0")),
        "failure releases"
    );

    p.create_payout(&order("indonesia", "UN1_UNDOC", "20000", Some(NOWHERE)))
        .await
        .unwrap();
    assert_eq!(
        p.query_payout(&trade_no("UN1_UNDOC")).await.unwrap().state,
        PayoutState::Unknown
    );
    let b = balances(&sim);
    assert_eq!(
        (b.available, b.frozen),
        (d("880000"), d("20000")),
        "unknown stays frozen"
    );

    let snapshot = sim.payouts();
    assert_eq!(snapshot.len(), 3);
    let ok = snapshot.iter().find(|s| s.trade_no == "OK1").unwrap();
    assert_eq!(
        (ok.brand, ok.region, ok.state),
        ("paypro", "indonesia", PayoutState::Succeeded)
    );
    assert_eq!(ok.amount, d("100000"));
    // Other regions are untouched.
    let other = sim.ledger("vexora", "indonesia", TEST_MERCHANT_NO).unwrap();
    assert_eq!(other.frozen, Decimal::ZERO);
}

#[tokio::test]
async fn duplicate_trade_number_is_refused_and_reported_as_a_duplicate() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    let o = order("nigeria", "DUP1", "25.00", Some(NOWHERE));
    p.create_payout(&o).await.unwrap();
    let before = sim.ledger("vexora", "nigeria", TEST_MERCHANT_NO).unwrap();
    // The simulator answers `8000 duplicate tradeNo`; the SDK then queries
    // the trade number and reports the existing payout.
    match p.create_payout(&o).await {
        Err(Error::Duplicate { existing, .. }) => {
            assert_eq!(existing.trade_no, o.trade_no);
        }
        other => panic!("expected a duplicate, got {other:?}"),
    }
    // The query may have moved the first payout on (frozen -> debited);
    // nothing more was taken from the balance.
    let after = sim.ledger("vexora", "nigeria", TEST_MERCHANT_NO).unwrap();
    assert_eq!(after.available, before.available);
    assert_eq!(sim.request_count("DUP1", payout_sim::Endpoint::Create), 2);
    assert_eq!(sim.request_count("DUP1", payout_sim::Endpoint::Query), 1);
}

#[tokio::test]
async fn insufficient_balance_is_rejected() {
    let merchant = MerchantConfig::test_pair().balance(d("100"));
    let sim = start(config().merchant(merchant)).await;
    let p = provider(&sim, "vexora", "nigeria");
    match p
        .create_payout(&order("nigeria", "BIG1", "100.01", Some(NOWHERE)))
        .await
    {
        Err(Error::Rejected { code, msg, .. }) => {
            assert_eq!(code, "8000");
            assert!(msg.contains("insufficient balance"), "{msg}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(sim.payout("BIG1").is_none());
    p.create_payout(&order("nigeria", "FIT1", "100.00", Some(NOWHERE)))
        .await
        .unwrap();
    assert_eq!(
        sim.ledger("vexora", "nigeria", TEST_MERCHANT_NO)
            .unwrap()
            .available,
        Decimal::ZERO
    );
}

#[tokio::test]
async fn the_platform_checks_fields_itself() {
    let sim = start(config()).await;
    let path = "/v1/paypro/payOut";
    let base = [
        ("tradeNo", "RAW1"),
        ("timestamp", "1"),
        ("bankCode", "0002"),
        ("bankAccountNo", "1234"),
        ("customerName", "k"),
        ("mobile", "081234567890"),
        ("email", "k@example.com"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f = base.to_vec();
        f.extend_from_slice(extra);
        f
    };
    let cases: [(Vec<(&str, &str)>, &str); 4] = [
        (
            with(&[("amount", "100000")]),
            "missing required field notifyUrl",
        ),
        (
            with(&[("amount", "99"), ("notifyUrl", NOWHERE)]),
            "at least 10000",
        ),
        (
            with(&[("amount", "100000.5"), ("notifyUrl", NOWHERE)]),
            "decimal places",
        ),
        (
            with(&[("notifyUrl", NOWHERE)]),
            "missing required field amount",
        ),
    ];
    for (fields, needle) in cases {
        let (_, v) = raw(&sim, "paypro", "indonesia", path, &fields, TEST_SECRET).await;
        assert_eq!(v["code"], "8000");
        assert!(v["msg"].as_str().unwrap().contains(needle), "{needle}: {v}");
    }
    assert!(sim.payouts().is_empty());
    let (_, v) = raw(
        &sim,
        "paypro",
        "indonesia",
        path,
        &with(&[("amount", "100000"), ("notifyUrl", NOWHERE)]),
        TEST_SECRET,
    )
    .await;
    assert_eq!(v["code"], "0000", "{v}");
    assert_eq!(v["data"]["status"], "0015");
}

#[tokio::test]
async fn kenya_answers_a_serial_number() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "kenya");
    let s = p
        .create_payout(&order("kenya", "KE1", "100", None))
        .await
        .unwrap();
    let held = sim.payout("KE1").unwrap();
    assert_eq!(
        s.platform_trade_no.as_deref(),
        Some(held.platform_trade_no.as_str())
    );
}
