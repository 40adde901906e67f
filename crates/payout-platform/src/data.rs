//! Reading the `data` object of answers and callbacks into a
//! [`PayoutStatus`], leniently where the platform drifts and strictly where
//! money is concerned.

use payout_core::{parse_amount, Currency, Decimal, Error, LocalTime, PayoutStatus, TradeNo, Tz};
use serde_json::{Map, Value};

use crate::status_code::state_of;

/// Keys read into typed fields; everything else goes to `extra`.
pub(crate) const KNOWN: [&str; 9] = [
    "tradeNo",
    "platFormTradeNo",
    "payproTradeNo",
    "status",
    "message",
    "orderAmount",
    "payAmount",
    "amount",
    "successTime",
];

/// Why a `data` object could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError(pub String);

/// A scalar as text: strings as-is, numbers as their exact JSON digits.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An amount from a string (`"300.00"`) or a JSON number (`3.0000`), read
/// exactly from its received text by [`parse_amount`]: plain decimal
/// digits, or an exponent form only when it converts without loss. Absent,
/// `null` or blank means no amount.
///
/// # Errors
/// When present but not such an amount (a sign, separator, space, stray
/// point, or more digits than an exact decimal holds): the message names
/// `key` and the rule broken.
pub fn amount(data: &Map<String, Value>, key: &str) -> Result<Option<Decimal>, DataError> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v @ (Value::String(_) | Value::Number(_))) => {
            let t = text(v).unwrap_or_default();
            parse_amount(&t).map(Some).map_err(|e| match e {
                Error::Validation { rule, .. } => {
                    DataError(format!("`{key}` is not a valid amount: it {rule}"))
                }
                other => DataError(format!("`{key}` is not a valid amount: {other}")),
            })
        }
        Some(other) => Err(DataError(format!("`{key}` is not an amount: {other}"))),
    }
}

/// Reads a payout status from a query answer's or a callback's `data`.
///
/// `expected` is the trade number asked about (queries); when given, an
/// answer about another payout is an error.
///
/// # Errors
/// [`DataError`] naming the field that is missing or malformed.
pub fn read_status(
    provider: &'static str,
    currency: Currency,
    zone: Tz,
    data: &Map<String, Value>,
    expected: Option<&TradeNo>,
) -> Result<PayoutStatus, DataError> {
    let trade_no = match (data.get("tradeNo").and_then(text), expected) {
        (Some(t), Some(exp)) if t != exp.as_str() => {
            return Err(DataError(format!(
                "answer is about tradeNo {t:?}, not {:?}",
                exp.as_str()
            )))
        }
        (Some(t), _) => TradeNo::new(t).map_err(|e| DataError(format!("bad `tradeNo`: {e}")))?,
        (None, Some(exp)) => exp.clone(),
        (None, None) => return Err(DataError("no `tradeNo`".into())),
    };
    let provider_status = data
        .get("status")
        .and_then(text)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| DataError("no `status`".into()))?;
    let mut status = PayoutStatus::new(
        provider,
        trade_no,
        state_of(&provider_status),
        provider_status,
        currency,
    );
    status.platform_trade_no = data
        .get("platFormTradeNo")
        .or_else(|| data.get("payproTradeNo"))
        .and_then(text)
        .filter(|s| !s.is_empty());
    status.message = data.get("message").and_then(text);
    status.requested_amount = amount(data, "orderAmount")?;
    status.paid_amount = amount(data, "payAmount")?;
    status.amount = amount(data, "amount")?;
    let mut keep_raw_time = false;
    if let Some(t) = data
        .get("successTime")
        .and_then(text)
        .filter(|t| !t.trim().is_empty())
    {
        status.success_time = LocalTime::parse(&t, zone);
        if status.success_time.is_none() {
            tracing::warn!(success_time = %t, "successTime is not yyyy-MM-dd HH:mm:ss; kept verbatim in extra");
            keep_raw_time = true;
        }
    }
    for (k, v) in data {
        if !KNOWN.contains(&k.as_str()) || (keep_raw_time && k == "successTime") {
            status.extra.insert(k.clone(), v.clone());
        }
    }
    Ok(status)
}
