//! Faults by reference suffix: the create takes effect, only the answer
//! suffers; a lookup by reference resolves it.

use std::time::Duration;

use payout_sim::xendit::XenditEndpoint;

use crate::common::*;

#[tokio::test]
async fn faulted_creates_still_create_exactly_one_payout() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim).timeout(Duration::from_secs(1));
    // (suffix, status answered, or None for no answer at all)
    let cases: [(&str, Option<u16>); 6] = [
        ("500", Some(500)),
        ("502", Some(502)),
        ("DROP", None),
        ("SLOW", None),
        ("RESET", None),
        ("TRUNC", Some(200)),
    ];
    for (suffix, status) in cases {
        let r = format!("F-1_{suffix}");
        let body = idr(&r);
        let first = c
            .try_send(
                reqwest::Method::POST,
                "/v2/payouts",
                Some(&r),
                Some(body.clone()),
            )
            .await;
        match (status, &first) {
            (Some(s), Ok(a)) => {
                assert_eq!(a.status, s, "{r}: {a:?}");
                if s == 500 {
                    assert_eq!(a.code(), "SERVER_ERROR");
                }
                if suffix == "TRUNC" {
                    assert!(a.json.is_null(), "{r}: cut JSON");
                }
            }
            (None, Err(_)) => {}
            other => panic!("{r}: unexpected {other:?}"),
        }
        // Retried with the same key and body: the fault answers again, but
        // there is still exactly one payout.
        let _ = c
            .try_send(reqwest::Method::POST, "/v2/payouts", Some(&r), Some(body))
            .await;
        assert_eq!(sim.xendit_payout_count(&r), 1, "{r}");
        assert_eq!(
            sim.xendit_request_count(&r, XenditEndpoint::Create),
            2,
            "{r}"
        );
        // The lookup by reference is not faulted once the payout exists.
        let l = c.list(&format!("reference_id={r}")).await;
        assert_eq!(l.status, 200, "{r}");
        assert_eq!(l.json["data"].as_array().unwrap().len(), 1, "{r}");
    }
}

#[tokio::test]
async fn lookups_are_faulted_until_a_payout_exists_and_platform_codes_are_not_faults() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let l = c.list("reference_id=G-1_502").await;
    assert_eq!(l.status, 502);
    let l = c.list("reference_id=G-1_500").await;
    assert_eq!((l.status, l.code()), (500, "SERVER_ERROR"));
    let huge = c.list("reference_id=G-1_HUGE").await;
    assert_eq!(huge.status, 200);
    assert_eq!(huge.json["reference_id"], "G-1_HUGE");
    // `_5000` and `_8000` are the platform's envelope codes, not Xendit faults.
    let a = c.create("G-2_5000", &idr("G-2_5000")).await;
    assert_eq!(a.status, 200);
    let a = c.create("G-3_8000", &idr("G-3_8000")).await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn a_registered_scenario_replaces_the_suffix_reading() {
    use payout_sim::{Fault, FaultScope, Scenario};
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    // A plain reference, faulted by registration: the create answers 502
    // but places its payout; only the first lookup after it is faulted.
    sim.set_scenario(
        "R-1",
        Scenario::succeed()
            .create_fault(Fault::BadGateway)
            .query_fault(Fault::BadGateway, FaultScope::First(1)),
    );
    let a = c.create("R-1", &idr("R-1")).await;
    assert_eq!(a.status, 502);
    assert_eq!(sim.xendit_payout_count("R-1"), 1);
    assert_eq!(c.list("reference_id=R-1").await.status, 502);
    let l = c.list("reference_id=R-1").await;
    assert_eq!(l.status, 200);
    assert_eq!(l.json["data"].as_array().unwrap().len(), 1);
    // A suffixed reference registered without faults is served plainly:
    // the registration replaces what the suffix says.
    sim.set_scenario("R-2_502", Scenario::succeed());
    assert_eq!(c.create("R-2_502", &idr("R-2_502")).await.status, 200);
    // A create-only fault leaves the lookups of an unplaced reference alone.
    sim.set_scenario("R-3", Scenario::succeed().create_fault(Fault::Slow));
    assert_eq!(c.list("reference_id=R-3").await.status, 200);
}
