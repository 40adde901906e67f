//! The envelope's type drift (spec §3): `timestamp` number or string,
//! `success` boolean or string; outer codes kept verbatim.

use payout_core::{Error, Operation};
use payout_platform::envelope::{Envelope, CODE_OK, CODE_SYSTEM_ERROR};
use proptest::prelude::*;

fn decode(body: &str) -> Envelope {
    Envelope::decode(Operation::QueryPayout, body.as_bytes()).unwrap()
}

proptest! {
    #[test]
    fn timestamp_and_success_drift(
        ts in any::<u64>(),
        ts_as_string in any::<bool>(),
        success in any::<bool>(),
        success_as_string in any::<bool>(),
        upper in any::<bool>(),
    ) {
        let ts_json = if ts_as_string { format!("\"{ts}\"") } else { ts.to_string() };
        let word = if upper { success.to_string().to_uppercase() } else { success.to_string() };
        let success_json = if success_as_string { format!("\"{word}\"") } else { success.to_string() };
        let body = format!(
            r#"{{"code":"0000","msg":"success","timestamp":{ts_json},"success":{success_json},"data":{{"a":1}}}}"#
        );
        let e = decode(&body);
        prop_assert_eq!(e.timestamp, Some(ts));
        prop_assert_eq!(e.success, Some(success));
        prop_assert_eq!(e.code.as_str(), CODE_OK);
        prop_assert!(e.into_data(Operation::QueryPayout).is_ok());
    }

    #[test]
    fn other_codes_are_rejections_verbatim(code in "[0-9A-Za-z]{1,8}", msg in any::<String>()) {
        prop_assume!(code != CODE_OK && code != CODE_SYSTEM_ERROR);
        let body = serde_json::json!({"code": code, "msg": msg, "success": false}).to_string();
        match decode(&body).into_data(Operation::Balance) {
            Err(Error::Rejected { operation, code: c, msg: m, .. }) => {
                prop_assert_eq!(operation, Operation::Balance);
                prop_assert_eq!(c, code);
                prop_assert_eq!(m, msg);
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }
}

#[test]
fn odd_timestamp_and_success_types_are_absent_not_errors() {
    for (ts, success) in [
        ("null", "null"),
        ("\"soon\"", "\"yes\""),
        ("-1", "1"),
        ("1.5", "{}"),
        ("[]", "[true]"),
    ] {
        let e = decode(&format!(
            r#"{{"code":"0000","timestamp":{ts},"success":{success},"data":{{}}}}"#
        ));
        assert_eq!((e.timestamp, e.success), (None, None), "{ts} {success}");
    }
    let e = decode(r#"{"code":"0000","timestamp":" 1728613339884 ","success":"True"}"#);
    assert_eq!(
        (e.timestamp, e.success),
        (Some(1_728_613_339_884), Some(true))
    );
}

#[test]
fn msg_of_any_type_is_kept_as_text() {
    assert_eq!(decode(r#"{"code":"8000","msg":null}"#).msg, "");
    assert_eq!(decode(r#"{"code":"8000"}"#).msg, "");
    assert_eq!(decode(r#"{"code":"8000","msg":12}"#).msg, "12");
    assert_eq!(decode(r#"{"code":8000,"msg":"x"}"#).code, "8000");
}

#[test]
fn data_that_is_not_an_object_is_missing() {
    for data in ["null", "[]", "\"x\"", "1"] {
        let e = decode(&format!(r#"{{"code":"0000","data":{data}}}"#));
        assert!(matches!(
            e.into_data(Operation::QueryPayout),
            Err(Error::InvalidResponse { .. })
        ));
    }
}
