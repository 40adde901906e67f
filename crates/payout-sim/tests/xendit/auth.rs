//! HTTP Basic with the secret key: anything else is `401 INVALID_API_KEY`
//! on every endpoint, counted but never stored.

use payout_core::Secret;
use payout_sim::xendit::XenditEndpoint;
use payout_sim::XENDIT_TEST_SECRET_KEY;
use reqwest::Method;

use crate::common::*;

#[tokio::test]
async fn wrong_or_missing_key_is_401_everywhere() {
    let sim = start(xendit()).await;
    let good = Client::new(&sim);
    let created = good.create("K-AUTH-1", &idr("AUTH-1")).await;
    assert_eq!(created.status, 200, "{created:?}");
    let id = created.json["id"].as_str().unwrap().to_owned();

    let bad_auths = [
        None,
        Some(basic("xnd_development_not_the_key")),
        Some(basic(&format!("{XENDIT_TEST_SECRET_KEY}:password"))),
        Some(format!("Bearer {XENDIT_TEST_SECRET_KEY}")),
        Some("Basic not-base64!".to_owned()),
    ];
    let requests = [
        (Method::POST, "/v2/payouts".to_owned(), Some(idr("AUTH-2"))),
        (Method::GET, format!("/v2/payouts/{id}"), None),
        (
            Method::GET,
            "/v2/payouts?reference_id=AUTH-1".to_owned(),
            None,
        ),
        (Method::POST, format!("/v2/payouts/{id}/cancel"), None),
        (Method::GET, "/balance?currency=IDR".to_owned(), None),
        (Method::GET, "/payouts_channels".to_owned(), None),
    ];
    let mut refused = 0;
    for auth in &bad_auths {
        let c = good.clone().auth(auth.clone());
        for (method, path, body) in &requests {
            let a = c
                .send(method.clone(), path, Some("K-AUTH-2"), body.clone())
                .await;
            assert_eq!(a.status, 401, "{method} {path} with {auth:?}: {a:?}");
            assert_eq!(a.code(), "INVALID_API_KEY");
            let message = a.json["message"].as_str().unwrap();
            assert!(!message.contains("not_the_key"), "{message}");
            refused += 1;
        }
    }
    assert_eq!(sim.xendit_unauthenticated_requests(), refused);
    // Only the good create was counted and stored.
    assert_eq!(sim.xendit_total_requests(XenditEndpoint::Create), 1);
    assert_eq!(sim.xendit_total_requests(XenditEndpoint::Balance), 0);
    assert_eq!(sim.xendit_payout_count("AUTH-2"), 0);
    assert_eq!(
        sim.xendit_request_count("AUTH-1", XenditEndpoint::Create),
        1
    );
    assert_eq!(sim.xendit_payouts().len(), 1);
}

#[tokio::test]
async fn a_configured_key_replaces_the_test_key() {
    let sim = start(xendit().secret_key(Secret::new("xnd_development_mine"))).await;
    let test_key = Client::new(&sim);
    assert_eq!(test_key.get("disb-x").await.status, 401);
    let mine = Client::new(&sim).auth(Some(basic("xnd_development_mine")));
    let a = mine.get("disb-x").await;
    assert_eq!((a.status, a.code()), (404, "DATA_NOT_FOUND"));
    let f = sim.xendit_footprint();
    assert_eq!(
        (f.scopes, f.payouts, f.idempotency_keys, f.references),
        (1, 0, 0, 0)
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_say_what_is_served() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let a = c.send(Method::POST, "/payouts", None, None).await;
    assert_eq!((a.status, a.code()), (404, "NOT_FOUND"));
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("/xendit/v2/payouts"));
    let a = c.send(Method::DELETE, "/v2/payouts", None, None).await;
    assert_eq!(a.status, 405);
    let a = c
        .send(Method::GET, "/v2/payouts/disb-1/cancel", None, None)
        .await;
    assert_eq!(a.status, 405);
    // The platform is still served beside it.
    let r = reqwest::get(format!("{}/nowhere", sim.url()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn xendit_can_be_turned_off() {
    let sim = start(xendit().enabled(false)).await;
    assert!(sim.xendit_regions().is_empty());
    let a = Client::new(&sim).get("disb-1").await;
    assert_eq!(a.status, 404);
    assert!(a.json.is_null(), "the platform's plain 404: {a:?}");
}
