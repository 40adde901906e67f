//! Query, query-by-id, cancel and balance answers: both list shapes, proof
//! of absence, every status string, exact amounts, the success time, the
//! choice among several payouts, and the refusals of each endpoint.

mod common;

use common::*;
use payout_core::{Error, PayoutState, RejectReason};
use payout_transport::PayoutProtocol;
use provider_xendit::{state_of, STATUSES};

fn query(region: &str, status: u16, body: &str) -> Result<payout_core::PayoutStatus, Error> {
    xendit(region).parse_query(&trade_no(TRADE_NO), &answer(status, body))
}

#[test]
fn both_list_shapes() {
    let item = payout_json(&[]);
    for body in [
        format!("[{item}]"),
        format!(r#"{{"data":[{item}],"has_more":false}}"#),
        format!(
            r#"{{"data":[{item}],"has_more":false,"links":{{"href":"/v2/payouts?x","rel":"next","method":"GET"}}}}"#
        ),
    ] {
        let s = query("indonesia", 200, &body).unwrap();
        assert_eq!(s.trade_no.as_str(), TRADE_NO);
        assert_eq!(s.platform_trade_no.as_deref(), Some(PAYOUT_ID));
        assert_eq!(s.state, PayoutState::Processing);
        assert_eq!(s.currency.as_str(), "IDR");
        assert_eq!(s.provider, "xendit");
    }
}

#[test]
fn absence_is_proved_by_an_empty_list_or_data_not_found() {
    for (status, body) in [
        (200, "[]"),
        (200, r#"{"has_more":false,"data":[]}"#),
        (
            404,
            r#"{"error_code":"DATA_NOT_FOUND","message":"No payout found"}"#,
        ),
    ] {
        let e = query("indonesia", status, body).unwrap_err();
        assert!(
            matches!(&e, Error::NotFound { trade_no, .. } if trade_no.as_str() == TRADE_NO),
            "{status} {body}: {e:?}"
        );
    }
    // A 404 that is not Xendit's (a wrong base URL behind a proxy) proves nothing.
    let e = query("indonesia", 404, "<html>Not Found</html>").unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 404, .. }), "{e:?}");
    // Neither does a list object without `data`.
    let e = query("indonesia", 200, r#"{"has_more":false}"#).unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
}

#[test]
fn every_status_string() {
    let expected = [
        ("ACCEPTED", PayoutState::Processing),
        ("REQUESTED", PayoutState::Processing),
        ("PENDING_COMPLIANCE_ASSESSMENT", PayoutState::Processing),
        ("READY", PayoutState::Processing),
        ("LOCKED", PayoutState::Processing),
        ("SUCCEEDED", PayoutState::Succeeded),
        ("FAILED", PayoutState::Failed),
        ("COMPLIANCE_REJECTED", PayoutState::Failed),
        ("EXPIRED", PayoutState::Failed),
        ("CANCELLED", PayoutState::Cancelled),
        ("REVERSED", PayoutState::Reversed),
        // Undocumented: unknown, never failed.
        ("PROCESSING", PayoutState::Unknown),
        ("succeeded", PayoutState::Unknown),
        ("FAILED ", PayoutState::Unknown),
        ("", PayoutState::Unknown),
    ];
    assert_eq!(STATUSES.len(), 11, "every documented status is tested");
    for (text, state) in expected {
        assert_eq!(state_of(text).0, state, "{text:?}");
        if text.is_empty() {
            continue;
        }
        let body = format!(
            "[{}]",
            payout_json(&[("status", Some(&format!("{text:?}")))])
        );
        let s = query("indonesia", 200, &body).unwrap();
        assert_eq!(s.state, state, "{text}");
        assert_eq!(s.provider_status, text);
    }
    // A payout without a status cannot be read.
    let e = query(
        "indonesia",
        200,
        &format!("[{}]", payout_json(&[("status", None)])),
    )
    .unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
}

#[test]
fn failure_code_is_the_message() {
    let body = format!(
        "[{}]",
        payout_json(&[
            ("status", Some("\"FAILED\"")),
            ("failure_code", Some("\"INVALID_DESTINATION\""))
        ])
    );
    let s = query("indonesia", 200, &body).unwrap();
    assert_eq!(s.state, PayoutState::Failed);
    assert_eq!(s.message.as_deref(), Some("INVALID_DESTINATION"));
    let s = query("indonesia", 200, &format!("[{}]", payout_json(&[]))).unwrap();
    assert_eq!(s.message, None);
    assert_eq!(s.requested_amount, None);
    assert_eq!(s.paid_amount, None);
}

#[test]
fn amounts_are_read_exactly() {
    for (raw, shown) in [
        ("10000", "10000"),
        ("1.11", "1.11"),
        ("1.10", "1.10"),
        ("\"250.5\"", "250.5"),
        ("1999999999999.99", "1999999999999.99"),
        ("123456789012345678901234.5", "123456789012345678901234.5"),
    ] {
        let body = format!("[{}]", payout_json(&[("amount", Some(raw))]));
        let s = query("philippines", 200, &body).unwrap();
        assert_eq!(s.amount.unwrap().to_string(), shown, "{raw}");
    }
    for bad in [
        "-1", "1e3", "1.5E2", "\"12,5\"", "\"abc\"", "true", "{}", "\"0x10\"", "\"-0\"",
    ] {
        let body = format!("[{}]", payout_json(&[("amount", Some(bad))]));
        let e = query("philippines", 200, &body).unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{bad}: {e:?}");
    }
}

#[test]
fn success_time_is_updated_in_the_region_zone() {
    let body = format!(
        "[{}]",
        payout_json(&[
            ("status", Some("\"SUCCEEDED\"")),
            ("updated", Some("\"2024-12-31T23:53:59.428Z\""))
        ])
    );
    let id = query("indonesia", 200, &body).unwrap();
    assert_eq!(
        id.success_time.unwrap().local_string(),
        "2025-01-01 06:53:59"
    );
    assert_eq!(id.success_time.unwrap().zone, chrono_tz::Asia::Jakarta);
    let ph = query("philippines", 200, &body).unwrap();
    assert_eq!(
        ph.success_time.unwrap().local_string(),
        "2025-01-01 07:53:59"
    );
    // Not succeeded (or reversed): no success time.
    let body = format!("[{}]", payout_json(&[("status", Some("\"REVERSED\""))]));
    assert_eq!(query("indonesia", 200, &body).unwrap().success_time, None);
}

#[test]
fn the_answer_currency_is_reported() {
    let body = format!("[{}]", payout_json(&[("currency", Some("\"PHP\""))]));
    assert_eq!(
        query("indonesia", 200, &body).unwrap().currency.as_str(),
        "PHP"
    );
    let body = format!("[{}]", payout_json(&[("currency", None)]));
    assert_eq!(
        query("philippines", 200, &body).unwrap().currency.as_str(),
        "PHP"
    );
}

#[test]
fn extra_keeps_other_fields_with_personal_data_masked() {
    let body = format!(
        "[{}]",
        payout_json(&[(
            "receipt_notification",
            Some(r#"{"email_to":["payee@example.com"]}"#)
        )])
    );
    let s = query("indonesia", 200, &body).unwrap();
    assert_eq!(s.extra["channel_code"], "ID_BCA");
    assert_eq!(s.extra["business_id"], "6018306aa16ad90cb3c43ba7");
    assert_eq!(s.extra["created"], "2024-12-31T23:53:59Z");
    assert_eq!(s.extra["channel_properties"]["account_number"], "****0099");
    assert!(s.extra["channel_properties"]
        .get("account_holder_name")
        .is_none());
    assert!(!s.extra.contains_key("receipt_notification"));
    for text in [format!("{s:?}"), serde_json::to_string(&s).unwrap()] {
        assert_private_free("a status", &text);
        assert!(!text.contains("payee@example.com"), "{text}");
    }
}

#[test]
fn several_payouts_under_one_reference() {
    let older = payout_json(&[
        ("id", Some("\"disb-old\"")),
        ("status", Some("\"FAILED\"")),
        ("created", Some("\"2024-12-31T23:53:59.900Z\"")),
    ]);
    let newer = payout_json(&[
        ("id", Some("\"disb-new\"")),
        ("created", Some("\"2025-01-01T00:00:00Z\"")),
    ]);
    // The one created last, whatever the list order.
    for body in [format!("[{older},{newer}]"), format!("[{newer},{older}]")] {
        let s = query("indonesia", 200, &body).unwrap();
        assert_eq!(s.platform_trade_no.as_deref(), Some("disb-new"));
        assert_eq!(s.extra["reference_matches"], 2);
    }
    // Unless exactly one says it was made with our idempotency key.
    let keyed = payout_json(&[
        ("id", Some("\"disb-keyed\"")),
        ("created", Some("\"2020-01-01T00:00:00Z\"")),
        ("idempotency_key", Some(&format!("\"{TRADE_NO}\""))),
    ]);
    let s = query("indonesia", 200, &format!("[{older},{keyed},{newer}]")).unwrap();
    assert_eq!(s.platform_trade_no.as_deref(), Some("disb-keyed"));
    // Items about other references are left out; none left is not a proof.
    let other = payout_json(&[("reference_id", Some("\"other\""))]);
    let s = query("indonesia", 200, &format!("[{other},{older}]")).unwrap();
    assert_eq!(s.platform_trade_no.as_deref(), Some("disb-old"));
    let e = query("indonesia", 200, &format!("[{other}]")).unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
}

#[test]
fn errors_of_a_query() {
    let e = query(
        "indonesia",
        401,
        r#"{"error_code":"INVALID_API_KEY","message":"bad key"}"#,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                reason: RejectReason::Authentication,
                ..
            }
        ),
        "{e:?}"
    );
    let e = query(
        "indonesia",
        500,
        r#"{"error_code":"SERVER_ERROR","message":"x"}"#,
    )
    .unwrap_err();
    assert!(matches!(e, Error::ProviderUnavailable { .. }), "{e:?}");
    assert_eq!(e.retry_advice(), payout_core::RetryAdvice::Safe);
}

#[test]
fn query_by_id() {
    let p = xendit("indonesia");
    let s = p
        .parse_query_by_id(PAYOUT_ID, &answer(200, &payout_json(&[])))
        .unwrap();
    assert_eq!(s.trade_no.as_str(), TRADE_NO);
    let e = p
        .parse_query_by_id("disb-other", &answer(200, &payout_json(&[])))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    let e = p
        .parse_query_by_id(
            PAYOUT_ID,
            &answer(
                404,
                r#"{"error_code":"DATA_NOT_FOUND","message":"not found"}"#,
            ),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                reason: RejectReason::NotFound,
                ..
            }
        ),
        "{e:?}"
    );
    // A reference this SDK cannot hold as a trade number is explained.
    let e = p
        .parse_query_by_id(
            PAYOUT_ID,
            &answer(
                200,
                &payout_json(&[("reference_id", Some("\"has space\""))]),
            ),
        )
        .unwrap_err();
    assert!(e.to_string().contains("query the payout by its id"), "{e}");
}

#[test]
fn cancel_answers() {
    let p = xendit("indonesia");
    let s = p
        .parse_cancel(
            PAYOUT_ID,
            &answer(200, &payout_json(&[("status", Some("\"CANCELLED\""))])),
        )
        .unwrap();
    assert_eq!(s.state, PayoutState::Cancelled);
    let e = p
        .parse_cancel(
            PAYOUT_ID,
            &answer(
                400,
                r#"{"error_code":"CANCELLATION_NOT_ALLOWED","message":"Disbursement has been processed"}"#,
            ),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                reason: RejectReason::NotAllowed,
                ..
            }
        ),
        "{e:?}"
    );
    let e = p
        .parse_cancel(
            PAYOUT_ID,
            &answer(404, r#"{"error_code":"DATA_NOT_FOUND","message":"x"}"#),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                reason: RejectReason::NotFound,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn balance_answers() {
    for (region, body, available) in [
        ("indonesia", r#"{"balance": 1241231}"#, "1241231"),
        ("philippines", r#"{"balance": 1500.25}"#, "1500.25"),
        ("indonesia", r#"{"balance": 0}"#, "0"),
        ("indonesia", r#"{"balance": -5000}"#, "-5000"),
    ] {
        let b = xendit(region).parse_balance(&answer(200, body)).unwrap();
        assert_eq!(b.available.to_string(), available);
        assert_eq!(b.provider, "xendit");
        assert_eq!(
            b.currency,
            provider_xendit::region(region).unwrap().currency
        );
    }
    for body in [
        r#"{}"#,
        r#"{"balance":null}"#,
        r#"{"balance":"x"}"#,
        r#"{"balance":1e6}"#,
        "[]",
    ] {
        let e = xendit("indonesia")
            .parse_balance(&answer(200, body))
            .unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{body}: {e:?}");
    }
    let e = xendit("indonesia")
        .parse_balance(&answer(
            400,
            r#"{"error_code":"FEATURE_NOT_AVAILABLE","message":"x"}"#,
        ))
        .unwrap_err();
    assert!(matches!(e, Error::Rejected { .. }), "{e:?}");
}
