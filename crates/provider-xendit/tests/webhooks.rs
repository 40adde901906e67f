//! Webhook verification and reading: the token (good, wrong, missing, not
//! configured), both body shapes, the three events, unknown events,
//! contradictions, de-duplication keys and the replies.

mod common;

use common::*;
use http::{HeaderMap, HeaderValue};
use payout_core::{
    CallbackError, CallbackReply, Credentials, Endpoint, PayoutState, ProviderSettings, Secret,
};
use payout_transport::PayoutProtocol;
use provider_xendit::{dedup_key, Webhook, Xendit};

/// The documented body [D-hook].
fn documented(event: &str, status: &str) -> String {
    format!(
        r#"{{"event":"{event}","business_id":"5f27a14a9bf05c73dd040bc8","created":"2025-01-01T23:55:59Z",
 "data":{{"id":"{PAYOUT_ID}","amount":10000,"channel_code":"ID_BCA",
   "currency":"IDR","status":"{status}","description":"July payout",
   "reference_id":"{TRADE_NO}","created":"2024-12-31T23:53:59Z",
   "updated":"2024-12-31T23:53:59Z","estimated_arrival_time":"2024-12-31T23:59:59Z",
   "business_id":"6018306aa16ad90cb3c43ba7",
   "channel_properties":{{"account_number":"{ACCOUNT_NO}","account_holder_name":"{HOLDER}"}}}}}}"#
    )
}

/// The observed (PH sandbox) body [OBS-LIN]: `api_version`, flattened data.
fn observed(event: &str, status: &str, failure: Option<&str>) -> String {
    let failure = failure.map_or(String::new(), |f| format!(r#""failure_code":"{f}","#));
    format!(
        r#"{{"event":"{event}","api_version":"v2","business_id":"5f27a14a9bf05c73dd040bc8","created":"2026-08-17T04:35:01.120Z",
 "data":{{"id":"{PAYOUT_ID}","amount":1.11,"channel_code":"PH_GCASH","channel_category":"EWALLET",
   "currency":"PHP","status":"{status}",{failure}"reference_id":"{TRADE_NO}",
   "idempotency_key":"{TRADE_NO}","connector_reference":"CR-889",
   "account_number":"{WALLET_NO}","account_holder_name":"{HOLDER}",
   "created":"2026-08-17T04:33:38.428Z","updated":"2026-08-17T04:34:58Z",
   "business_id":"6018306aa16ad90cb3c43ba7"}}}}"#
    )
}

fn headers(token: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(t) = token {
        h.insert("x-callback-token", HeaderValue::from_str(t).unwrap());
    }
    h
}

#[test]
fn good_token_both_shapes_every_event() {
    let p = xendit("philippines");
    for (event, status, state) in [
        ("payout.succeeded", "SUCCEEDED", PayoutState::Succeeded),
        ("payout.failed", "FAILED", PayoutState::Failed),
        ("payout.reversed", "REVERSED", PayoutState::Reversed),
    ] {
        for body in [documented(event, status), observed(event, status, None)] {
            let u = p
                .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
                .unwrap();
            assert_eq!(u.status.state, state, "{body}");
            assert_eq!(u.status.trade_no.as_str(), TRADE_NO);
            assert_eq!(u.status.platform_trade_no.as_deref(), Some(PAYOUT_ID));
            assert_eq!(u.status.extra["event"], event);
            assert!(u.sent_at_ms.is_some());
            assert_private_free("a webhook update", &format!("{u:?}"));
        }
    }
}

#[test]
fn observed_shape_details() {
    let p = xendit("philippines");
    let body = observed("payout.failed", "FAILED", Some("INVALID_DESTINATION"));
    let u = p
        .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap();
    assert_eq!(u.status.message.as_deref(), Some("INVALID_DESTINATION"));
    assert_eq!(u.status.amount.unwrap().to_string(), "1.11");
    assert_eq!(u.status.currency.as_str(), "PHP");
    assert_eq!(u.status.extra["account_number"], "****4567");
    assert!(!u.status.extra.contains_key("account_holder_name"));
    assert_eq!(u.status.extra["connector_reference"], "CR-889");
    // Top-level `created` is the event time.
    assert_eq!(u.sent_at_ms, Some(1_786_941_301_120));
    let doc = documented("payout.succeeded", "SUCCEEDED");
    let u = p
        .verify_callback(&headers(Some(TOKEN)), doc.as_bytes())
        .unwrap();
    assert_eq!(u.sent_at_ms, Some(1_735_775_759_000));
    // The success time is the payout's last change, in Manila.
    assert_eq!(
        u.status.success_time.unwrap().local_string(),
        "2025-01-01 07:53:59"
    );
}

#[test]
fn a_missing_status_is_the_one_the_event_announces() {
    let body = documented("payout.succeeded", "SUCCEEDED").replace(r#""status":"SUCCEEDED","#, "");
    let u = xendit("indonesia")
        .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap();
    assert_eq!(u.status.state, PayoutState::Succeeded);
    assert_eq!(u.status.provider_status, "SUCCEEDED");
}

#[test]
fn an_event_contradicting_its_status_is_refused() {
    let body = documented("payout.failed", "SUCCEEDED");
    let e = xendit("indonesia")
        .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap_err();
    assert!(matches!(e, CallbackError::Malformed(_)), "{e:?}");
}

#[test]
fn wrong_missing_and_unconfigured_tokens() {
    let p = xendit("indonesia");
    let body = documented("payout.succeeded", "SUCCEEDED");
    for wrong in [
        "whk-wrong",
        &TOKEN[..TOKEN.len() - 1],
        &format!("{TOKEN}x"),
        "x",
    ] {
        let e = p
            .verify_callback(&headers(Some(wrong)), body.as_bytes())
            .unwrap_err();
        assert!(matches!(e, CallbackError::BadSignature), "{wrong}: {e:?}");
    }
    let e = p
        .verify_callback(&headers(None), body.as_bytes())
        .unwrap_err();
    assert!(matches!(e, CallbackError::MissingSignature), "{e:?}");
    let e = p
        .verify_callback(&headers(Some("")), body.as_bytes())
        .unwrap_err();
    assert!(matches!(e, CallbackError::MissingSignature), "{e:?}");
    // The token is checked before the body is read.
    let e = p
        .verify_callback(&headers(Some("nope")), b"not json")
        .unwrap_err();
    assert!(matches!(e, CallbackError::BadSignature), "{e:?}");

    let settings = ProviderSettings::with_credentials(
        "indonesia",
        Endpoint::Sandbox,
        Credentials::api_key(Secret::new(KEY)),
    );
    let e = Xendit::new(&settings)
        .unwrap()
        .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap_err();
    assert!(matches!(e, CallbackError::Unsupported(_)), "{e:?}");
    assert!(e.to_string().contains("PAYOUT_CALLBACK_TOKEN"), "{e}");
    for text in [format!("{e}"), format!("{e:?}")] {
        assert_secret_free("a callback error", &text);
    }
}

#[test]
fn unknown_events() {
    let p = xendit("indonesia");
    // With a payout in `data`: acknowledged with the payout's own status.
    let body = documented("payout.requested", "REQUESTED");
    match p
        .read_webhook(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap()
    {
        Webhook::Ignored { event, update } => {
            assert_eq!(event, "payout.requested");
            assert_eq!(update.unwrap().status.state, PayoutState::Processing);
        }
        other => panic!("{other:?}"),
    }
    // An event the SDK does not act on is acknowledged and ignored.
    let e = p
        .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap_err();
    assert!(e.is_ignored(), "{e:?}");
    // Also without a payout in `data`.
    let body =
        r#"{"event":"balance.changed","created":"2025-01-01T00:00:00Z","data":{"balance":5}}"#;
    match p
        .read_webhook(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap()
    {
        Webhook::Ignored { event, update } => {
            assert_eq!(event, "balance.changed");
            assert!(update.is_none());
        }
        other => panic!("{other:?}"),
    }
    let e = p
        .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
        .unwrap_err();
    assert!(e.is_ignored(), "{e:?}");
    // A forged unknown event is refused, never acknowledged.
    let e = p
        .verify_callback(&headers(Some("wrong")), body.as_bytes())
        .unwrap_err();
    assert!(matches!(e, CallbackError::BadSignature), "{e:?}");
}

#[test]
fn malformed_bodies() {
    let p = xendit("indonesia");
    for body in [
        "",
        "[]",
        "{}",
        r#"{"event":"payout.succeeded"}"#,
        r#"{"event":"payout.succeeded","data":[]}"#,
        r#"{"event":5,"data":{}}"#,
        r#"{"event":"payout.succeeded","data":{"id":"disb-1","status":"SUCCEEDED"}}"#,
        &documented("payout.succeeded", "SUCCEEDED").replace(r#""amount":10000"#, r#""amount":-1"#),
        &observed("payout.succeeded", "SUCCEEDED", None)
            .replace(r#""api_version":"v2""#, r#""api_version":"v3""#),
    ] {
        let e = p
            .verify_callback(&headers(Some(TOKEN)), body.as_bytes())
            .unwrap_err();
        assert!(matches!(e, CallbackError::Malformed(_)), "{body}: {e:?}");
        assert_private_free("a callback error", &e.to_string());
    }
}

#[test]
fn dedup_keys() {
    let body = documented("payout.succeeded", "SUCCEEDED");
    assert_eq!(
        dedup_key(&HeaderMap::new(), body.as_bytes()).as_deref(),
        Some(format!("{PAYOUT_ID}|payout.succeeded|2024-12-31T23:53:59Z").as_str())
    );
    let mut h = HeaderMap::new();
    h.insert(
        "webhook-id",
        HeaderValue::from_static("0b4e4f2a-5d8c-4c6e-9d55-2b1b4f3c9a10"),
    );
    assert_eq!(
        dedup_key(&h, body.as_bytes()).as_deref(),
        Some("0b4e4f2a-5d8c-4c6e-9d55-2b1b4f3c9a10")
    );
    // Another event of the same payout has another key.
    let reversed = documented("payout.reversed", "REVERSED");
    assert_ne!(
        dedup_key(&HeaderMap::new(), body.as_bytes()),
        dedup_key(&HeaderMap::new(), reversed.as_bytes())
    );
    assert_eq!(dedup_key(&HeaderMap::new(), b"{}"), None);
    assert_eq!(dedup_key(&HeaderMap::new(), b"junk"), None);
}

#[test]
fn replies() {
    let p = xendit("indonesia");
    assert_eq!(p.callback_ack(), CallbackReply::new(200, ""));
    assert_eq!(p.callback_refusal(), CallbackReply::new(401, ""));
}
