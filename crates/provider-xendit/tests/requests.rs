//! The exact requests of both regions, pinned by snapshots (method, URL,
//! headers with `Authorization` checked then redacted, exact body), plus
//! the invariants a snapshot alone would not state.

mod common;

use common::*;
use payout_transport::{PayoutProtocol, WireRequest};
use provider_xendit::Xendit;

const REGIONS: [&str; 2] = ["indonesia", "philippines"];

fn snap(name: String, req: &WireRequest) {
    let text = render(req);
    assert_secret_free(&name, &text);
    insta::assert_snapshot!(name, text);
}

#[test]
fn query_by_reference() {
    for region in REGIONS {
        let req = xendit(region).build_query(&trade_no(TRADE_NO), 0).unwrap();
        assert_eq!(req.method, http::Method::GET);
        assert!(req.body.is_empty());
        snap(format!("query_{region}"), &req);
    }
}

#[test]
fn query_escapes_the_reference() {
    let req = xendit("indonesia")
        .build_query(&trade_no("a&b=c?d#e%f+g/h"), 0)
        .unwrap();
    assert_eq!(
        req.url,
        "https://api.xendit.co/v2/payouts?reference_id=a%26b%3Dc%3Fd%23e%25f%2Bg%2Fh"
    );
}

#[test]
fn query_by_id() {
    for region in REGIONS {
        let req = xendit(region).build_query_by_id(PAYOUT_ID, 0).unwrap();
        snap(format!("query_by_id_{region}"), &req);
    }
    let req = xendit("indonesia")
        .build_query_by_id("disb/../x?y", 0)
        .unwrap();
    assert_eq!(
        req.url,
        "https://api.xendit.co/v2/payouts/disb%2F..%2Fx%3Fy"
    );
    for bad in ["", ".", ".."] {
        let e = xendit("indonesia").build_query_by_id(bad, 0).unwrap_err();
        assert!(e.to_string().contains("provider_id"), "{e}");
    }
}

#[test]
fn create_bank_and_wallet() {
    for region in REGIONS {
        let p = xendit(region);
        let bank = p.build_create(&bank_order(region), 0).unwrap();
        assert_eq!(bank.header("Idempotency-key"), Some(TRADE_NO));
        snap(format!("create_bank_{region}"), &bank);
        let wallet = p.build_create(&wallet_order(region), 0).unwrap();
        assert_eq!(wallet.header("Idempotency-key"), Some("wallet-0001"));
        snap(format!("create_wallet_{region}"), &wallet);
    }
}

#[test]
fn create_body_is_byte_identical_for_the_same_order() {
    for region in REGIONS {
        let p = xendit(region);
        let a = p.build_create(&bank_order(region), 1).unwrap();
        let b = p.build_create(&bank_order(region), 999_999).unwrap();
        assert_eq!(a, b, "same order, same request, whatever the clock");
        // Another provider built from the same settings writes the same bytes.
        let c = xendit(region).build_create(&bank_order(region), 0).unwrap();
        assert_eq!(a.body, c.body);
    }
}

#[test]
fn create_body_field_order_is_fixed() {
    let req = xendit("philippines")
        .build_create(&wallet_order("philippines"), 0)
        .unwrap();
    let body = String::from_utf8(req.body.to_vec()).unwrap();
    let positions: Vec<usize> = [
        "\"reference_id\"",
        "\"channel_code\"",
        "\"channel_properties\"",
        "\"account_number\"",
        "\"account_holder_name\"",
        "\"amount\"",
        "\"currency\"",
        "\"metadata\"",
    ]
    .iter()
    .map(|k| {
        body.find(k)
            .unwrap_or_else(|| panic!("{k} missing from {body}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{body}");
    assert!(body.contains(r#""amount":100.5,"#), "minimal form: {body}");
    assert!(
        !body.contains("description"),
        "empty description omitted: {body}"
    );
}

#[test]
fn create_with_a_sub_account() {
    let p = Xendit::new(&settings("indonesia", None, true)).unwrap();
    let req = p.build_create(&bank_order("indonesia"), 0).unwrap();
    assert_eq!(req.header("for-user-id"), Some(FOR_USER));
    snap("create_bank_indonesia_for_user".into(), &req);
    let q = p.build_query(&trade_no(TRADE_NO), 0).unwrap();
    assert_eq!(q.header("for-user-id"), Some(FOR_USER));
}

#[test]
fn cancel() {
    for region in REGIONS {
        let req = xendit(region).build_cancel(PAYOUT_ID, 0).unwrap();
        assert_eq!(req.method, http::Method::POST);
        assert!(req.body.is_empty(), "cancel sends no body");
        snap(format!("cancel_{region}"), &req);
    }
}

#[test]
fn balance() {
    for region in REGIONS {
        let req = xendit(region).build_balance(0).unwrap();
        snap(format!("balance_{region}"), &req);
    }
}

#[test]
fn base_url_is_the_api_root() {
    let p = Xendit::new(&settings(
        "indonesia",
        Some("http://127.0.0.1:9000/"),
        false,
    ))
    .unwrap();
    let req = p.build_balance(0).unwrap();
    assert_eq!(
        req.url,
        "http://127.0.0.1:9000/balance?account_type=CASH&currency=IDR"
    );
    for bad in ["ftp://x", "https://api.xendit.co?x=1", "api.xendit.co"] {
        let e = Xendit::new(&settings("indonesia", Some(bad), false)).unwrap_err();
        assert!(e.to_string().contains("base URL"), "{bad}: {e}");
    }
}
