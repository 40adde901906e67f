//! Webhooks: on SUCCEEDED, FAILED and REVERSED only, with the token and a
//! `webhook-id`, in both body forms, retried on the (scaled) schedule,
//! duplicated on request, recorded.

use payout_sim::xendit::WebhookForm;
use payout_sim::{DeliveryKind, Protocol, XENDIT_TEST_CALLBACK_TOKEN};

use crate::common::*;

#[tokio::test]
async fn observed_form_with_token_on_success_and_failure() {
    let (url, mut rx) = receiver(0).await;
    let sim = start(xendit().webhook_url(url)).await;
    let c = Client::new(&sim);
    let ok = c
        .create(
            "e1-probe",
            &order("e1-probe", "PH_GCASH", "PHP", "100", "09171234567"),
        )
        .await;
    let id = ok.json["id"].as_str().unwrap().to_owned();
    let hook = next(&mut rx).await;
    assert_eq!(hook.headers["x-callback-token"], XENDIT_TEST_CALLBACK_TOKEN);
    let webhook_id = hook.headers["webhook-id"].to_str().unwrap().to_owned();
    assert_eq!(webhook_id.len(), 36);
    let b = &hook.body;
    assert_eq!(b["event"], "payout.succeeded");
    assert_eq!(b["api_version"], "v2");
    assert_eq!(
        b["business_id"],
        payout_sim::xendit::XENDIT_TEST_BUSINESS_ID
    );
    assert!(b["created"].as_str().unwrap().ends_with('Z'));
    let d = &b["data"];
    assert_eq!(d["id"], id.as_str());
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["amount"].to_string(), "100");
    assert_eq!(d["account_number"], "09171234567");
    assert_eq!(d["account_holder_name"], "Michael Chen");
    assert_eq!(d["channel_category"], "EWALLET");
    assert_eq!(d["idempotency_key"], "e1-probe");
    assert!(d["connector_reference"]
        .as_str()
        .unwrap()
        .starts_with("SIMULATED_CONNECTOR_REFERENCE_"));
    assert!(d.get("channel_properties").is_none(), "flattened");

    c.create(
        "e1-fail",
        &order("e1-fail", "PH_GCASH", "PHP", "100", "123456"),
    )
    .await;
    let hook = next(&mut rx).await;
    assert_eq!(hook.body["event"], "payout.failed");
    assert_eq!(
        hook.body["data"]["failure_code"],
        "TEMPORARY_TRANSFER_ERROR"
    );
    assert!(hook.body["data"].get("connector_reference").is_none());
    assert_ne!(hook.headers["webhook-id"], webhook_id.as_str());

    idle(&sim).await;
    let d = sim.deliveries_for("e1-probe");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].protocol, Protocol::Xendit);
    assert_eq!(d[0].status, "SUCCEEDED");
    assert_eq!(d[0].event_id.as_deref(), Some(webhook_id.as_str()));
    assert!(d[0].acked && d[0].done && d[0].attempts == 1);
}

#[tokio::test]
async fn documented_form_nests_channel_properties() {
    let (url, mut rx) = receiver(0).await;
    let sim = start(
        xendit()
            .webhook_url(url)
            .webhook_form(WebhookForm::Documented),
    )
    .await;
    let c = Client::new(&sim);
    c.create("doc-1", &idr("doc-1")).await;
    let hook = next(&mut rx).await;
    let b = &hook.body;
    assert_eq!(b["event"], "payout.succeeded");
    assert!(b.get("api_version").is_none());
    assert_eq!(
        b["data"]["channel_properties"]["account_number"],
        "000000000099"
    );
    assert_eq!(b["data"]["reference_id"], "doc-1");
    assert_eq!(b["data"]["amount"].to_string(), "10000");
    assert!(b["data"].get("account_number").is_none());
}

#[tokio::test]
async fn refused_deliveries_are_retried_on_the_scaled_schedule() {
    let (url, mut rx) = receiver(3).await;
    let sim = start(xendit().webhook_url(url)).await;
    let c = Client::new(&sim);
    c.create("retry-1", &idr("retry-1")).await;
    let ids: Vec<String> = [
        next(&mut rx).await,
        next(&mut rx).await,
        next(&mut rx).await,
        next(&mut rx).await,
    ]
    .iter()
    .map(|h| h.headers["webhook-id"].to_str().unwrap().to_owned())
    .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "a retry keeps its webhook-id"
    );
    idle(&sim).await;
    let d = sim.deliveries_for("retry-1");
    assert_eq!((d.len(), d[0].attempts, d[0].acked), (1, 4, true));

    // A receiver that never acknowledges: 1 + 6 attempts, then given up.
    let (url, mut rx) = receiver(u32::MAX).await;
    sim.set_xendit_webhook_url(Some(url)).unwrap();
    c.create("retry-2", &idr("retry-2")).await;
    for _ in 0..7 {
        next(&mut rx).await;
    }
    idle(&sim).await;
    let d = sim.deliveries_for("retry-2");
    assert_eq!((d[0].attempts, d[0].acked, d[0].done), (7, false, true));
}

#[tokio::test]
async fn duplicates_reversals_and_no_event_on_cancel() {
    let (url, mut rx) = receiver(0).await;
    let sim = start(xendit().webhook_url(url)).await;
    let c = Client::new(&sim);
    c.create("dup-1_DUP", &idr("dup-1_DUP")).await;
    let a = next(&mut rx).await;
    let b = next(&mut rx).await;
    assert_eq!(a.body, b.body);
    assert_eq!(a.headers["webhook-id"], b.headers["webhook-id"]);
    idle(&sim).await;
    let kinds: Vec<DeliveryKind> = sim
        .deliveries_for("dup-1_DUP")
        .iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(kinds, [DeliveryKind::Final, DeliveryKind::Duplicate]);

    // Reversed by its suffix: succeeded, then reversed, two events.
    c.create("rev-1_REVERSE", &idr("rev-1_REVERSE")).await;
    assert_eq!(next(&mut rx).await.body["event"], "payout.succeeded");
    let r = next(&mut rx).await;
    assert_eq!(r.body["event"], "payout.reversed");
    assert_eq!(r.body["data"]["status"], "REVERSED");

    // Reversed by hand.
    let s = c.create("rev-2", &idr("rev-2")).await;
    let id = s.json["id"].as_str().unwrap().to_owned();
    assert_eq!(next(&mut rx).await.body["event"], "payout.succeeded");
    idle(&sim).await;
    assert!(sim.xendit_reverse(&id));
    assert!(!sim.xendit_reverse(&id), "only a SUCCEEDED payout");
    assert!(!sim.xendit_reverse("disb-unknown"));
    assert_eq!(next(&mut rx).await.body["event"], "payout.reversed");
    assert_eq!(c.get(&id).await.json["status"], "REVERSED");

    // Cancel, REQUESTED and ACCEPTED send nothing.
    let h = c
        .create(
            "held-1",
            &order("held-1", "ID_BCA", "IDR", "10000", "131313"),
        )
        .await;
    c.cancel(h.json["id"].as_str().unwrap()).await;
    idle(&sim).await;
    assert!(sim.deliveries_for("held-1").is_empty());
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn no_url_no_webhooks_and_the_url_can_change() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    c.create("nourl-1", &idr("nourl-1")).await;
    idle(&sim).await;
    assert!(sim.deliveries().is_empty());
    assert!(sim.set_xendit_webhook_url(Some("ftp://x".into())).is_err());
    let (url, mut rx) = receiver(0).await;
    sim.set_xendit_webhook_url(Some(url)).unwrap();
    c.create("url-2", &idr("url-2")).await;
    assert_eq!(next(&mut rx).await.body["data"]["reference_id"], "url-2");
    sim.set_xendit_webhook_url(None).unwrap();
    c.create("url-3", &idr("url-3")).await;
    idle(&sim).await;
    assert!(sim.deliveries_for("url-3").is_empty());

    // Webhooks off altogether.
    let (url, _rx) = receiver(0).await;
    let sim = start(
        xendit()
            .webhook_url(url)
            .webhooks(fast_webhooks().enabled(false)),
    )
    .await;
    Client::new(&sim).create("off-1", &idr("off-1")).await;
    idle(&sim).await;
    assert!(sim.deliveries().is_empty());
}
