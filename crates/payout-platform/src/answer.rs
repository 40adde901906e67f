//! A fast reading of the common query answer.
//!
//! Most query answers are the same shape: outer `code` `"0000"`, and a
//! `data` object with only the documented keys, every value a plain JSON
//! string (no escapes) and `successTime` as `yyyy-MM-dd HH:mm:ss`.
//! [`query_status`] reads that shape straight into a [`PayoutStatus`] with
//! a small strict scanner (one pass, borrowed strings, no
//! `serde_json::Value` tree) and answers `None` for anything else —
//! another code, an extra or repeated key, a number or null in `data`, an
//! escape, a mismatched trade number, an unreadable amount or time, or
//! anything that is not valid JSON — so that the general reading
//! ([`crate::envelope::Envelope`] and [`crate::data::read_status`]) decides
//! it, errors and warnings included. The result is the same either way
//! (tests compare both on generated and mutated answers).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use payout_core::{parse_amount, Currency, Decimal, LocalTime, PayoutStatus, TradeNo, Tz};

use crate::envelope::CODE_OK;
use crate::status_code;
use payout_transport::json::string_end;

/// The keys of a query answer's `data` read into typed fields: the
/// general reading's list (any other key goes to `extra` there).
use crate::data::KNOWN as DATA_KEYS;

/// The string values of `data`, by [`DATA_KEYS`] index.
type DataFields<'a> = [Option<&'a str>; DATA_KEYS.len()];

/// A strict reader of the JSON subset of the common answer: `None` as soon
/// as anything falls outside it.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string without escapes or control characters.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let rest = &self.text.as_bytes()[start..];
        let len = string_end(rest)?;
        if rest[len] != b'"' {
            return None;
        }
        self.at = start + len + 1;
        self.text.get(start..start + len)
    }

    /// A number, `true`, `false` or `null`, skipped (strict JSON grammar).
    fn scalar(&mut self) -> Option<()> {
        self.skip_ws();
        for literal in ["true", "false", "null"] {
            if self.text[self.at..].starts_with(literal) {
                self.at += literal.len();
                return Some(());
            }
        }
        let b = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let start = *at;
            while b.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > start
        };
        let mut at = self.at;
        if b.get(at) == Some(&b'-') {
            at += 1;
        }
        if b.get(at) == Some(&b'0') {
            at += 1;
        } else if !digits(&mut at) {
            return None;
        }
        if b.get(at) == Some(&b'.') {
            at += 1;
            digits(&mut at).then_some(())?;
        }
        if let Some(b'e' | b'E') = b.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = b.get(at) {
                at += 1;
            }
            digits(&mut at).then_some(())?;
        }
        self.at = at;
        Some(())
    }

    /// Calls `entry` for each `"key": value` of an object until `}`;
    /// `entry` reads the value.
    fn object(&mut self, mut entry: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.skip_ws();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            entry(self, key)?;
            self.skip_ws();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// The outer `code` and the `data` fields of a body of the common shape.
fn scan(body: &[u8]) -> Option<(&str, DataFields<'_>)> {
    let text = std::str::from_utf8(body).ok()?;
    let mut s = Scanner { text, at: 0 };
    let mut code = None;
    let mut data: Option<DataFields<'_>> = None;
    // The top-level keys so far: a repeated one is refused by the general
    // reading, so it is left to it (more keys than this also are).
    let mut seen: [&str; 8] = [""; 8];
    let mut count = 0;
    s.object(|s, key| {
        if seen[..count].contains(&key) || count == seen.len() {
            return None;
        }
        seen[count] = key;
        count += 1;
        top_entry(s, key, &mut code, &mut data)
    })?;
    s.skip_ws();
    if s.at != text.len() {
        return None;
    }
    Some((code?, data?))
}

/// Reads one top-level entry of the common shape.
fn top_entry<'a>(
    s: &mut Scanner<'a>,
    key: &'a str,
    code: &mut Option<&'a str>,
    data: &mut Option<DataFields<'a>>,
) -> Option<()> {
    match key {
        "code" => {
            *code = Some(s.string()?);
            Some(())
        }
        "data" => {
            let mut fields: DataFields<'_> = [None; DATA_KEYS.len()];
            s.object(|s, key| {
                let slot = &mut fields[DATA_KEYS.iter().position(|k| *k == key)?];
                if slot.is_some() {
                    return None;
                }
                *slot = Some(s.string()?);
                Some(())
            })?;
            *data = Some(fields);
            Some(())
        }
        _ => {
            s.skip_ws();
            if s.peek()? == b'"' {
                s.string().map(drop)
            } else {
                s.scalar()
            }
        }
    }
}

/// The status in a query answer of the common shape about `expected`, or
/// `None` to leave the answer to the general reading.
pub(crate) fn query_status(
    provider: &'static str,
    currency: Currency,
    zone: Tz,
    expected: &TradeNo,
    body: &[u8],
) -> Option<PayoutStatus> {
    let (code, fields) = scan(body)?;
    if code != CODE_OK {
        return None;
    }
    let [trade_no, platform_trade_no, paypro_trade_no, status_code, message, order_amount, pay_amount, amount_text, success_time] =
        fields;
    if trade_no.is_some_and(|t| t != expected.as_str()) {
        return None;
    }
    let provider_status = status_code.filter(|s| !s.is_empty())?;
    let (provider_status, state) = status_code::read(provider_status);
    let mut status =
        PayoutStatus::new(provider, expected.clone(), state, provider_status, currency);
    status.platform_trade_no = platform_trade_no
        .or(paypro_trade_no)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    status.message = message.map(str::to_owned);
    status.requested_amount = amount(order_amount)?;
    status.paid_amount = amount(pay_amount)?;
    status.amount = amount(amount_text)?;
    if let Some(t) = success_time.map(str::trim).filter(|t| !t.is_empty()) {
        status.success_time = Some(LocalTime {
            local: local_time(t)?,
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
        Some(t) => match parse_amount(t) {
            Ok(d) => Some(Some(d)),
            Err(_) if t.trim().is_empty() => Some(None),
            Err(_) => None,
        },
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
    fn scans_the_common_shape_strictly() {
        let (code, f) = scan(br#" { "msg" : "ok", "code":"0000", "n": -1.5e+3, "t": true, "z": null, "data" : { "status" : "0015" } } "#).unwrap();
        assert_eq!(code, "0000");
        assert_eq!(f[3], Some("0015"));
        for bad in [
            &br#"{"code":"0000","data":{}} x"#[..],
            br#"{"code":"0000","data":{},}"#,
            br#"{"code":"0000","data":{"status":"0000","status":"0015"}}"#,
            br#"{"code":"0000","code":"0000","data":{}}"#,
            br#"{"msg":"a","code":"0000","msg":"b","data":{}}"#,
            br#"{"code":"0000","data":{},"data":{}}"#,
            br#"{"code":"0000","data":{"utr":"1"}}"#,
            br#"{"code":"0000","data":{"status":null}}"#,
            br#"{"code":"0000","data":{"status":"a\"b"}}"#,
            br#"{"code":"0000","n":01,"data":{}}"#,
            br#"{"code":"0000","n":1.,"data":{}}"#,
            br#"{"code":"0000","n":[1],"data":{}}"#,
            br#"{"code":"0000"}"#,
            b"{\"code\":\"00\n00\",\"data\":{}}",
            b"{\"code\":\"\xff\",\"data\":{}}",
            b"",
        ] {
            assert!(scan(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }

    /// The general reading of a query answer (envelope, then `data`), as
    /// `PlatformProvider` runs it when the direct reading declines.
    fn general(body: &[u8]) -> Result<PayoutStatus, String> {
        let op = payout_core::Operation::QueryPayout;
        let data = crate::envelope::Envelope::decode(op, body)
            .and_then(|e| e.into_data(op))
            .map_err(|e| e.to_string())?;
        crate::data::read_status(
            "test",
            Currency::from_static("IDR"),
            chrono_tz::Asia::Jakarta,
            &data,
            Some(&TradeNo::new("T1").map_err(|e| e.to_string())?),
        )
        .map_err(|e| e.0)
    }

    fn direct(body: &[u8]) -> Option<PayoutStatus> {
        let t = TradeNo::new("T1").ok()?;
        query_status(
            "test",
            Currency::from_static("IDR"),
            chrono_tz::Asia::Jakarta,
            &t,
            body,
        )
    }

    /// Amount texts: plain, scaled, long, exponent forms, and every kind
    /// of sloppiness the strict parse refuses.
    fn amount_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[0-9]{1,12}(\\.[0-9]{1,6})?",
            "[0-9]{18,32}(\\.[0-9]{0,30})?",
            "[0-9]{1,33}(\\.[0-9]{1,33})?[eE][+-]?[0-9]{1,2}",
            "[+-]?[0-9_ ,.]{0,8}",
            prop::sample::select(vec![
                "1.2345678901234567890123456789012e3",
                "1_000",
                "+5",
                "5.",
                ".5",
                "-5",
                " 5",
                "",
                " ",
                "０",
            ])
            .prop_map(str::to_owned),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Whatever the amounts, the direct reading gives exactly the
        /// general reading's status or declines; and an amount read is
        /// never a rounded one.
        #[test]
        fn amounts_read_the_same_both_ways(
            order in amount_text(),
            pay in amount_text(),
            amount in amount_text(),
        ) {
            let body = format!(
                r#"{{"code":"0000","msg":"success","data":{{"tradeNo":"T1","status":"0000","orderAmount":"{order}","payAmount":"{pay}","amount":"{amount}"}}}}"#
            );
            let general = general(body.as_bytes());
            if let Some(fast) = direct(body.as_bytes()) {
                proptest::prop_assert_eq!(
                    Ok(format!("{fast:?}")),
                    general.as_ref().map(|s| format!("{s:?}")).map_err(Clone::clone),
                    "{}", body
                );
            }
            if let Ok(s) = &general {
                for (text, read) in [(&order, s.requested_amount), (&pay, s.paid_amount), (&amount, s.amount)] {
                    match read {
                        Some(d) => proptest::prop_assert_eq!(
                            Some(d),
                            parse_amount(text).ok(),
                            "{} read from {:?}", d, text
                        ),
                        None => proptest::prop_assert!(text.trim().is_empty(), "{:?} dropped", text),
                    }
                }
            }
        }
    }

    #[test]
    fn sloppy_amounts_are_invalid_answers_naming_the_field() {
        for (key, bad) in [
            ("amount", "1.2345678901234567890123456789012e3"),
            ("orderAmount", "1_000"),
            ("payAmount", "+5"),
            ("amount", "5."),
            ("amount", ".5"),
            ("amount", "-5"),
            ("amount", " 5"),
        ] {
            let body = format!(
                r#"{{"code":"0000","msg":"success","data":{{"tradeNo":"T1","status":"0000","{key}":"{bad}"}}}}"#
            );
            assert_eq!(direct(body.as_bytes()), None, "{body}");
            let e = general(body.as_bytes()).unwrap_err();
            assert!(e.contains(&format!("`{key}`")), "{body}: {e}");
        }
        let number = br#"{"code":"0000","msg":"success","data":{"tradeNo":"T1","status":"0000","amount":-5}}"#;
        assert!(general(number).unwrap_err().contains("`amount`"));
        let exact = br#"{"code":"0000","msg":"success","data":{"tradeNo":"T1","status":"0000","amount":1.5e3}}"#;
        assert_eq!(general(exact).unwrap().amount, Some(Decimal::from(1500)));
    }

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
