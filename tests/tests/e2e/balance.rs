//! The merchant's balance through the facade equals the simulator's
//! ledger, and follows each payout exactly: create freezes, success
//! debits, failure releases, processing and unknown stay frozen.

use payout::{parse_amount, Decimal, Error};
use payout_sim::MerchantConfig;

use crate::common::*;

fn d(s: &str) -> Decimal {
    parse_amount(s).expect("amount")
}

#[tokio::test]
async fn balance_follows_every_payout_exactly() {
    let sim = start(config().merchant(MerchantConfig::test_pair().balance(d("1000000.00")))).await;
    for (brand, region, amounts) in [
        (
            "vexora",
            "nigeria",
            ["1500.25", "20000.50", "333.33", "0.01"],
        ),
        ("paypro", "indonesia", ["15000", "20000", "30000", "10000"]),
    ] {
        let p = provider(&sim, brand, region);
        let opening = p.balance().await.expect("balance");
        assert_eq!(opening.available, d("1000000"));
        assert_eq!(opening.frozen, Some(Decimal::ZERO));
        let suffixes = ["", "_FAIL", "_PROC", "_UNDOC"];
        for (suffix, amount) in suffixes.iter().zip(amounts) {
            if region == "indonesia" || amount != "0.01" {
                let t = format!("E2E-BAL-{brand}{suffix}");
                let mut o = order(brand, region, &t, None);
                o.amount = d(amount);
                p.create_payout(&o).await.expect("accepted");
                p.query_payout(&trade_no(&t)).await.expect("answered");
            }
        }
        let paid = d(amounts[0]);
        let held = d(amounts[2])
            + if region == "indonesia" {
                d(amounts[3])
            } else {
                Decimal::ZERO
            };
        let b = p.balance().await.expect("balance");
        assert_eq!(b.available, d("1000000") - paid - held, "{brand} {region}");
        assert_eq!(b.frozen, Some(held), "{brand} {region}");
        let ledger = sim.ledger(brand, region, TEST_MERCHANT_NO).expect("ledger");
        assert_eq!(
            (b.available, b.frozen, b.unsettled),
            (
                ledger.available,
                Some(ledger.frozen),
                Some(ledger.unsettled)
            )
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn an_order_above_the_balance_is_rejected_and_changes_nothing() {
    let sim = start(config().merchant(MerchantConfig::test_pair().balance(d("50000")))).await;
    let p = provider(&sim, "paypro", "indonesia");
    let mut o = order("paypro", "indonesia", "E2E-BAL-BIG", None);
    o.amount = d("50001");
    match p.create_payout(&o).await {
        Err(Error::Rejected { msg, .. }) => assert!(msg.contains("insufficient"), "{msg}"),
        other => panic!("{other:?}"),
    }
    let b = p.balance().await.expect("balance");
    assert_eq!((b.available, b.frozen), (d("50000"), Some(Decimal::ZERO)));
    sim.shutdown().await;
}
