//! The lifecycle: `ACCEPTED → REQUESTED → final`, the outcome chosen by the
//! documented test account numbers, failures asynchronous.

use std::time::Duration;

use payout_sim::xendit::XenditStatus;

use crate::common::*;

#[tokio::test]
async fn every_magic_account_number() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let cases = [
        ("000000000099", "SUCCEEDED", None),
        ("131313", "ACCEPTED", None),
        ("98018521", "FAILED", Some("TRANSFER_ERROR")),
        ("123456", "FAILED", Some("TEMPORARY_TRANSFER_ERROR")),
        ("999999", "FAILED", Some("REJECTED_BY_CHANNEL")),
        ("121212", "FAILED", Some("INVALID_DESTINATION")),
    ];
    let mut ids = Vec::new();
    for (account, _, _) in cases {
        let r = format!("MAGIC-{account}");
        let a = c
            .create(&r, &order(&r, "ID_BCA", "IDR", "10000", account))
            .await;
        // Failures are asynchronous: every create is accepted.
        assert_eq!(
            (a.status, a.json["status"].as_str()),
            (200, Some("ACCEPTED")),
            "{a:?}"
        );
        ids.push(a.json["id"].as_str().unwrap().to_owned());
    }
    // Also on an e-wallet in the Philippines.
    let a = c
        .create(
            "MAGIC-PH",
            &order("MAGIC-PH", "PH_GCASH", "PHP", "1.11", "123456"),
        )
        .await;
    let ph = a.json["id"].as_str().unwrap().to_owned();
    idle(&sim).await;
    for ((account, status, failure), id) in cases.iter().zip(&ids) {
        let a = c.get(id).await;
        assert_eq!(a.json["status"], *status, "{account}");
        assert_eq!(a.json["failure_code"].as_str(), *failure, "{account}");
    }
    let a = c.get(&ph).await;
    assert_eq!(a.json["failure_code"], "TEMPORARY_TRANSFER_ERROR");
    // 131313 stays ACCEPTED with no timer pending.
    assert_eq!(sim.pending_work(), 0);
    let held = sim.xendit_payout(&ids[1]).unwrap();
    assert_eq!(held.status, XenditStatus::Accepted);
    let failed = sim.xendit_payout(&ids[2]).unwrap();
    assert_eq!(failed.failure_code, Some("TRANSFER_ERROR"));
}

#[tokio::test]
async fn requested_in_between_and_updated_moves() {
    // Held at REQUESTED: requested at once, never final.
    let sim = start(
        xendit().lifecycle(
            fast()
                .requested_after(Some(Duration::ZERO))
                .final_after(None),
        ),
    )
    .await;
    let c = Client::new(&sim);
    let a = c.create("L-1", &idr("L-1")).await;
    let id = a.json["id"].as_str().unwrap().to_owned();
    idle(&sim).await;
    let b = c.get(&id).await;
    assert_eq!(b.json["status"], "REQUESTED");
    assert_eq!(b.json["created"], a.json["created"]);
    assert!(b.json["updated"].as_str() >= a.json["updated"].as_str());

    // Without timers at all, a payout stays ACCEPTED.
    let sim = start(xendit().lifecycle(fast().requested_after(None))).await;
    let c = Client::new(&sim);
    let a = c.create("L-2", &idr("L-2")).await;
    idle(&sim).await;
    assert_eq!(
        c.get(a.json["id"].as_str().unwrap()).await.json["status"],
        "ACCEPTED"
    );
}
