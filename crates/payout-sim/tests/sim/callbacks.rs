//! Callbacks delivered to a small local receiver that verifies them with
//! the SDK, as a platform would.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use payout_core::{CallbackError, PayoutProvider, PayoutState, PayoutUpdate};
use payout_platform::PlatformProvider;
use payout_sim::{CallbackConfig, DeliveryKind, Lifecycle, SimHandle};
use tokio::sync::mpsc;

use crate::common::*;

/// What the receiver saw: a verified update, or the verification error.
pub type Seen = Result<PayoutUpdate, String>;

struct Receiver {
    provider: PlatformProvider,
    tx: mpsc::UnboundedSender<Seen>,
    /// Deliveries to refuse before acknowledging.
    refuse: AtomicU32,
}

async fn receive(
    State(r): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let verdict = match r.provider.verify_callback(&headers, &body) {
        Ok(u) => Ok(u),
        Err(CallbackError::Unsigned(u)) => Err(format!("unsigned {}", u.status.provider_status)),
        Err(e) => Err(e.to_string()),
    };
    let _ = r.tx.send(verdict);
    if r.refuse
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "busy");
    }
    (StatusCode::OK, "OK")
}

/// Starts a receiver verifying with `provider`; returns its URL and the
/// stream of what it saw.
pub async fn receiver(
    provider: PlatformProvider,
    refuse: u32,
) -> (String, mpsc::UnboundedReceiver<Seen>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Arc::new(Receiver {
        provider,
        tx,
        refuse: AtomicU32::new(refuse),
    });
    let app = axum::Router::new()
        .route("/notify", axum::routing::post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

pub fn callback_config() -> payout_sim::SimConfig {
    config().callbacks(CallbackConfig::default().time_divisor(1000))
}

/// The next thing the receiver saw (a generous guard against hanging, not
/// a timing assertion).
pub async fn next(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a callback arrives")
        .expect("receiver alive")
}

async fn idle(sim: &SimHandle) {
    tokio::time::timeout(Duration::from_secs(20), sim.wait_idle())
        .await
        .expect("callbacks settle");
}

#[tokio::test]
async fn final_callback_is_signed_and_verified() {
    let sim = start(callback_config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    let (url, mut rx) = receiver(provider(&sim, "vexora", "nigeria"), 0).await;
    p.create_payout(&order("nigeria", "CB1", "12.34", Some(&url)))
        .await
        .unwrap();
    p.query_payout(&trade_no("CB1")).await.unwrap();
    let u = next(&mut rx).await.expect("verified");
    assert_eq!(u.status.trade_no.as_str(), "CB1");
    assert_eq!(u.status.state, PayoutState::Succeeded);
    assert_eq!(u.status.amount.map(|a| a.to_string()), Some("12.34".into()));
    assert!(u.status.success_time.is_some());
    assert_eq!(
        u.status.extra.get("remark").and_then(|v| v.as_str()),
        Some("sim test")
    );
    idle(&sim).await;
    let d = sim.deliveries_for("CB1");
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].kind, d[0].attempts, d[0].acked, d[0].done),
        (DeliveryKind::Final, 1, true, true)
    );
    // A receiver with another secret refuses the same kind of callback.
    let wrong = provider_with(&sim, "vexora", "nigeria", TEST_MERCHANT_NO, "wrong");
    let (url2, mut rx2) = receiver(wrong, 0).await;
    p.create_payout(&order("nigeria", "CB2_FAIL", "1.00", Some(&url2)))
        .await
        .unwrap();
    p.query_payout(&trade_no("CB2_FAIL")).await.unwrap();
    let e = next(&mut rx2).await.unwrap_err();
    assert!(e.contains("signature"), "{e}");
}

#[tokio::test]
async fn timer_drives_the_lifecycle_without_queries() {
    let cfg = callback_config().lifecycle(
        Lifecycle::default()
            .after_queries(None)
            .after(Some(Duration::ZERO)),
    );
    let sim = start(cfg).await;
    let p = provider(&sim, "paypro", "indonesia");
    let (url, mut rx) = receiver(provider(&sim, "paypro", "indonesia"), 0).await;
    p.create_payout(&order("indonesia", "TM1_FAIL", "10000", Some(&url)))
        .await
        .unwrap();
    let u = next(&mut rx).await.expect("verified");
    assert_eq!(u.status.state, PayoutState::Failed);
    assert_eq!(
        sim.request_count("TM1_FAIL", payout_sim::Endpoint::Query),
        0
    );
    idle(&sim).await;
    assert_eq!(
        sim.ledger("paypro", "indonesia", TEST_MERCHANT_NO)
            .unwrap()
            .frozen,
        payout_core::Decimal::ZERO
    );
}

#[tokio::test]
async fn refused_deliveries_are_retried_until_ok() {
    let sim = start(callback_config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    let (url, mut rx) = receiver(provider(&sim, "vexora", "nigeria"), 2).await;
    p.create_payout(&order("nigeria", "RT1", "5.00", Some(&url)))
        .await
        .unwrap();
    p.query_payout(&trade_no("RT1")).await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            next(&mut rx).await.unwrap().status.state,
            PayoutState::Succeeded
        );
    }
    idle(&sim).await;
    let d = sim.deliveries_for("RT1");
    assert_eq!((d.len(), d[0].attempts, d[0].acked), (1, 3, true));
}

#[tokio::test]
async fn duplicate_and_late_processing_callbacks() {
    let sim = start(callback_config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    let (url, mut rx) = receiver(provider(&sim, "vexora", "nigeria"), 0).await;
    p.create_payout(&order("nigeria", "DL1_DUP_LATE", "5.00", Some(&url)))
        .await
        .unwrap();
    p.query_payout(&trade_no("DL1_DUP_LATE")).await.unwrap();
    let states: Vec<PayoutState> = [
        next(&mut rx).await,
        next(&mut rx).await,
        next(&mut rx).await,
    ]
    .into_iter()
    .map(|s| s.unwrap().status.state)
    .collect();
    assert_eq!(
        states,
        [
            PayoutState::Succeeded,
            PayoutState::Succeeded,
            PayoutState::Processing
        ]
    );
    idle(&sim).await;
    let kinds: Vec<DeliveryKind> = sim
        .deliveries_for("DL1_DUP_LATE")
        .iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            DeliveryKind::Final,
            DeliveryKind::Duplicate,
            DeliveryKind::LateProcessing
        ]
    );
}

#[tokio::test]
async fn kenya_callbacks_are_unsigned() {
    let sim = start(callback_config()).await;
    let p = provider(&sim, "paypro", "kenya");
    let (url, mut rx) = receiver(provider(&sim, "paypro", "kenya"), 0).await;
    p.create_payout(&order("kenya", "KE2", "100", Some(&url)))
        .await
        .unwrap();
    p.query_payout(&trade_no("KE2")).await.unwrap();
    assert_eq!(next(&mut rx).await.unwrap_err(), "unsigned 0000");
}

#[tokio::test]
async fn accept_callbacks_when_asked() {
    let cfg = config().callbacks(CallbackConfig::default().time_divisor(1000).on_accept(true));
    let sim = start(cfg).await;
    let p = provider(&sim, "paypro", "mexico");
    let (url, mut rx) = receiver(provider(&sim, "paypro", "mexico"), 0).await;
    p.create_payout(&order("mexico", "MX1_PROC", "100", Some(&url)))
        .await
        .unwrap();
    let u = next(&mut rx)
        .await
        .expect("verified (numeric amount signed as sent)");
    assert_eq!(u.status.state, PayoutState::Processing);
    // Mexico's amounts are integers: the number is written `100`.
    assert_eq!(u.status.amount.map(|a| a.to_string()), Some("100".into()));
}
