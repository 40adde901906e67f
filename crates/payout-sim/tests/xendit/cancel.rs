//! Cancel: only from `ACCEPTED`; refused otherwise; 404 for an unknown id.

use std::time::Duration;

use crate::common::*;

#[tokio::test]
async fn cancel_accepted_refuse_the_rest() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let a = c
        .create("CX-1", &order("CX-1", "ID_BCA", "IDR", "25000", "131313"))
        .await;
    let id = a.json["id"].as_str().unwrap().to_owned();
    assert_eq!(c.balance("IDR").await, "999975000");
    let x = c.cancel(&id).await;
    assert_eq!(x.status, 200, "{x:?}");
    assert_eq!(x.json["status"], "CANCELLED");
    assert_eq!(x.json["id"], id.as_str());
    assert_eq!(c.balance("IDR").await, "1000000000", "credited back");
    assert_eq!(c.get(&id).await.json["status"], "CANCELLED");
    // Twice: refused, and not credited twice.
    let again = c.cancel(&id).await;
    assert_eq!(
        (again.status, again.code()),
        (400, "CANCELLATION_NOT_ALLOWED")
    );
    assert!(again.json["message"]
        .as_str()
        .unwrap()
        .contains("CANCELLED"));
    assert_eq!(c.balance("IDR").await, "1000000000");
    // A replay of the create answers the cancelled payout.
    let replay = c
        .create("CX-1", &order("CX-1", "ID_BCA", "IDR", "25000", "131313"))
        .await;
    assert_eq!(replay.json["status"], "CANCELLED");

    // A succeeded payout cannot be cancelled.
    let s = c.create("CX-2", &idr("CX-2")).await;
    let sid = s.json["id"].as_str().unwrap().to_owned();
    idle(&sim).await;
    let r = c.cancel(&sid).await;
    assert_eq!((r.status, r.code()), (400, "CANCELLATION_NOT_ALLOWED"));
    assert!(r.json["message"].as_str().unwrap().contains("SUCCEEDED"));

    let unknown = c.cancel("disb-unknown").await;
    assert_eq!((unknown.status, unknown.code()), (404, "DATA_NOT_FOUND"));
}

#[tokio::test]
async fn a_requested_payout_cannot_be_cancelled_and_a_cancelled_one_never_moves() {
    let sim = start(
        xendit().lifecycle(
            fast()
                .requested_after(Some(Duration::ZERO))
                .final_after(None),
        ),
    )
    .await;
    let c = Client::new(&sim);
    let a = c.create("CR-1", &idr("CR-1")).await;
    let id = a.json["id"].as_str().unwrap().to_owned();
    idle(&sim).await;
    let r = c.cancel(&id).await;
    assert_eq!((r.status, r.code()), (400, "CANCELLATION_NOT_ALLOWED"));
    assert!(r.json["message"].as_str().unwrap().contains("REQUESTED"));

    // Cancelled before its timer fires: the timer leaves it alone.
    let sim = start(xendit().lifecycle(fast().requested_after(Some(Duration::from_secs(1))))).await;
    let c = Client::new(&sim);
    let a = c.create("CR-2", &idr("CR-2")).await;
    let id = a.json["id"].as_str().unwrap().to_owned();
    assert_eq!(c.cancel(&id).await.status, 200);
    idle(&sim).await;
    assert_eq!(c.get(&id).await.json["status"], "CANCELLED");
    assert_eq!(c.balance("IDR").await, "1000000000");
}
