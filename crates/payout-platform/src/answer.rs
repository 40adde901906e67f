//! A fast reading of the common query answer.
//!
//! Most query answers are the same shape: outer `code` `"0000"`, and a
//! `data` object with only the documented keys, every value a plain JSON
//! string (no escapes) and `successTime` as `yyyy-MM-dd HH:mm:ss`.
//! [`query_status`] reads that shape straight into a [`PayoutStatus`]
//! (borrowed strings, no intermediate `serde_json::Value` tree) and
//! answers `None` for anything else — another code, an extra key, a
//! number, a null, an escape, a mismatched trade number, an unreadable
//! amount or time — so that the general reading
//! ([`crate::envelope::Envelope`] and [`crate::data::read_status`]) decides
//! it, errors and warnings included. The result is the same either way
//! (tests compare both on generated answers).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use payout_core::{parse_amount, Currency, Decimal, LocalTime, PayoutStatus, TradeNo, Tz};
use serde::{Deserialize, Deserializer};

use crate::envelope::CODE_OK;
use crate::status_code::state_of;

/// The envelope; other top-level keys (`msg`, `timestamp`, `success`) are
/// not needed for an accepted answer and are skipped.
#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow)]
    code: &'a str,
    #[serde(borrow, default)]
    data: Option<Data<'a>>,
}

/// The documented keys of a query answer's `data`, each present as a plain
/// string or absent (a null or a number fails, and the general reading
/// takes over).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data<'a> {
    #[serde(rename = "tradeNo", borrow, default, deserialize_with = "string")]
    trade_no: Option<&'a str>,
    #[serde(
        rename = "platFormTradeNo",
        borrow,
        default,
        deserialize_with = "string"
    )]
    platform_trade_no: Option<&'a str>,
    #[serde(rename = "payproTradeNo", borrow, default, deserialize_with = "string")]
    paypro_trade_no: Option<&'a str>,
    #[serde(borrow, default, deserialize_with = "string")]
    status: Option<&'a str>,
    #[serde(borrow, default, deserialize_with = "string")]
    message: Option<&'a str>,
    #[serde(rename = "orderAmount", borrow, default, deserialize_with = "string")]
    order_amount: Option<&'a str>,
    #[serde(rename = "payAmount", borrow, default, deserialize_with = "string")]
    pay_amount: Option<&'a str>,
    #[serde(borrow, default, deserialize_with = "string")]
    amount: Option<&'a str>,
    #[serde(rename = "successTime", borrow, default, deserialize_with = "string")]
    success_time: Option<&'a str>,
}

/// A present key: a string without escapes (a null is refused, unlike
/// `Option`'s own reading, so that null stays the general reading's case).
fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de str>, D::Error> {
    <&'de str>::deserialize(d).map(Some)
}

/// The status in a query answer of the common shape about `expected`, or
/// `None` to leave the answer to the general reading.
pub(crate) fn query_status(
    provider: &str,
    currency: Currency,
    zone: Tz,
    expected: &TradeNo,
    body: &[u8],
) -> Option<PayoutStatus> {
    let answer: Answer<'_> = serde_json::from_slice(body).ok()?;
    if answer.code != CODE_OK {
        return None;
    }
    let data = answer.data?;
    if data.trade_no.is_some_and(|t| t != expected.as_str()) {
        return None;
    }
    let provider_status = data.status.filter(|s| !s.is_empty())?;
    let mut status = PayoutStatus::new(
        provider,
        expected.clone(),
        state_of(provider_status),
        provider_status,
        currency,
    );
    status.platform_trade_no = data
        .platform_trade_no
        .or(data.paypro_trade_no)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    status.message = data.message.map(str::to_owned);
    status.order_amount = amount(data.order_amount)?;
    status.pay_amount = amount(data.pay_amount)?;
    status.amount = amount(data.amount)?;
    if let Some(t) = data.success_time.filter(|t| !t.trim().is_empty()) {
        status.success_time = Some(LocalTime {
            local: local_time(t.trim())?,
            zone,
        });
    }
    Some(status)
}

/// An optional amount: `Some(None)` when absent or blank, `None` when not
/// a decimal (the general reading reports it).
fn amount(text: Option<&str>) -> Option<Option<Decimal>> {
    match text {
        None => Some(None),
        Some(t) if t.trim().is_empty() => Some(None),
        Some(t) => parse_amount(t).ok().map(Some),
    }
}

/// Exactly `yyyy-MM-dd HH:mm:ss` with a valid date and time; anything
/// else is left to chrono in the general reading.
fn local_time(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(NaiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_strict_time_shape() {
        let t = local_time("2024-10-12 12:59:32").unwrap();
        assert_eq!(t.to_string(), "2024-10-12 12:59:32");
        for bad in [
            "2024-10-12T12:59:32",
            "2024-1-12 12:59:32",
            "2024-13-12 12:59:32",
            "2024-02-30 12:59:32",
            "2024-10-12 24:00:00",
            "2024-10-12 12:59:60",
            "2024-10-12 12:59:3x",
            "",
        ] {
            assert_eq!(local_time(bad), None, "{bad}");
        }
    }
}
