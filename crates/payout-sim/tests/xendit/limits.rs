//! The optional rate limiter, and the memory bound: refused traffic
//! stores nothing.

use std::time::Duration;

use payout_sim::xendit::{RateLimit, XenditEndpoint};

use crate::common::*;

#[tokio::test]
async fn rate_limit_per_endpoint_with_headers() {
    let sim = start(xendit().rate_limit(Some(RateLimit::new(3, Duration::from_secs(60))))).await;
    let c = Client::new(&sim);
    for i in 0..3 {
        let a = c.get("disb-none").await;
        assert_eq!(a.status, 404);
        assert_eq!(a.headers["rate-limit-limit"], "3");
        assert_eq!(
            a.headers["rate-limit-remaining"],
            (2 - i).to_string().as_str()
        );
        let reset = a.headers["rate-limit-reset"].to_str().unwrap();
        let (secs, hundredths) = reset.split_once('.').unwrap();
        assert!(
            secs.parse::<u32>().unwrap() <= 60 && hundredths.len() == 2,
            "{reset}"
        );
    }
    let limited = c.get("disb-none").await;
    assert_eq!(
        (limited.status, limited.code()),
        (429, "RATE_LIMIT_EXCEEDED")
    );
    assert_eq!(limited.headers["rate-limit-remaining"], "0");
    // Another endpoint has its own window.
    let a = c.create("RL-1", &idr("RL-1")).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["rate-limit-remaining"], "2");
    // Rate-limited requests are authenticated: counted, nothing stored.
    assert_eq!(sim.xendit_total_requests(XenditEndpoint::Get), 4);
    assert!(sim.xendit_footprint().rate_limit_entries <= 6 * 3);
    // Unauthenticated requests never reach the limiter.
    let stranger = Client::new(&sim).auth(None);
    for _ in 0..5 {
        assert_eq!(stranger.create("RL-2", &idr("RL-2")).await.status, 401);
    }
    assert_eq!(sim.xendit_footprint().rate_limit_entries, 4);
}

#[tokio::test]
async fn a_short_window_refills() {
    let sim = start(xendit().rate_limit(Some(RateLimit::new(1, Duration::from_secs(1))))).await;
    let c = Client::new(&sim);
    assert_eq!(c.balance("IDR").await, "1000000000");
    let limited = c
        .send(reqwest::Method::GET, "/balance?currency=IDR", None, None)
        .await;
    assert_eq!(limited.status, 429);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(c.balance("IDR").await, "1000000000");
}

#[tokio::test]
async fn refused_traffic_stores_nothing() {
    let sim = start(xendit()).await;
    let stranger = Client::new(&sim).auth(Some(basic("xnd_development_wrong")));
    let client = Client::new(&sim);
    for i in 0..300 {
        let r = format!("FLOOD-{i}");
        assert_eq!(stranger.create(&r, &idr(&r)).await.status, 401);
        let bad = order(&r, "ID_GOPAY", "IDR", "1", "081234567890");
        assert_eq!(client.create(&r, &bad).await.status, 400);
        let sub = client.clone().for_user(&format!("sub-{i}"));
        assert_eq!(sub.create(&r, &bad).await.status, 400);
        assert_eq!(sub.list(&format!("reference_id={r}")).await.status, 200);
        assert_eq!(sub.get(&format!("disb-{i}")).await.status, 404);
        assert_eq!(sub.balance("IDR").await, "1000000000");
    }
    let f = sim.xendit_footprint();
    assert_eq!(
        (f.scopes, f.payouts, f.idempotency_keys, f.references),
        (1, 0, 0, 0),
        "only the account itself"
    );
    assert!(sim.deliveries().is_empty());
    assert_eq!(sim.xendit_unauthenticated_requests(), 300);
    assert_eq!(sim.xendit_total_requests(XenditEndpoint::Create), 600);
    assert_eq!(
        sim.xendit_request_count("FLOOD-1", XenditEndpoint::Create),
        0
    );
}
