//! Properties over arbitrary input: no answer or callback body makes the
//! parsers panic (each yields a value or a typed error of the right
//! phase), random callbacks never verify, and a validly signed callback
//! with one field changed never verifies.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::{demo, seed_trade_no};
use http::HeaderMap;
use payout_core::{CallbackError, Error, PayoutStatus};
use payout_platform::PlatformProvider;
use payout_testkit::platform::{callbacks::sign, orders::valid_order, region};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys the parsers look at, so that random objects reach deep paths.
const KEYS: &[&str] = &[
    "code",
    "msg",
    "success",
    "timestamp",
    "data",
    "tradeNo",
    "platFormTradeNo",
    "payproTradeNo",
    "status",
    "message",
    "amount",
    "orderAmount",
    "payAmount",
    "successTime",
    "sign",
    "serialNumber",
    "availableAmount",
    "availablAmount",
    "freezeAmount",
    "unsettledAmount",
];

fn providers() -> &'static [PlatformProvider; 3] {
    static P: OnceLock<[PlatformProvider; 3]> = OnceLock::new();
    P.get_or_init(|| ["body", "header", "unsigned"].map(|r| demo(r).unwrap()))
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Any JSON number text, kept exactly (huge, tiny, long fractions).
        "-?(0|[1-9][0-9]{0,40})(\\.[0-9]{1,40})?([eE][+-]?[0-9]{1,5})?"
            .prop_filter_map("JSON number", |t| serde_json::from_str(&t).ok()),
        prop::sample::select(
            &[
                "0000",
                "0015",
                "00029",
                "5000",
                "8000",
                "test_00000002",
                "true"
            ][..]
        )
        .prop_map(Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ]
}

/// Arbitrary JSON, biased to the keys and values the platform uses.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An envelope with a plausible code around arbitrary `data`.
fn envelope() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(&["0000", "5000", "8000", "9999"][..]),
        json(),
        prop::collection::btree_map(prop::sample::select(KEYS), leaf(), 0..10),
    )
        .prop_map(|(code, other, data)| {
            let data: Map<String, Value> =
                data.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            serde_json::json!({"code": code, "msg": "m", "data": data, "other": other})
        })
}

/// Runs every parser on `body`; each must return a value or an error of
/// its phase.
fn parse_everything(body: &[u8]) -> Result<(), TestCaseError> {
    let order = valid_order(region(&common::DEMO, "body").unwrap()).unwrap();
    for p in providers() {
        let answer_error = |e: &Error| {
            matches!(
                e,
                Error::InvalidResponse { .. }
                    | Error::Rejected { .. }
                    | Error::ProviderUnavailable { .. }
            )
        };
        let results: [Result<(), Error>; 3] = [
            p.parse_query(&seed_trade_no(), body)
                .map(|_: PayoutStatus| ()),
            p.parse_create(&order, body).map(|_| ()),
            p.parse_balance(body).map(|_| ()),
        ];
        for r in results {
            if let Err(e) = r {
                prop_assert!(answer_error(&e), "{e:?}");
            }
        }
        let _ = p.parse_callback(&HeaderMap::new(), body);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..256)) {
        parse_everything(&body)?;
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        parse_everything(value.to_string().as_bytes())?;
    }

    #[test]
    fn arbitrary_envelopes_never_panic(value in envelope()) {
        parse_everything(value.to_string().as_bytes())?;
        if let Some(data) = value.get("data") {
            parse_everything(data.to_string().as_bytes())?;
        }
    }

    #[test]
    fn random_callbacks_never_verify(
        fields in prop::collection::btree_map(prop::sample::select(KEYS), leaf(), 0..10),
        with_sign in any::<bool>(),
        guess in "[0-9a-f]{32}",
    ) {
        let mut body: Map<String, Value> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        if with_sign {
            body.insert("sign".into(), Value::String(guess));
        }
        let text = Value::Object(body).to_string();
        let r = providers()[0].parse_callback(&HeaderMap::new(), text.as_bytes());
        prop_assert!(r.is_err(), "a random callback verified: {text}");
    }
}

/// Valid callback fields: printable trade number, decimal amount, known
/// status, any message.
fn callback_fields() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        "[!-~]{1,32}",
        "[0-9]{1,9}(\\.[0-9]{1,4})?",
        prop::sample::select(&["0000", "0015", "00029", "60019"][..]),
        ".{1,24}",
        "[0-9]{13}",
        "[a-z0-9]{1,32}",
        prop::option::of("20[0-9]{2}-0[1-9]-1[0-9] 1[0-9]:[0-5][0-9]:[0-5][0-9]"),
    )
        .prop_map(|(trade_no, amount, status, message, ts, platform, time)| {
            let mut m = BTreeMap::from([
                ("tradeNo".to_owned(), trade_no),
                ("amount".to_owned(), amount),
                ("status".to_owned(), status.to_owned()),
                ("message".to_owned(), message),
                ("timestamp".to_owned(), ts),
                ("platFormTradeNo".to_owned(), platform),
            ]);
            if let Some(t) = time {
                m.insert("successTime".to_owned(), t);
            }
            m
        })
}

fn body_of(fields: &BTreeMap<String, String>, sign: &str) -> String {
    let mut m: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    m.insert("sign".into(), Value::String(sign.to_owned()));
    Value::Object(m).to_string()
}

#[derive(Debug, Clone)]
enum Tamper {
    Change(usize, String),
    Remove(usize),
    Add(String, String),
    FlipSign(usize),
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        (any::<usize>(), ".{1,12}").prop_map(|(i, v)| Tamper::Change(i, v)),
        any::<usize>().prop_map(Tamper::Remove),
        ("[a-zA-Z]{1,12}", ".{1,12}").prop_map(|(k, v)| Tamper::Add(k, v)),
        any::<usize>().prop_map(Tamper::FlipSign),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_tampered_callback_never_verifies(fields in callback_fields(), how in tamper()) {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let signature = sign(&pairs).unwrap();
        let p = &providers()[0];
        let good = body_of(&fields, &signature);
        prop_assert!(p.parse_callback(&HeaderMap::new(), good.as_bytes()).is_ok(), "{good}");

        let keys: Vec<&String> = fields.keys().collect();
        let mut changed = fields.clone();
        let mut signature = signature;
        match how {
            Tamper::Change(i, v) => {
                let k = keys[i % keys.len()];
                prop_assume!(fields[k] != v);
                changed.insert(k.clone(), v);
            }
            Tamper::Remove(i) => {
                changed.remove(keys[i % keys.len()]);
            }
            Tamper::Add(k, v) => {
                prop_assume!(k != "sign" && !fields.contains_key(&k));
                changed.insert(k, v);
            }
            Tamper::FlipSign(i) => {
                let i = i % signature.len();
                let c = if &signature[i..=i] == "0" { "1" } else { "0" };
                signature.replace_range(i..=i, c);
            }
        }
        let bad = body_of(&changed, &signature);
        match p.parse_callback(&HeaderMap::new(), bad.as_bytes()) {
            Err(CallbackError::BadSignature) => {}
            other => prop_assert!(false, "{bad} gave {other:?}"),
        }
    }
}
