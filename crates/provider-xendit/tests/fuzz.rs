//! No byte string, as an answer to any operation or as a webhook body,
//! makes a parser panic; structured near-misses neither. A 2xx create
//! answer is never read as failed unless it says so.

mod common;

use common::*;
use http::{HeaderMap, HeaderValue};
use payout_core::{Error, PayoutState};
use payout_transport::{PayoutProtocol, WireResponse};
use proptest::prelude::*;

fn status_code() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        1 => prop::sample::select(vec![201u16, 302, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503]),
        1 => 100u16..600,
    ]
}

/// Every parser on one answer.
fn parse_all(region: &str, status: u16, body: &[u8]) {
    let p = xendit(region);
    let r = WireResponse::new(status, body.to_vec());
    let order = bank_order(region);
    let _ = p.parse_query(&order.trade_no, &r);
    let _ = p.parse_query_by_id(PAYOUT_ID, &r);
    let _ = p.parse_cancel(PAYOUT_ID, &r);
    let _ = p.parse_balance(&r);
    let _ = p.parse_existing(&order, &r);
    let created = p.parse_create(&order, &r);
    if let Ok(s) = created {
        assert!(r.is_success());
        let says_failed =
            ["FAILED", "COMPLIANCE_REJECTED", "EXPIRED"].contains(&s.provider_status.as_ref());
        assert!(s.state != PayoutState::Failed || says_failed, "{s:?}");
    }
    let mut h = HeaderMap::new();
    h.insert("x-callback-token", HeaderValue::from_static(TOKEN));
    let _ = p.verify_callback(&h, body);
    let _ = provider_xendit::dedup_key(&h, body);
}

/// JSON values that stress the readers.
fn value() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "null",
        "true",
        "0",
        "-0",
        "1",
        "-1",
        "1.5",
        "1e3",
        "1E-3",
        "0.000000000000000000000000000001",
        "123456789012345678901234567890123",
        "\"\"",
        "\" \"",
        "\"SUCCEEDED\"",
        "\"FAILED\"",
        "\"ACCEPTED\"",
        "\"REVERSED\"",
        "\"X\"",
        "\"IDR\"",
        "\"PHP\"",
        "\"idr\"",
        "\"myref-1482928194\"",
        "\"has space\"",
        "\"disb-acda3c97-57c1-4523-9d17-56ac6a550485\"",
        "\"2024-12-31T23:53:59Z\"",
        "\"2024-13-31T23:53:59Z\"",
        "\"10000\"",
        "\"1.11\"",
        "[]",
        "{}",
        "[{}]",
        "{\"account_number\":5}",
        "\"\\u0000\"",
    ])
    .prop_map(str::to_owned)
}

fn object() -> impl Strategy<Value = String> {
    let keys = prop::sample::subsequence(
        vec![
            "id",
            "reference_id",
            "status",
            "amount",
            "currency",
            "failure_code",
            "created",
            "updated",
            "channel_code",
            "channel_properties",
            "account_number",
            "account_holder_name",
            "idempotency_key",
            "balance",
            "error_code",
            "message",
            "error_message",
        ],
        0..=12,
    );
    (keys, prop::collection::vec(value(), 17)).prop_map(|(keys, values)| {
        let fields: Vec<String> = keys
            .iter()
            .zip(values)
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", fields.join(","))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_never_panic(status in status_code(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        parse_all("indonesia", status, &body);
        parse_all("philippines", status, &body);
    }

    #[test]
    fn structured_answers_never_panic(status in status_code(), obj in object(), shape in 0..4u8) {
        let body = match shape {
            0 => obj.clone(),
            1 => format!("[{obj}]"),
            2 => format!(r#"{{"data":[{obj}],"has_more":false}}"#),
            _ => format!(r#"{{"event":"payout.succeeded","api_version":"v2","created":"2025-01-01T00:00:00Z","data":{obj}}}"#),
        };
        parse_all("indonesia", status, body.as_bytes());
        parse_all("philippines", status, body.as_bytes());
    }

    /// Damaged valid answers (a byte replaced, removed or inserted).
    #[test]
    fn damaged_answers_never_panic(
        at in any::<prop::sample::Index>(),
        edit in 0..3u8,
        byte in any::<u8>(),
        status in status_code(),
    ) {
        let mut body = format!("[{}]", payout_json(&[])).into_bytes();
        let i = at.index(body.len());
        match edit {
            0 => body[i] = byte,
            1 => { body.remove(i); }
            _ => body.insert(i, byte),
        }
        parse_all("indonesia", status, &body);
    }

    /// An unreadable 2xx create answer is never a refusal.
    #[test]
    fn unreadable_create_answers_are_not_refusals(body in prop::collection::vec(any::<u8>(), 0..64)) {
        let p = xendit("indonesia");
        let r = WireResponse::new(200, body);
        if let Err(e) = p.parse_create(&bank_order("indonesia"), &r) {
            prop_assert!(matches!(e, Error::InvalidResponse { .. }), "{:?}", e);
        }
    }
}
