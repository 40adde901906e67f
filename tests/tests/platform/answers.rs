//! Outer codes, create answers and balance answers (spec §3, §5, §6):
//! each gives the right typed result or error, without a network.

mod common;

use common::{accepted, demo, seed_trade_no};
use payout_core::{Decimal, Error, Operation, PayoutState, RetryAdvice};
use payout_testkit::platform::orders::valid_order;
use payout_testkit::platform::region;

fn query(body: &str) -> Result<payout_core::PayoutStatus, Error> {
    demo("body")
        .unwrap()
        .parse_query(&seed_trade_no(), body.as_bytes())
}

fn invalid_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::InvalidResponse { message, .. }) => message,
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[test]
fn outer_5000_is_provider_unavailable_and_retryable() {
    let body = r#"{"code":"5000","msg":"system exception","success":false,"timestamp":1}"#;
    let e = query(body).unwrap_err();
    assert!(
        matches!(&e, Error::ProviderUnavailable { operation: Operation::QueryPayout, code, msg }
            if code == "5000" && msg == "system exception"),
        "{e:?}"
    );
    assert_eq!(e.retry_advice(), RetryAdvice::Safe);
    let p = demo("body").unwrap();
    assert!(matches!(
        p.parse_balance(body.as_bytes()),
        Err(Error::ProviderUnavailable { .. })
    ));
}

#[test]
fn outer_8000_and_undocumented_codes_are_rejections_verbatim() {
    for (code_json, code, msg) in [
        (r#""8000""#, "8000", "sign error"),
        ("8000", "8000", "请求失败"),
        (r#""9999""#, "9999", "  spaces kept  "),
        (r#""0001""#, "0001", ""),
    ] {
        let body = format!(
            r#"{{"code":{code_json},"msg":{},"success":"false"}}"#,
            serde_json::json!(msg)
        );
        match query(&body) {
            Err(e @ Error::Rejected { .. }) => {
                assert_eq!(e.retry_advice(), RetryAdvice::Never);
                let Error::Rejected {
                    code: c, msg: m, ..
                } = e
                else {
                    unreachable!()
                };
                assert_eq!((c.as_str(), m.as_str()), (code, msg));
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn accepted_answers_without_usable_data_are_invalid() {
    let no_data = r#"{"code":"0000","msg":"success"}"#;
    assert!(invalid_message(query(no_data)).contains("without a `data` object"));
    let other = accepted(r#"{"tradeNo":"someone_else","status":"0000"}"#);
    assert!(invalid_message(query(&other)).contains("someone_else"));
    let no_status = accepted(r#"{"tradeNo":"test_00000002"}"#);
    assert!(invalid_message(query(&no_status)).contains("status"));
    let bad_amount = accepted(r#"{"tradeNo":"test_00000002","status":"0000","amount":"1,5"}"#);
    assert!(invalid_message(query(&bad_amount)).contains("amount"));
    let float_amount =
        accepted(r#"{"tradeNo":"test_00000002","status":"0000","orderAmount":true}"#);
    assert!(invalid_message(query(&float_amount)).contains("orderAmount"));
    for garbage in ["", "null", "[]", "<html>502</html>", r#"{"code":null}"#] {
        invalid_message(query(garbage));
    }
}

#[test]
fn a_response_sign_is_accepted_and_ignored() {
    let body = accepted(r#"{"tradeNo":"test_00000002","status":"0000","sign":"whatever"}"#);
    let status = query(&body).unwrap();
    assert_eq!(status.state, PayoutState::Succeeded);
    assert_eq!(status.extra["sign"], "whatever");
}

#[test]
fn create_answers() {
    let p = demo("body").unwrap();
    let order = valid_order(region(&common::DEMO, "body").unwrap()).unwrap();
    let t = order.trade_no.as_str();

    let accepted_without_status =
        accepted(&format!(r#"{{"tradeNo":"{t}","platFormTradeNo":"PX"}}"#));
    let s = p
        .parse_create(&order, accepted_without_status.as_bytes())
        .unwrap();
    assert_eq!(
        (s.state, &*s.provider_status),
        (PayoutState::Processing, "")
    );
    assert_eq!(s.amount, Some(order.amount), "the order's amount stands in");

    let failed_at_once = accepted(&format!(
        r#"{{"tradeNo":"{t}","status":"00029","message":"Fail"}}"#
    ));
    let s = p.parse_create(&order, failed_at_once.as_bytes()).unwrap();
    assert_eq!(s.state, PayoutState::Failed);

    let kenya = accepted(r#"{"serialNumber":"KE-SERIAL-1"}"#);
    let s = p.parse_create(&order, kenya.as_bytes()).unwrap();
    assert_eq!(s.platform_trade_no.as_deref(), Some("KE-SERIAL-1"));
    assert_eq!(s.state, PayoutState::Processing);

    let rejected = r#"{"code":"8000","msg":"insufficient balance"}"#;
    assert!(matches!(
        p.parse_create(&order, rejected.as_bytes()),
        Err(Error::Rejected {
            operation: Operation::CreatePayout,
            ..
        })
    ));
    let unavailable = r#"{"code":"5000","msg":"system"}"#;
    assert!(matches!(
        p.parse_create(&order, unavailable.as_bytes()),
        Err(Error::ProviderUnavailable { .. })
    ));
    assert!(matches!(
        p.parse_create(&order, b"{\"code\":\"0000\",\"data\":"),
        Err(Error::InvalidResponse { .. })
    ));
}

#[test]
fn balance_answers() {
    let p = demo("body").unwrap();
    let both = [
        r#"{"availableAmount":"9998989.0000","freezeAmount":"12.50","unsettledAmount":"0"}"#,
        r#"{"availablAmount":9998989.0000,"freezeAmount":12.50,"unsettledAmount":0}"#,
    ];
    for data in both {
        let b = p.parse_balance(accepted(data).as_bytes()).unwrap();
        assert_eq!(b.available.to_string(), "9998989.0000", "{data}");
        assert_eq!(b.frozen, Some(Decimal::new(1250, 2)));
        assert_eq!(b.unsettled, Some(Decimal::ZERO));
        assert_eq!(b.currency.as_str(), "NGN");
    }
    let only_available = p
        .parse_balance(accepted(r#"{"availableAmount":"1"}"#).as_bytes())
        .unwrap();
    assert_eq!(only_available.frozen, Some(Decimal::ZERO));
    let missing = p.parse_balance(accepted(r#"{"freezeAmount":"1"}"#).as_bytes());
    assert!(invalid_message(missing).contains("availableAmount"));
    let bad = p.parse_balance(accepted(r#"{"availableAmount":"lots"}"#).as_bytes());
    assert!(invalid_message(bad).contains("availableAmount"));
}

/// Outer codes that are not exactly a documented code: padded, with a
/// control character, full-width digits, a number (also in exponent
/// form), an undocumented code, a repeated `code` key.
const GARBLED_CODES: [&str; 12] = [
    r#""code":"5000\n""#,
    r#""code":"0000 ""#,
    r#""code":" 8000""#,
    r#""code":"8000\t""#,
    r#""code":5e3"#,
    r#""code":8000"#,
    r#""code":5000"#,
    r#""code":"５０００""#,
    r#""code":"８０００""#,
    r#""code":"9999""#,
    r#""code":"8000","code":"0000""#,
    r#""code":"0000","code":"8000""#,
];

#[test]
fn a_garbled_outer_code_on_a_create_is_invalid_never_a_rejection() {
    let p = demo("body").unwrap();
    let order = valid_order(region(&common::DEMO, "body").unwrap()).unwrap();
    let data = format!(r#"{{"tradeNo":"{}","status":"0015"}}"#, order.trade_no);
    for code in GARBLED_CODES {
        let body = format!(r#"{{{code},"msg":"order error","success":false,"data":{data}}}"#);
        let message = invalid_message(p.parse_create(&order, body.as_bytes()));
        assert!(
            message.contains("undocumented outer code") || message.contains("more than once"),
            "{body}: {message}"
        );
    }
    // The documented forms keep their meaning.
    let rejected = r#"{"code":"8000","msg":"order error"}"#;
    assert!(matches!(
        p.parse_create(&order, rejected.as_bytes()),
        Err(Error::Rejected { .. })
    ));
}

#[test]
fn a_garbled_outer_code_names_its_exact_form() {
    let p = demo("body").unwrap();
    let order = valid_order(region(&common::DEMO, "body").unwrap()).unwrap();
    for (code, shown) in [
        (r#""5000\n""#, r#""5000\n""#),
        (r#""０""#, r#""０""#),
        ("5e3", "5e3 (a JSON number)"),
    ] {
        let body = format!(r#"{{"code":{code},"msg":"m"}}"#);
        let message = invalid_message(p.parse_create(&order, body.as_bytes()));
        assert!(message.contains(shown), "{body}: {message}");
    }
}

#[test]
fn a_repeated_outer_key_is_invalid_for_every_operation() {
    let p = demo("body").unwrap();
    for body in [
        r#"{"code":"8000","code":"0000","data":{}}"#,
        r#"{"code":"0000","msg":"a","msg":"b","data":{"tradeNo":"test_00000002","status":"0000"}}"#,
        r#"{"code":"0000","data":{"tradeNo":"test_00000002","status":"0000"},"data":{"tradeNo":"test_00000002","status":"00029"}}"#,
    ] {
        assert!(
            invalid_message(query(body)).contains("more than once"),
            "{body}"
        );
        assert!(invalid_message(p.parse_balance(body.as_bytes())).contains("more than once"));
    }
}

#[test]
fn garbled_codes_on_a_query_are_rejections_of_the_query_only() {
    // Spec §3: on a query or balance request an undocumented code is a
    // rejection carrying the code verbatim (the payout's state is unknown).
    for (code, verbatim) in [
        (r#""5000\n""#, "5000\n"),
        ("5e3", "5e3"),
        ("5000", "5000"),
        (r#""５０００""#, "５０００"),
    ] {
        let body = format!(r#"{{"code":{code},"msg":"m"}}"#);
        match query(&body) {
            Err(Error::Rejected { code, .. }) => assert_eq!(code, verbatim),
            other => panic!("{body}: {other:?}"),
        }
    }
}
