//! Every public domain type reads back what it writes: serde (JSON) and
//! `FromStr(Display(x))` are identities, amounts keep their scale, times
//! keep their zone.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use payout_core::{
    decide_update, ApplyDecision, Balance, CallbackSigning, CreateDedup, Currency, Decimal,
    LocalTime, Operation, PayoutState, PayoutStatus, PayoutUpdate, RejectReason, TradeNo, Tz,
};
use proptest::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// JSON there and back gives the same value **and** the same JSON (so an
/// amount's scale, which `==` on decimals ignores, is kept too).
fn serde_identity<T>(x: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_string(x).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, x);
    let again = serde_json::to_string(&back).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(again, json);
    Ok(())
}

/// `FromStr(Display(x)) == x`.
fn text_identity<T>(x: &T) -> Result<(), TestCaseError>
where
    T: FromStr + std::fmt::Display + PartialEq + Debug,
    T::Err: Debug,
{
    let text = x.to_string();
    match text.parse::<T>() {
        Ok(back) => prop_assert_eq!(&back, x),
        Err(e) => prop_assert!(false, "{text:?}: {e:?}"),
    }
    Ok(())
}

fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        // The full 96-bit mantissa.
        (-(1i128 << 95)..(1i128 << 95), 0u32..=28)
            .prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
        Just(Decimal::new(30000, 2)),
    ]
}

fn trade_no() -> impl Strategy<Value = TradeNo> {
    "[!-~]{1,40}".prop_map(|t| TradeNo::new(t).expect("printable ASCII"))
}

fn currency() -> impl Strategy<Value = Currency> {
    "[A-Z]{3}".prop_map(|c| c.parse().expect("three letters"))
}

fn state() -> impl Strategy<Value = PayoutState> {
    prop::sample::select(PayoutState::ALL.to_vec())
}

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec())
}

fn local_time() -> impl Strategy<Value = LocalTime> {
    let nanos = prop_oneof![
        Just(0u32),
        (0u32..1000).prop_map(|ms| ms * 1_000_000),
        0u32..1_000_000_000,
    ];
    (
        1900i32..2200,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        nanos,
        zone(),
    )
        .prop_map(|(y, mo, d, h, mi, s, n, zone)| LocalTime {
            local: NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_nano_opt(h, mi, s, n))
                .expect("a valid date"),
            zone,
        })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        "[ -~]{0,12}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        decimal().prop_map(|d| serde_json::from_str(&d.to_string()).expect("a JSON number")),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = PayoutStatus> {
    (
        (
            "[a-z]{1,8}",
            trade_no(),
            state(),
            "[0-9A-Z_]{0,6}",
            currency(),
        ),
        (
            proptest::option::of("[ -~]{0,16}"),
            proptest::option::of("[ -~]{0,16}"),
            proptest::option::of(decimal()),
            proptest::option::of(decimal()),
            proptest::option::of(decimal()),
            proptest::option::of(local_time()),
            prop::collection::btree_map("[a-zA-Z]{1,8}", json_value(), 0..4),
        ),
    )
        .prop_map(
            |(
                (provider, trade_no, state, code, currency),
                (platform_no, message, requested, paid, amount, success_time, extra),
            )| {
                let mut s = PayoutStatus::new(provider, trade_no, state, code, currency);
                s.platform_trade_no = platform_no;
                s.message = message;
                s.requested_amount = requested;
                s.paid_amount = paid;
                s.amount = amount;
                s.success_time = success_time;
                s.extra = extra.into_iter().collect::<BTreeMap<_, _>>();
                s
            },
        )
}

proptest! {
    #[test]
    fn statuses_round_trip(s in status()) {
        serde_identity(&s)?;
    }

    #[test]
    fn updates_round_trip(
        s in status(),
        sent_at in proptest::option::of(any::<u64>()),
        event in proptest::option::of("[a-z.]{1,20}"),
        delivery in proptest::option::of("[ -~]{1,20}"),
    ) {
        let mut u = PayoutUpdate::new(s, sent_at);
        if let Some(e) = event {
            u = u.with_event(e);
        }
        if let Some(d) = delivery {
            u = u.with_delivery_id(d);
        }
        serde_identity(&u)?;
    }

    #[test]
    fn balances_round_trip(
        provider in "[a-z]{1,8}",
        currency in currency(),
        available in decimal(),
        held in proptest::option::of((decimal(), decimal())),
    ) {
        let b = match held {
            Some((frozen, unsettled)) => Balance::new(provider, currency, available, frozen, unsettled),
            None => Balance::available_only(provider, currency, available),
        };
        serde_identity(&b)?;
    }

    #[test]
    fn money_round_trips(amount in decimal(), currency in currency()) {
        // Amounts are never negative (a sign is refused when read).
        let m = payout_core::Money::new(amount.abs(), currency);
        serde_identity(&m)?;
        text_identity(&m)?;
        prop_assert_eq!(m.to_string().parse::<payout_core::Money>().map(|b| b.amount.scale()).ok(), Some(amount.scale()));
    }

    #[test]
    fn local_times_round_trip(t in local_time()) {
        serde_identity(&t)?;
        text_identity(&t)?;
        // The wire text is kept as it was received.
        let wire = t.local_string();
        prop_assert_eq!(
            LocalTime::parse(&wire, t.zone).map(|p| p.local),
            Some(NaiveDateTime::parse_from_str(&wire, LocalTime::FORMAT).expect("wire form"))
        );
        // The text carries the instant: its offset, where the time exists
        // (and the offset has whole minutes, as all have since the 1970s).
        let whole_minutes = t.offset().local_minus_utc() % 60 == 0;
        if let Some(utc) = t.to_utc().filter(|_| whole_minutes) {
            let text = t.to_string();
            let stamp = text.split('[').next().unwrap_or_default();
            let at = chrono::DateTime::parse_from_rfc3339(stamp).expect("RFC 3339");
            prop_assert_eq!(at.with_timezone(&chrono::Utc), utc);
        }
    }

    #[test]
    fn names_round_trip(
        trade_no in trade_no(),
        currency in currency(),
        state in state(),
        operation in prop::sample::select(Operation::ALL.to_vec()),
        reason in prop::sample::select(RejectReason::ALL.to_vec()),
        dedup in prop::sample::select(CreateDedup::ALL.to_vec()),
        signing in prop::sample::select(CallbackSigning::ALL.to_vec()),
        known in proptest::option::of(state()),
        update in state(),
    ) {
        let decision = decide_update(known, update);
        text_identity(&trade_no)?;
        serde_identity(&trade_no)?;
        text_identity(&currency)?;
        serde_identity(&currency)?;
        text_identity(&state)?;
        serde_identity(&state)?;
        text_identity(&operation)?;
        serde_identity(&operation)?;
        text_identity(&reason)?;
        serde_identity(&reason)?;
        text_identity(&dedup)?;
        serde_identity(&dedup)?;
        text_identity(&signing)?;
        serde_identity(&signing)?;
        text_identity(&decision)?;
        serde_identity(&decision)?;
    }

    #[test]
    fn bad_text_is_an_error_never_a_panic(text in ".{0,60}") {
        let _ = text.parse::<LocalTime>();
        let _ = text.parse::<ApplyDecision>();
        let _ = text.parse::<PayoutState>();
        let _ = serde_json::from_str::<PayoutStatus>(&text);
    }
}

#[test]
fn amounts_keep_their_scale() {
    let mut s = PayoutStatus::new(
        "paypro",
        TradeNo::new("PO-1").unwrap(),
        PayoutState::Succeeded,
        "0000",
        Currency::from_static("IDR"),
    );
    s.amount = Some("300.00".parse().unwrap());
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["amount"], "300.00");
    let back: PayoutStatus = serde_json::from_value(json).unwrap();
    assert_eq!(back.amount.unwrap().to_string(), "300.00");
}

#[test]
fn times_name_offset_and_zone_and_check_them() {
    let jakarta = LocalTime::parse("2024-10-12 12:59:32", chrono_tz::Asia::Jakarta).unwrap();
    assert_eq!(
        serde_json::to_value(jakarta).unwrap(),
        "2024-10-12T12:59:32+07:00[Asia/Jakarta]"
    );
    // New York: 01:30 on 2024-11-03 happens twice (the earlier offset is
    // written, both read), 02:30 on 2024-03-10 never (the offset before
    // the change).
    let ny = chrono_tz::America::New_York;
    let twice = LocalTime::parse("2024-11-03 01:30:00", ny).unwrap();
    assert_eq!(
        twice.to_string(),
        "2024-11-03T01:30:00-04:00[America/New_York]"
    );
    assert_eq!(
        "2024-11-03T01:30:00-05:00[America/New_York]"
            .parse::<LocalTime>()
            .unwrap(),
        twice
    );
    let skipped = LocalTime::parse("2024-03-10 02:30:00", ny).unwrap();
    assert_eq!(
        skipped.to_string(),
        "2024-03-10T02:30:00-05:00[America/New_York]"
    );
    assert_eq!(skipped.to_string().parse::<LocalTime>().unwrap(), skipped);
    for bad in [
        "2024-10-12 12:59:32",
        "2024-10-12T12:59:32+07:00",
        "2024-10-12T12:59:32+07:00[Mars/Olympus]",
        "2024-10-12T12:59:32+08:00[Asia/Jakarta]",
        "2024-10-12T12:59:32Z[Asia/Jakarta]",
        "2024-11-03T01:30:00-06:00[America/New_York]",
    ] {
        let err = bad.parse::<LocalTime>().unwrap_err().to_string();
        assert!(err.contains("local_time"), "{bad}: {err}");
    }
}
