//! Reading Xendit's payout object (spec §3.2, §4, D5, D6, D17) into a
//! [`PayoutStatus`]: the status table, exact amounts, the success time,
//! and the other fields kept in `extra` with personal data masked.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use payout_core::{parse_amount, Currency, Decimal, LocalTime, PayoutState, PayoutStatus, TradeNo};
use serde_json::{Map, Value};

use crate::region::Region;
use crate::ID;

/// A JSON object.
pub(crate) type Object = Map<String, Value>;

/// Every documented status and the SDK state it means (spec §4, D6).
/// Anything else is [`PayoutState::Unknown`], never failed.
pub const STATUSES: &[(&str, PayoutState)] = &[
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
];

/// The SDK state of a Xendit status, and the status as kept (borrowed from
/// [`STATUSES`] when documented).
///
/// ```
/// use payout_core::PayoutState;
/// assert_eq!(provider_xendit::state_of("LOCKED").0, PayoutState::Processing);
/// assert_eq!(provider_xendit::state_of("succeeded").0, PayoutState::Unknown);
/// ```
pub fn state_of(status: &str) -> (PayoutState, Cow<'static, str>) {
    match STATUSES.iter().find(|(s, _)| *s == status) {
        Some((s, state)) => (*state, Cow::Borrowed(*s)),
        None => (PayoutState::Unknown, Cow::Owned(status.to_owned())),
    }
}

/// Fields read into typed parts of the status (the rest goes to `extra`).
const TYPED: &[&str] = &[
    "id",
    "reference_id",
    "status",
    "failure_code",
    "amount",
    "currency",
];

/// Reads a JSON object.
pub(crate) fn object(body: &[u8]) -> Result<Object, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the answer is JSON but not an object".into()),
        Err(e) => Err(format!("the answer is not JSON: {e}")),
    }
}

/// Reads the items of a list answer: a bare array (the reference docs) or
/// `{"data": [...], "has_more": ..}` (the SDKs and the sandbox), D3.
pub(crate) fn list(body: &[u8]) -> Result<Vec<Object>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(items)) => items,
            _ => return Err("the list answer has no `data` array".into()),
        },
        _ => return Err("the list answer is neither an array nor an object".into()),
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(map) => Ok(map),
            _ => Err("a list item is not a payout object".into()),
        })
        .collect()
}

/// A string field, `None` when absent, null or empty.
pub(crate) fn str_field<'a>(obj: &'a Object, key: &str) -> Result<Option<&'a str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

/// An amount exactly as written: a JSON number or a string of digits with
/// at most one decimal point. Signs, exponents and anything else are
/// refused (a payout amount is never negative; an exponent would mean the
/// text was produced through a binary float).
pub(crate) fn amount(value: &Value, key: &str, signed: bool) -> Result<Decimal, String> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(format!("`{key}` is not an amount")),
    };
    let digits = if signed {
        text.strip_prefix('-').unwrap_or(&text)
    } else {
        &text
    };
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !plain(whole) || frac.is_some_and(|f| !plain(f)) {
        return Err(format!(
            "`{key}` is not a plain decimal amount: {}",
            payout_core::error::excerpt(text.as_bytes(), 40)
        ));
    }
    let value = parse_amount(digits).map_err(|_| format!("`{key}` is out of range"))?;
    Ok(if digits.len() < text.len() {
        -value
    } else {
        value
    })
}

/// An ISO 8601 time as Xendit sends it (`2024-12-31T23:53:59Z`, with or
/// without milliseconds).
pub(crate) fn instant(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text.trim()).ok()
}

/// Masks an account number or phone: `****` and its last four characters
/// (only `****` when it is that short).
pub fn mask(account: &str) -> String {
    let n = account.chars().count();
    if n <= 4 {
        return "****".to_owned();
    }
    let tail: String = account.chars().skip(n - 4).collect();
    format!("****{tail}")
}

/// A field kept in `extra`, with personal data masked or dropped: account
/// numbers keep their last four characters, holder names and receipt
/// e-mail addresses are dropped. `None` = drop the field.
fn kept(key: &str, value: &Value) -> Option<Value> {
    match (key, value) {
        ("account_holder_name" | "receipt_notification", _) => None,
        ("account_number", Value::String(s)) => Some(Value::String(mask(s))),
        ("account_number", _) => Some(Value::String("****".into())),
        ("channel_properties", Value::Object(props)) => Some(Value::Object(
            props
                .iter()
                .filter_map(|(k, v)| kept(k, v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        _ => Some(value.clone()),
    }
}

/// Reads a payout object into a status.
///
/// `expected` is the trade number asked about (its answer must be about
/// it); without it the trade number is the object's `reference_id`.
/// `status_override` supplies the status when the object has none (a
/// webhook whose event names it).
///
/// # Errors
/// A message naming the field that is missing or malformed.
pub(crate) fn status_of(
    region: &Region,
    obj: &Object,
    expected: Option<&TradeNo>,
    status_override: Option<&str>,
) -> Result<PayoutStatus, String> {
    let trade_no = match (str_field(obj, "reference_id")?, expected) {
        (Some(r), Some(exp)) if r != exp.as_str() => {
            return Err(format!(
                "the payout is about reference_id {r:?}, not {:?}",
                exp.as_str()
            ))
        }
        (Some(r), _) => TradeNo::new(r).map_err(|e| {
            format!("reference_id {r:?} cannot be a trade number of this SDK ({e}); query the payout by its id")
        })?,
        (None, Some(exp)) => exp.clone(),
        (None, None) => return Err("the payout has no `reference_id`".into()),
    };
    let id = str_field(obj, "id")?.ok_or("the payout has no `id`")?;
    let raw_status = match (str_field(obj, "status")?, status_override) {
        (Some(s), _) => s,
        (None, Some(s)) => s,
        (None, None) => return Err("the payout has no `status`".into()),
    };
    let currency = match str_field(obj, "currency")? {
        Some(c) => c
            .parse::<Currency>()
            .map_err(|_| format!("`currency` {c:?} is not an ISO 4217 code"))?,
        None => region.currency,
    };
    let (state, provider_status) = state_of(raw_status);
    let mut status = PayoutStatus::new(ID, trade_no, state, provider_status, currency);
    status.platform_trade_no = Some(id.to_owned());
    status.message = str_field(obj, "failure_code")?.map(str::to_owned);
    status.amount = match obj.get("amount") {
        None | Some(Value::Null) => None,
        Some(v) => Some(amount(v, "amount", false)?),
    };
    if state == PayoutState::Succeeded {
        // Xendit sends no success time: the last change of a SUCCEEDED
        // payout is when it succeeded.
        status.success_time = str_field(obj, "updated")?
            .and_then(instant)
            .map(|t| LocalTime {
                local: t.with_timezone(&region.zone).naive_local(),
                zone: region.zone,
            });
    }
    for (k, v) in obj {
        if !TYPED.contains(&k.as_str()) {
            if let Some(v) = kept(k, v) {
                status.extra.insert(k.clone(), v);
            }
        }
    }
    Ok(status)
}

/// Chooses the payout of a lookup by reference among `items` (all about
/// `trade_no`): the one whose `idempotency_key` is the trade number when
/// exactly one says so, else the one created last (ties: the later in the
/// list). `None` for an empty list.
pub(crate) fn choose<'a>(items: &'a [Object], trade_no: &TradeNo) -> Option<&'a Object> {
    let keyed: Vec<&Object> = items
        .iter()
        .filter(|o| o.get("idempotency_key").and_then(Value::as_str) == Some(trade_no.as_str()))
        .collect();
    if let [one] = keyed.as_slice() {
        return Some(one);
    }
    items
        .iter()
        .enumerate()
        .max_by_key(|(i, o)| {
            let created = o.get("created").and_then(Value::as_str).and_then(instant);
            (created, *i)
        })
        .map(|(_, o)| o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_and_plain() {
        let n = |t: &str| serde_json::from_str::<Value>(t).unwrap();
        assert_eq!(
            amount(&n("10000"), "a", false).unwrap().to_string(),
            "10000"
        );
        assert_eq!(amount(&n("1.10"), "a", false).unwrap().to_string(), "1.10");
        assert_eq!(
            amount(&n("12345678901234567890.12"), "a", false)
                .unwrap()
                .to_string(),
            "12345678901234567890.12"
        );
        for bad in [
            "-1", "1e3", "1E3", "\"1.\"", "\".5\"", "\"\"", "true", "\"+1\"",
        ] {
            assert!(amount(&n(bad), "a", false).is_err(), "{bad}");
        }
        assert_eq!(amount(&n("-5.5"), "a", true).unwrap().to_string(), "-5.5");
    }

    #[test]
    fn masks_keep_four() {
        assert_eq!(mask("000000000099"), "****0099");
        assert_eq!(mask("1234"), "****");
    }

    #[test]
    fn latest_created_wins_with_milliseconds() {
        let t = TradeNo::new("r").unwrap();
        let items = list(
            br#"[{"id":"b","created":"2024-12-31T23:53:59.500Z"},{"id":"a","created":"2024-12-31T23:53:59Z"}]"#,
        )
        .unwrap();
        assert_eq!(choose(&items, &t).unwrap()["id"], "b");
    }
}
