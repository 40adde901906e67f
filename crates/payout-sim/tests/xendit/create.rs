//! Create: the payout object, idempotent replays (current status) and
//! `409 DUPLICATE_ERROR`, and sub-accounts.

use payout_sim::xendit::XenditEndpoint;

use crate::common::*;

fn is_iso_utc(t: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(t).is_ok() && t.ends_with('Z')
}

#[tokio::test]
async fn create_answers_the_payout_object() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let a = c.create("myref-1482928194", &idr("myref-1482928194")).await;
    assert_eq!(a.status, 200, "{a:?}");
    let p = &a.json;
    let id = p["id"].as_str().unwrap();
    assert!(id.starts_with("disb-") && id.len() == 41, "{id}");
    assert_eq!(p["reference_id"], "myref-1482928194");
    assert_eq!(p["channel_code"], "ID_BCA");
    assert_eq!(p["channel_properties"]["account_number"], "000000000099");
    assert_eq!(
        p["channel_properties"]["account_holder_name"],
        "Michael Chen"
    );
    assert_eq!(p["amount"].to_string(), "10000", "an integer for IDR");
    assert_eq!(p["currency"], "IDR");
    assert_eq!(p["description"], "July payout");
    assert_eq!(p["status"], "ACCEPTED");
    assert!(p.get("failure_code").is_none());
    for t in ["created", "updated", "estimated_arrival_time"] {
        assert!(is_iso_utc(p[t].as_str().unwrap()), "{t}: {}", p[t]);
    }
    let business = p["business_id"].as_str().unwrap();
    assert_eq!(business, payout_sim::xendit::XENDIT_TEST_BUSINESS_ID);
    assert!(business.len() == 24 && business.bytes().all(|b| b.is_ascii_hexdigit()));

    // PHP keeps its two decimals exactly; metadata is echoed.
    let body = r#"{"reference_id":"php-1","channel_code":"PH_GCASH","channel_properties":{"account_number":"09171234567","account_holder_name":"Test"},"amount":1.11,"currency":"PHP","metadata":{"outlet_no":24}}"#;
    let a = c.create("php-1", body).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json["amount"].to_string(), "1.11");
    assert_eq!(a.json["metadata"]["outlet_no"].to_string(), "24");
    assert!(a.json.get("description").is_none());

    let held = sim.xendit_payouts();
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].id, id);
    assert_eq!(held[1].amount.to_string(), "1.11");
    assert_eq!(
        (held[1].currency, held[1].channel_code),
        ("PHP", "PH_GCASH")
    );
}

#[tokio::test]
async fn replays_answer_the_original_in_its_current_status() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    let first = c.create("K-1", &idr("R-1")).await;
    assert_eq!(first.status, 200);
    let id = first.json["id"].as_str().unwrap().to_owned();
    // The same request, numbers written differently and keys reordered:
    // the same parsed JSON.
    let same = r#"{"currency":"IDR","amount":10000.00,"description":"July payout","channel_properties":{"account_holder_name":"Michael Chen","account_number":"000000000099"},"channel_code":"ID_BCA","reference_id":"R-1"}"#;
    let again = c.create("K-1", same).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.json["id"], id.as_str());
    idle(&sim).await;
    let later = c.create("K-1", &idr("R-1")).await;
    assert_eq!(later.status, 200);
    assert_eq!(later.json["id"], id.as_str());
    assert_eq!(later.json["status"], "SUCCEEDED", "the current status");

    // Another body under the key: 409, nothing new.
    let other = c
        .create(
            "K-1",
            &order("R-1", "ID_BCA", "IDR", "10001", "000000000099"),
        )
        .await;
    assert_eq!(other.status, 409, "{other:?}");
    assert_eq!(other.code(), "DUPLICATE_ERROR");
    assert_eq!(
        other.json["message"],
        "A payout with this idempotency key already exists. If you meant to execute a different request, please use another idempotency key."
    );
    assert_eq!(sim.xendit_payout_count("R-1"), 1, "exactly one payout");
    assert_eq!(sim.xendit_request_count("R-1", XenditEndpoint::Create), 4);
    assert_eq!(sim.xendit_total_requests(XenditEndpoint::Create), 4);
    // The balance was debited once.
    assert_eq!(c.balance("IDR").await, "999990000");
}

#[tokio::test]
async fn the_key_header_is_required() {
    let sim = start(xendit()).await;
    let c = Client::new(&sim);
    for key in [None, Some(""), Some(&*"k".repeat(101))] {
        let a = c
            .send(reqwest::Method::POST, "/v2/payouts", key, Some(idr("NK-1")))
            .await;
        assert_eq!(
            (a.status, a.code()),
            (400, "API_VALIDATION_ERROR"),
            "{key:?}"
        );
        assert!(a.json["message"]
            .as_str()
            .unwrap()
            .contains("Idempotency-key"));
    }
    assert_eq!(sim.xendit_payout_count("NK-1"), 0);
    // 100 characters is fine.
    assert_eq!(c.create(&"k".repeat(100), &idr("NK-1")).await.status, 200);
}

#[tokio::test]
async fn sub_accounts_scope_payouts_keys_and_balances() {
    let sim = start(xendit()).await;
    let main = Client::new(&sim);
    let sub = Client::new(&sim).for_user("5f9a3fbd571a1c4068aa40ce");
    let a = main.create("K-S", &idr("S-1")).await;
    let b = sub.create("K-S", &idr("S-1")).await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_ne!(a.json["id"], b.json["id"], "the same key in another scope");
    assert_eq!(b.json["business_id"], "5f9a3fbd571a1c4068aa40ce");
    let sub_id = b.json["id"].as_str().unwrap();
    assert_eq!(
        main.get(sub_id).await.status,
        404,
        "not visible from the main account"
    );
    assert_eq!(sub.get(sub_id).await.status, 200);
    assert_eq!(sim.xendit_payout_count("S-1"), 2);
    let list = sub.list("reference_id=S-1").await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(main.balance("IDR").await, "999990000");
    assert_eq!(sub.balance("IDR").await, "999990000");
    assert_eq!(
        sim.xendit_balance(Some("other-sub"), "IDR"),
        payout_core::Decimal::from(1_000_000_000)
    );
    let held = sim.xendit_payouts();
    assert_eq!(
        held[1].for_user_id.as_deref(),
        Some("5f9a3fbd571a1c4068aa40ce")
    );
    let bad = Client::new(&sim).for_user("not valid!");
    assert_eq!(bad.get(sub_id).await.code(), "API_VALIDATION_ERROR");
}
