//! Faults through the facade: a create whose answer never comes is
//! `OutcomeUnknown`, sent once, and a query resolves it; transient query
//! faults are retried by the transport; a query fault that persists is
//! reported by phase.

use std::time::Duration;

use payout::{Error, PayoutProviderExt, PayoutState, WaitOptions, WaitOutcome};
use payout_sim::{Endpoint, Fault, FaultScope, Scenario};
use payout_transport::fake_server::{FakeServer, Reply};

use crate::common::*;

#[tokio::test]
async fn an_unknown_create_outcome_is_resolved_by_query_and_never_resent() {
    let sim = start(config()).await;
    for (brand, region, t) in [
        ("paypro", "indonesia", "E2E-F1_SLOW"),
        ("vexora", "nigeria", "E2E-F2_502"),
        ("paypro", "brazil", "E2E-F3_5000"),
        ("vexora", "australia", "E2E-F4_TRUNC"),
    ] {
        let p = provider(&sim, brand, region);
        let err = p
            .create_payout(&order(brand, region, t, None))
            .await
            .expect_err("the answer is lost");
        assert!(err.is_outcome_unknown(), "{t}: {err}");
        assert_eq!(
            sim.request_count(t, Endpoint::Create),
            1,
            "{t}: sent exactly once"
        );
        let status = p
            .query_payout(&trade_no(t))
            .await
            .expect("the payout exists");
        assert_eq!(status.state, PayoutState::Succeeded, "{t}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_request_failed_create_places_nothing() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "indonesia");
    let t = "E2E-F5_8000";
    match p
        .create_payout(&order("vexora", "indonesia", t, None))
        .await
    {
        Err(Error::Rejected { code, .. }) => assert_eq!(code, "8000"),
        other => panic!("{other:?}"),
    }
    assert!(sim.payout(t).is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_transient_query_fault_is_retried_by_the_transport() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "pakistan");
    let t = "E2E-F6";
    for fault in [Fault::BadGateway, Fault::Drop, Fault::Reset] {
        let t = format!("{t}-{fault:?}");
        sim.set_scenario(
            t.clone(),
            Scenario::succeed().query_fault(fault, FaultScope::First(1)),
        );
        p.create_payout(&order("paypro", "pakistan", &t, None))
            .await
            .expect("accepted");
        let status = p.query_payout(&trade_no(&t)).await.expect("retried");
        assert_eq!(status.state, PayoutState::Succeeded, "{t}");
        assert_eq!(sim.request_count(&t, Endpoint::Query), 2, "{t}: one retry");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_persistent_query_fault_is_reported_by_phase() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "south-korea");
    for (t, phase) in [
        ("E2E-F7_502", "http_status"),
        ("E2E-F8_TRUNC", "invalid_response"),
        ("E2E-F9_HUGE", "invalid_response"),
    ] {
        let err = p.query_payout(&trade_no(t)).await.expect_err("faulted");
        assert_eq!(err.phase(), phase, "{t}: {err}");
    }
    assert_eq!(
        sim.request_count("E2E-F7_502", Endpoint::Query),
        3,
        "three attempts"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_system_error_on_query_is_retried_like_a_5xx() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    let t = "E2E-F10";
    sim.set_scenario(
        t,
        Scenario::fail().query_fault(Fault::SystemError, FaultScope::First(1)),
    );
    p.create_payout(&order("vexora", "nigeria", t, None))
        .await
        .expect("accepted");
    // A transient outer 5000 is retried within the policy: the caller sees
    // the answer of the second attempt.
    let s = p
        .query_payout(&trade_no(t))
        .await
        .expect("retried past 5000");
    assert_eq!(sim.request_count(t, Endpoint::Query), 2, "one retry");
    let options = WaitOptions::new(Duration::from_secs(10))
        .intervals(Duration::from_millis(10), Duration::from_millis(50));
    match p.wait_until_final(&trade_no(t), options).await {
        Ok(WaitOutcome::Final(f)) => assert_eq!(f.state, PayoutState::Failed, "{s:?}"),
        other => panic!("{other:?}"),
    }

    // A persistent 5000 is reported after the policy's attempts, with the
    // advice that retrying is safe.
    let t = "E2E-F11";
    sim.set_scenario(
        t,
        Scenario::fail().query_fault(Fault::SystemError, FaultScope::Always),
    );
    p.create_payout(&order("vexora", "nigeria", t, None))
        .await
        .expect("accepted");
    let err = p.query_payout(&trade_no(t)).await.expect_err("5000");
    assert!(matches!(err, Error::ProviderUnavailable { .. }), "{err:?}");
    assert_eq!(err.retry_advice(), payout::RetryAdvice::Safe);
    assert_eq!(sim.request_count(t, Endpoint::Query), 3, "three attempts");
    sim.shutdown().await;
}

/// `build_with_transport` honours the configuration's timeout, retries and
/// size cap on a shared pool (it used to keep the pool's 30 s default).
#[tokio::test]
async fn a_shared_transport_honours_the_providers_own_settings() {
    // Reads each request and never answers.
    let silent = FakeServer::always(Reply::hang());
    let shared = payout::HttpTransport::new(payout::TransportConfig::default()).expect("pool");
    let mut config = payout::Config::new("paypro");
    config.region = "indonesia".into();
    config.base_url = silent.url("/indonesia-pay");
    config.merchant_no = TEST_MERCHANT_NO.to_owned();
    config.secret = Some(payout::Secret::new(TEST_SECRET));
    config.timeout_ms = Some(150);
    config.max_attempts = Some(1);
    let p = payout::build_with_transport(&config, shared).expect("builds");
    // Far below the pool's 30 s default: the provider's 150 ms applies.
    let answer = tokio::time::timeout(Duration::from_secs(10), p.query_payout(&trade_no("T1")))
        .await
        .expect("the provider's own timeout applied");
    assert!(matches!(answer, Err(Error::NoAnswer { .. })), "{answer:?}");
    // It reached the server, once (max_attempts = 1).
    assert_eq!(silent.wait_for(1, Duration::from_secs(5)).await, 1);
}
