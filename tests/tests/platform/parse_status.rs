//! The parsed `PayoutStatus` of every query answer shape of spec §4 and of
//! every status code of spec §3, pinned by snapshots.

mod common;

use common::{accepted, demo, seed_trade_no};
use payout_core::{PayoutState, PayoutStatus};
use payout_platform::status_code::STATUS_TABLE;
use payout_testkit::platform::{ensure_secret_free, SECRET};
use serde_json::{json, Value};

/// Parses a query answer of the demo region (Africa/Lagos) and renders the
/// status with its success time in UTC, to show the zone is applied.
fn parsed(body: &str) -> Value {
    let status = demo("body")
        .unwrap()
        .parse_query(&seed_trade_no(), body.as_bytes())
        .unwrap_or_else(|e| panic!("{e}: {body}"));
    render(&status)
}

/// JSON text as serde_json writes it (numbers keep their exact digits).
fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

fn render(status: &PayoutStatus) -> Value {
    let value = json!({
        "status": status,
        "success_time_utc": status.success_time.and_then(|t| t.to_utc()).map(|t| t.to_rfc3339()),
    });
    ensure_secret_free("a parsed status", &value.to_string()).unwrap();
    value
}

#[test]
fn variant_a_paypro_seed() {
    let body = r#"{
        "msg": "success", "code": "0000", "timestamp": 1728613339884, "success": true,
        "data": {
            "platFormTradeNo": "63mz9aepqczdw280", "tradeNo": "test_00000002",
            "orderAmount": "300.00", "payAmount": "200.00", "status": "0015",
            "message": "Processing", "successTime": "2024-10-12 12:59:32"
        }
    }"#;
    insta::assert_snapshot!("variant_a_paypro_seed", pretty(&parsed(body)));
}

#[test]
fn variant_a_vexora_seed_without_success_time() {
    let body = r#"{"msg":"success","code":"0000","timestamp":"1728613339884","success":"true",
        "data":{"platFormTradeNo":"63mz9aepqczdw280","tradeNo":"test_00000002",
        "orderAmount":"300.00","payAmount":"200.00","status":"0015","message":"in processing"}}"#;
    insta::assert_snapshot!("variant_a_vexora_seed", pretty(&parsed(body)));
}

#[test]
fn variant_a_amounts_as_numbers() {
    let body = accepted(
        r#"{"tradeNo":"test_00000002","platFormTradeNo":"P1","orderAmount":300.00,
        "payAmount":199.995,"status":"0000","message":"success","successTime":"2024-10-12 12:59:32"}"#,
    );
    let value = parsed(&body);
    assert_eq!(value["status"]["requested_amount"], "300.00");
    assert_eq!(value["status"]["paid_amount"], "199.995");
    insta::assert_snapshot!("variant_a_number_amounts", pretty(&value));
}

#[test]
fn variant_b_string_amount() {
    let body = accepted(
        r#"{"tradeNo":"test_00000002","platFormTradeNo":"P2","amount":"1500.50",
        "status":"00029","message":"Fail","successTime":""}"#,
    );
    insta::assert_snapshot!("variant_b_string_amount", pretty(&parsed(&body)));
}

#[test]
fn variant_b_unknown_fields_kept() {
    let body = accepted(
        r#"{"tradeNo":"test_00000002","platFormTradeNo":"P3","amount":"1000","status":"0000",
        "message":"success","successTime":"2024-10-12 12:59:32","utr":"412345678901",
        "remark":"salary","createTime":"2024-10-12 12:00:00","fee":1.25,"nested":{"a":[1,2]}}"#,
    );
    let value = parsed(&body);
    for key in ["utr", "remark", "createTime", "fee", "nested"] {
        assert!(value["status"]["extra"].get(key).is_some(), "{key} dropped");
    }
    assert_eq!(value["status"]["extra"]["fee"], json!(1.25));
    insta::assert_snapshot!("variant_b_unknown_fields", pretty(&value));
}

#[test]
fn variant_c_number_amount_four_decimals() {
    let body = accepted(
        r#"{"tradeNo":"test_00000002","platFormTradeNo":"P4","amount":3.0000,"status":"0000",
        "message":"success","successTime":"2024-10-12 23:30:00"}"#,
    );
    let value = parsed(&body);
    assert_eq!(value["status"]["amount"], "3.0000", "scale lost");
    insta::assert_snapshot!("variant_c_number_amount", pretty(&value));
}

#[test]
fn paypro_trade_no_alias() {
    let body = accepted(
        r#"{"tradeNo":"test_00000002","payproTradeNo":"PP-ALIAS-1","amount":"10","status":"0015","message":"Processing"}"#,
    );
    let value = parsed(&body);
    assert_eq!(value["status"]["platform_trade_no"], "PP-ALIAS-1");
    insta::assert_snapshot!("alias_paypro_trade_no", pretty(&value));
}

#[test]
fn malformed_success_time_is_kept_verbatim() {
    let body = accepted(
        r#"{"tradeNo":"test_00000002","platFormTradeNo":"P5","amount":"10","status":"0000",
        "message":"success","successTime":"12/10/2024 12:59"}"#,
    );
    let value = parsed(&body);
    assert_eq!(value["status"]["success_time"], Value::Null);
    assert_eq!(value["status"]["extra"]["successTime"], "12/10/2024 12:59");
    insta::assert_snapshot!("success_time_malformed", pretty(&value));
}

#[test]
fn every_status_code_row_and_an_undocumented_one() {
    let mut rows = Vec::new();
    let undocumented = [("12345", "undocumented"), ("0016", "undocumented")];
    let table = STATUS_TABLE.iter().map(|(c, m, _)| (*c, *m));
    for (code, meaning) in table.chain(undocumented) {
        let body = accepted(&format!(
            r#"{{"tradeNo":"test_00000002","platFormTradeNo":"P6","amount":"100","status":"{code}","message":"{meaning}"}}"#
        ));
        let status = demo("body")
            .unwrap()
            .parse_query(&seed_trade_no(), body.as_bytes())
            .unwrap();
        assert_eq!(status.provider_status, code);
        let expected = STATUS_TABLE
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or(PayoutState::Unknown, |(_, _, s)| *s);
        assert_eq!(status.state, expected, "{code}");
        rows.push(json!({"code": code, "meaning": meaning, "state": status.state}));
    }
    for (code, _) in undocumented {
        let row = rows.iter().find(|r| r["code"] == code).unwrap();
        assert_eq!(
            row["state"], "unknown",
            "an undocumented code must never read as failed"
        );
    }
    insta::assert_snapshot!("status_codes", pretty(&rows));
}

#[test]
fn message_never_overrides_status() {
    // Korea's example pairs 00029 with "Processing": status is authoritative.
    let body = accepted(
        r#"{"tradeNo":"test_00000002","amount":"100","status":"00029","message":"Processing"}"#,
    );
    assert_eq!(parsed(&body)["status"]["state"], "failed");
}

#[test]
fn snapshots_hold_no_secret() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/platform/snapshots");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains(SECRET), "a snapshot holds the secret");
        seen += 1;
    }
    assert!(seen > 0);
}
