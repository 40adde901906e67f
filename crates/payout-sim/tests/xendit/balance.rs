//! The ledger: debit at create, credit back on FAILED, CANCELLED and
//! REVERSED; insufficient balance asynchronous or synchronous; the balance
//! endpoint.

use payout_core::Decimal;

use crate::common::*;

#[tokio::test]
async fn debit_and_credit_follow_the_payouts() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    assert_eq!(c.balance("IDR").await, "1000000000");
    assert_eq!(c.balance("PHP").await, "10000000");
    c.create(
        "B-OK",
        &order("B-OK", "ID_BCA", "IDR", "100000", "000000000099"),
    )
    .await;
    c.create(
        "B-FAIL",
        &order("B-FAIL", "ID_BCA", "IDR", "30000", "999999"),
    )
    .await;
    c.create(
        "B-REV_REVERSE",
        &order("B-REV_REVERSE", "ID_BCA", "IDR", "20000", "1"),
    )
    .await;
    c.create(
        "B-PHP",
        &order("B-PHP", "PH_GCASH", "PHP", "12.34", "09171234567"),
    )
    .await;
    // All debited at create.
    assert_eq!(c.balance("IDR").await, "999850000");
    assert_eq!(c.balance("PHP").await, "9999987.66");
    idle(&sim).await;
    // Failed and reversed credited back; succeeded stays paid.
    assert_eq!(c.balance("IDR").await, "999900000");
    assert_eq!(c.balance("PHP").await, "9999987.66");
    assert_eq!(sim.xendit_balance(None, "IDR"), Decimal::from(999_900_000));
    // The ledger agrees with the payouts held.
    let paid: Decimal = sim
        .xendit_payouts()
        .iter()
        .filter(|p| p.currency == "IDR" && p.status == payout_sim::xendit::XenditStatus::Succeeded)
        .map(|p| p.amount)
        .sum();
    assert_eq!(
        sim.xendit_balance(None, "IDR") + paid,
        Decimal::from(1_000_000_000)
    );
}

#[tokio::test]
async fn insufficient_balance_fails_later_by_default() {
    let sim = start(xendit().balance("IDR", Decimal::from(15_000))).await;
    let c = Client::new(&sim);
    let a = c.create("IB-1", &idr("IB-1")).await;
    assert_eq!(a.json["status"], "ACCEPTED");
    assert_eq!(c.balance("IDR").await, "5000");
    let b = c.create("IB-2", &idr("IB-2")).await;
    assert_eq!(
        (b.status, b.json["status"].as_str()),
        (200, Some("ACCEPTED"))
    );
    assert_eq!(c.balance("IDR").await, "5000", "not covered: not debited");
    idle(&sim).await;
    let b = c.get(b.json["id"].as_str().unwrap()).await;
    assert_eq!(b.json["status"], "FAILED");
    assert_eq!(b.json["failure_code"], "INSUFFICIENT_BALANCE");
    assert_eq!(c.balance("IDR").await, "5000", "nothing to credit back");
}

#[tokio::test]
async fn insufficient_balance_can_be_refused_at_once() {
    let sim = start(
        xendit()
            .balance("IDR", Decimal::from(15_000))
            .synchronous_insufficient_balance(true),
    )
    .await;
    let c = Client::new(&sim);
    assert_eq!(c.create("IS-1", &idr("IS-1")).await.status, 200);
    let b = c.create("IS-2", &idr("IS-2")).await;
    assert_eq!((b.status, b.code()), (400, "INSUFFICIENT_BALANCE"));
    assert!(b.json["message"].as_str().unwrap().contains("5000"));
    assert_eq!(sim.xendit_payout_count("IS-2"), 0);
    assert_eq!(sim.xendit_footprint().idempotency_keys, 1);
}

#[tokio::test]
async fn balance_endpoint_parameters() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let get = |q: &'static str| {
        let c = c.clone();
        async move {
            c.send(reqwest::Method::GET, &format!("/balance{q}"), None, None)
                .await
        }
    };
    let a = get("").await;
    assert_eq!(
        a.json["balance"].to_string(),
        "1000000000",
        "CASH in IDR by default"
    );
    assert_eq!(get("?currency=USD").await.json["balance"].to_string(), "0");
    assert_eq!(
        get("?account_type=HOLDING&currency=IDR").await.json["balance"].to_string(),
        "0"
    );
    assert_eq!(get("?currency=XYZ").await.code(), "API_VALIDATION_ERROR");
    assert_eq!(
        get("?account_type=SAVINGS").await.code(),
        "API_VALIDATION_ERROR"
    );
    let t = get("?currency=IDR&at_timestamp=2024-01-01T00%3A00%3A00Z").await;
    assert_eq!((t.status, t.code()), (400, "FEATURE_NOT_AVAILABLE"));
}
