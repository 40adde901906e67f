//! Every fault, on the query path and on the create path, and the error
//! the SDK reports for it.

use payout_core::{Error, PayoutProvider, PayoutState};
use payout_sim::{Endpoint, Fault, FaultScope, Scenario};

use crate::common::*;

/// The SDK phase each fault must produce.
const EXPECTED: [(&str, &str); 9] = [
    ("SLOW", "no_answer"),
    ("DROP", "no_answer"),
    ("RESET", "no_answer"),
    ("502", "http_status"),
    ("500", "http_status"),
    ("TRUNC", "invalid_response"),
    ("HUGE", "invalid_response"),
    ("5000", "provider_unavailable"),
    ("8000", "rejected"),
];

#[tokio::test]
async fn query_faults_map_to_sdk_errors() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    for (suffix, phase) in EXPECTED {
        let t = format!("Q_{suffix}");
        let err = p.query_payout(&trade_no(&t)).await.unwrap_err();
        assert_eq!(err.phase(), phase, "{t}: {err}");
        assert_eq!(sim.request_count(&t, Endpoint::Query), 1, "{t}: sent once");
        match (suffix, &err) {
            (
                "502",
                Error::HttpStatus {
                    status,
                    body_excerpt,
                    ..
                },
            ) => {
                assert_eq!(*status, 502);
                assert!(body_excerpt.contains("Bad Gateway"));
            }
            (
                "500",
                Error::HttpStatus {
                    status,
                    body_excerpt,
                    ..
                },
            ) => {
                assert_eq!(*status, 500);
                assert!(body_excerpt.contains("Internal Server Error"));
            }
            ("5000", Error::ProviderUnavailable { code, .. }) => assert_eq!(code, "5000"),
            ("8000", Error::Rejected { code, .. }) => assert_eq!(code, "8000"),
            ("HUGE", Error::InvalidResponse { message, .. }) => {
                assert!(message.contains("limit"), "{message}")
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn create_faults_are_outcome_unknown_and_the_payout_exists() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "indonesia");
    for (suffix, phase) in EXPECTED {
        if suffix == "8000" {
            continue;
        }
        let t = format!("C_{suffix}");
        let err = p
            .create_payout(&order("indonesia", &t, "100000", Some(NOWHERE)))
            .await
            .unwrap_err();
        match &err {
            Error::OutcomeUnknown { trade_no, cause } => {
                assert_eq!(trade_no.as_str(), t);
                assert_eq!(cause.phase(), phase, "{t}: {cause}");
            }
            other => panic!("{t}: expected OutcomeUnknown, got {other:?}"),
        }
        assert_eq!(
            sim.request_count(&t, Endpoint::Create),
            1,
            "{t}: sent exactly once"
        );
        // The payout was placed: a query resolves the unknown outcome.
        assert!(sim.payout(&t).is_some(), "{t} placed");
        let s = p.query_payout(&trade_no(&t)).await.unwrap();
        assert_eq!(s.state, PayoutState::Succeeded, "{t}");
    }
}

#[tokio::test]
async fn create_8000_places_nothing() {
    let sim = start(config()).await;
    let p = provider(&sim, "paypro", "indonesia");
    let err = p
        .create_payout(&order("indonesia", "N_8000", "100000", Some(NOWHERE)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { code, .. } if code == "8000"),
        "{err:?}"
    );
    assert!(sim.payout("N_8000").is_none());
    let b = sim.ledger("paypro", "indonesia", TEST_MERCHANT_NO).unwrap();
    assert_eq!(b.frozen, payout_core::Decimal::ZERO);
}

#[tokio::test]
async fn registered_scenarios_fault_placed_payouts() {
    let sim = start(config()).await;
    let p = provider(&sim, "vexora", "nigeria");
    sim.set_scenario(
        "R1",
        Scenario::fail().query_fault(Fault::BadGateway, FaultScope::First(1)),
    );
    p.create_payout(&order("nigeria", "R1", "10.00", Some(NOWHERE)))
        .await
        .unwrap();
    let err = p.query_payout(&trade_no("R1")).await.unwrap_err();
    assert_eq!(err.phase(), "http_status");
    let s = p.query_payout(&trade_no("R1")).await.unwrap();
    assert_eq!(s.state, PayoutState::Failed);
    assert_eq!(sim.request_count("R1", Endpoint::Query), 2);
}
