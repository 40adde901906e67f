//! Exact money: [`Decimal`] amounts and ISO 4217 [`Currency`] codes.
//!
//! Amounts are never binary floats. Text from the wire (`"300.00"`, or the
//! literal digits of a JSON number such as `3.0000`) is parsed with
//! [`parse_amount`], which keeps every digit.

use std::fmt;
use std::str::FromStr;

pub use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// An ISO 4217 currency code such as `IDR` (three upper-case ASCII letters).
///
/// ```
/// use payout_core::Currency;
/// let c: Currency = "IDR".parse().unwrap();
/// assert_eq!(c.as_str(), "IDR");
/// assert!("idr".parse::<Currency>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// Builds a currency from a code known at compile time.
    ///
    /// # Panics
    /// Never for the codes of the region tables; a bad literal panics at
    /// compile time when used in a `const`.
    pub const fn from_static(code: &'static str) -> Self {
        let b = code.as_bytes();
        assert!(b.len() == 3, "currency codes have three letters");
        assert!(
            b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase() && b[2].is_ascii_uppercase()
        );
        Self([b[0], b[1], b[2]])
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Self([b[0], b[1], b[2]]))
        } else {
            Err(Error::validation(
                "currency",
                format!("must be a three-letter upper-case ISO 4217 code (got {s:?})"),
            ))
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact amount in a currency.
///
/// ```
/// use payout_core::{Currency, Money, parse_amount};
/// let m = Money::new(parse_amount("100.50").unwrap(), Currency::from_static("PHP"));
/// assert_eq!(m.to_string(), "100.50 PHP");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct Money {
    /// The amount, exactly as sent or received.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
}

impl Money {
    /// Pairs an amount with its currency.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Reads the `Display` form back, `<amount> <currency>` (`100.50 PHP`),
/// the amount exactly ([`parse_amount`]: no sign, scale kept).
///
/// ```
/// use payout_core::Money;
/// let m: Money = "100.50 PHP".parse()?;
/// assert_eq!(m.to_string(), "100.50 PHP");
/// assert!("100.50".parse::<Money>().is_err());
/// # Ok::<(), payout_core::Error>(())
/// ```
impl FromStr for Money {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let (amount, currency) = s.split_once(' ').ok_or_else(|| {
            Error::validation(
                "money",
                format!(
                    "must be an amount and a currency code separated by one space, such as 100.50 PHP (got {:?})",
                    crate::error::excerpt(s.as_bytes(), 48)
                ),
            )
        })?;
        Ok(Self::new(parse_amount(amount)?, currency.parse()?))
    }
}

/// Parses an amount exactly from its decimal text, strictly.
///
/// Accepted: plain decimal text `digits[.digits]` (`"300.00"`, `"3.0000"`,
/// `"007"`), optionally followed by an exponent `e`/`E`, sign, digits
/// (`"1e3"`, `"1.5E-2"`, the forms a JSON number may take) when the value
/// converts **exactly** into a [`Decimal`]. The scale is kept (`"300.00"`
/// has scale 2; `"1.50e1"` is `15.0`).
///
/// Refused, never rounded: a sign (`"-5"`, `"+5"`), separators (`"1_000"`,
/// `"1,5"`), whitespace, a bare point (`"5."`, `".5"`), anything else that
/// is not decimal digits, and a value needing more than 28 decimal places
/// or more significant digits than a [`Decimal`] holds (96 bits: 28 to 29
/// digits). Amounts are never negative, so a sign is always an error.
///
/// # Errors
/// [`Error::Validation`] naming `amount` and saying which rule the text
/// breaks; callers reading provider answers name their own field.
///
/// ```
/// use payout_core::parse_amount;
/// assert_eq!(parse_amount("3.0000").unwrap().to_string(), "3.0000");
/// assert_eq!(parse_amount("1.5e3").unwrap().to_string(), "1500");
/// for bad in ["1,5", "-1", "+1", "1_000", "5.", ".5", " 5", "1.2345678901234567890123456789012e3"] {
///     assert!(parse_amount(bad).is_err(), "{bad}");
/// }
/// ```
pub fn parse_amount(text: &str) -> Result<Decimal, Error> {
    if let Some(d) = plain_decimal(text) {
        return Ok(d);
    }
    exact_decimal(text).map_err(|refusal| {
        let got = crate::error::excerpt(text.as_bytes(), 48);
        let rule = match refusal {
            Refusal::Shape => format!(
                "must be plain decimal digits such as 100 or 100.50, without sign, spaces, \
                 separators or a leading or trailing point (got {got:?})"
            ),
            Refusal::Precision => format!(
                "has more digits than an exact amount holds (at most 28 decimal places and \
                 29 significant digits); refused rather than rounded (got {got:?})"
            ),
        };
        Error::validation("amount", rule)
    })
}

/// Why a text is not an exact amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Not `digits[.digits][(e|E)[+|-]digits]`.
    Shape,
    /// Well formed, but the value needs more digits than a [`Decimal`]
    /// holds; converting it would round.
    Precision,
}

/// The largest mantissa of a [`Decimal`] (96 bits).
const MAX_MANTISSA: u128 = (1 << 96) - 1;
/// The largest scale of a [`Decimal`].
const MAX_SCALE: i64 = 28;

/// The general strict parse: `digits[.digits][(e|E)[+|-]digits]`,
/// converted exactly or refused. Every digit is accumulated into an exact
/// integer mantissa (checked, never rounded) and the decimal point and
/// exponent only move the scale.
fn exact_decimal(t: &str) -> Result<Decimal, Refusal> {
    let b = t.as_bytes();
    let mut at = 0;
    let mut mantissa: u128 = 0;
    let mut too_many_digits = false;
    let mut digits = |at: &mut usize, mantissa: &mut u128| -> usize {
        let start = *at;
        while let Some(&c) = b.get(*at).filter(|c| c.is_ascii_digit()) {
            match mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(u128::from(c - b'0')))
                .filter(|m| *m <= MAX_MANTISSA)
            {
                Some(m) => *mantissa = m,
                None => too_many_digits = true,
            }
            *at += 1;
        }
        *at - start
    };
    if digits(&mut at, &mut mantissa) == 0 {
        return Err(Refusal::Shape);
    }
    let mut frac_len = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        frac_len = digits(&mut at, &mut mantissa);
        if frac_len == 0 {
            return Err(Refusal::Shape);
        }
    }
    let mut exponent: i64 = 0;
    if let Some(b'e' | b'E') = b.get(at) {
        at += 1;
        let negative = match b.get(at) {
            Some(b'-') => {
                at += 1;
                true
            }
            Some(b'+') => {
                at += 1;
                false
            }
            _ => false,
        };
        let start = at;
        while let Some(&c) = b.get(at).filter(|c| c.is_ascii_digit()) {
            // Saturates far beyond any scale a Decimal can take.
            exponent = (exponent * 10 + i64::from(c - b'0')).min(1_000_000);
            at += 1;
        }
        if at == start {
            return Err(Refusal::Shape);
        }
        if negative {
            exponent = -exponent;
        }
    }
    if at != b.len() {
        return Err(Refusal::Shape);
    }
    if too_many_digits {
        return Err(Refusal::Precision);
    }
    let frac_len = i64::try_from(frac_len).map_err(|_| Refusal::Precision)?;
    let mut scale = frac_len - exponent;
    if scale > MAX_SCALE {
        return Err(Refusal::Precision);
    }
    if scale < 0 {
        if mantissa != 0 {
            let shift = u32::try_from(-scale).map_err(|_| Refusal::Precision)?;
            mantissa = 10u128
                .checked_pow(shift)
                .and_then(|p| mantissa.checked_mul(p))
                .filter(|m| *m <= MAX_MANTISSA)
                .ok_or(Refusal::Precision)?;
        }
        scale = 0;
    }
    let mantissa = i128::try_from(mantissa).map_err(|_| Refusal::Precision)?;
    let scale = u32::try_from(scale).map_err(|_| Refusal::Precision)?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| Refusal::Precision)
}

/// The common shape of an amount, read directly: digits with at most one
/// `.` between digits, 18 digits at most (so the mantissa fits an `i64`),
/// no sign. The value and scale are exactly those of the general parse
/// ([`exact_decimal`]; trailing zeros kept); `None` for anything else,
/// which the general parse decides.
fn plain_decimal(t: &str) -> Option<Decimal> {
    let b = t.as_bytes();
    if b.is_empty() || b.len() > 19 || b[0] == b'.' || b[b.len() - 1] == b'.' {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut digits = 0u32;
    let mut scale = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 18 {
                    return None;
                }
                mantissa = mantissa * 10 + i64::from(c - b'0');
            }
            b'.' if scale.is_none() => scale = Some(b.len() - 1 - i),
            _ => return None,
        }
    }
    let scale = u32::try_from(scale.unwrap_or(0)).ok()?;
    Some(Decimal::new(mantissa, scale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The exact value of a strictly shaped amount text, independently of
    /// the parser: its significant digits (no leading or trailing zeros)
    /// and the power of ten of the last one. Zero is `("", 0)`.
    fn exact_value(text: &str) -> (String, i64) {
        let (number, exponent) = match text.split_once(['e', 'E']) {
            Some((n, e)) => (n, e.parse::<i64>().expect("exponent")),
            None => (text, 0),
        };
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        let all = format!("{int}{frac}");
        let mut power = exponent - i64::try_from(frac.len()).expect("length");
        let trimmed_end = all.trim_end_matches('0');
        power += i64::try_from(all.len() - trimmed_end.len()).expect("length");
        let digits = trimmed_end.trim_start_matches('0');
        if digits.is_empty() {
            return (String::new(), 0);
        }
        (digits.to_owned(), power)
    }

    /// Any `Decimal` that is not negative, with any scale.
    fn non_negative() -> impl Strategy<Value = Decimal> {
        (0..=MAX_MANTISSA, 0..=28u32).prop_map(|(m, scale)| {
            Decimal::from_i128_with_scale(i128::try_from(m).expect("96 bits"), scale)
        })
    }

    #[test]
    fn plain_shape_reads_as_the_general_parse() {
        let cases = [
            "0",
            "7",
            "007",
            "0.00",
            "100000.00",
            "9998989.1200",
            "1.5",
            "0.000001",
            "123456789012345678",
            "12345678901234567.8",
            "1234567890123456789",
            "1.",
            ".5",
            "1.2.3",
            "9999999999999999999",
            "-1",
            "+1",
            "",
            "1e3",
            " 1",
        ];
        for t in cases {
            let general = exact_decimal(t).ok();
            match plain_decimal(t) {
                Some(d) => {
                    let g = general.unwrap_or_else(|| panic!("{t}: general parse refused"));
                    assert_eq!(
                        (d, d.scale(), d.to_string()),
                        (g, g.scale(), g.to_string()),
                        "{t}"
                    );
                }
                None => assert!(
                    t.len() > 18 || !t.bytes().all(|c| c.is_ascii_digit()) || t.is_empty(),
                    "{t}: plain digits left to the general parse"
                ),
            }
        }
        assert_eq!(parse_amount("100000.00").unwrap().to_string(), "100000.00");
    }

    #[test]
    fn keeps_scale() {
        assert_eq!(parse_amount("300.00").unwrap().scale(), 2);
        assert_eq!(
            parse_amount("9998989.1200").unwrap().to_string(),
            "9998989.1200"
        );
        assert_eq!(parse_amount("1e3").unwrap(), Decimal::from(1000));
        assert_eq!(parse_amount("1.50e1").unwrap().to_string(), "15.0");
        assert_eq!(parse_amount("1.5E-2").unwrap().to_string(), "0.015");
        assert_eq!(parse_amount("15e+0").unwrap().to_string(), "15");
        assert_eq!(parse_amount("0e99").unwrap(), Decimal::ZERO);
        assert_eq!(
            parse_amount("79228162514264337593543950335").unwrap(),
            Decimal::MAX
        );
        assert_eq!(
            parse_amount("0.0000000000000000000000000001")
                .unwrap()
                .scale(),
            28
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "abc", "1.2.3", "NaN", "inf", "0x10", "1,5", "-1", "+5", "-0", "1_000", "5.", ".5",
            ".", " 5", "5 ", "\t5", "5\n", "1e", "1e+", "e3", "1.e3", ".5e3", "1e3.5", "１",
            "1e3e3", "--1",
        ] {
            let e = parse_amount(bad).unwrap_err();
            assert!(
                matches!(&e, Error::Validation { field, rule } if field == "amount" && rule.contains("plain decimal digits")),
                "{bad:?}: {e:?}"
            );
        }
    }

    #[test]
    fn refuses_what_it_would_have_to_round() {
        for bad in [
            "1.2345678901234567890123456789012e3",
            "79228162514264337593543950336",
            "0.00000000000000000000000000001",
            "1e-29",
            "1e29",
            "8e28",
            "1.0000000000000000000000000000000",
            "99999999999999999999999999999999999999999999",
            "1e999999999999999999999",
            "1e-999999999999999999999",
        ] {
            let e = parse_amount(bad).unwrap_err();
            assert!(
                matches!(&e, Error::Validation { field, rule } if field == "amount" && rule.contains("refused rather than rounded")),
                "{bad:?}: {e:?}"
            );
        }
    }

    #[test]
    fn a_huge_text_is_not_echoed_whole() {
        let huge = "9".repeat(1 << 20);
        let e = parse_amount(&huge).unwrap_err().to_string();
        assert!(e.len() < 400, "{} bytes", e.len());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn plain_shape_agrees_with_the_general_parse(t in "[0-9]{1,10}(\\.[0-9]{1,8})?") {
            let d = plain_decimal(&t).expect("plain shape");
            let g = exact_decimal(&t).expect("general parse");
            prop_assert_eq!((d, d.scale(), d.to_string()), (g, g.scale(), g.to_string()));
        }

        /// On any text at all, the direct reading accepts only what the
        /// general parse accepts, with the same value and scale.
        #[test]
        fn the_direct_reading_never_accepts_more(t in "[0-9.eE+_ -]{0,24}") {
            if let Some(d) = plain_decimal(&t) {
                let g = exact_decimal(&t);
                prop_assert_eq!(Ok((d, d.scale())), g.map(|g| (g, g.scale())), "{:?}", t);
            }
        }

        /// Every text form of every non-negative Decimal reads back as
        /// exactly that value; the plain form keeps the scale too.
        #[test]
        fn every_decimal_text_form_round_trips_exactly(d in non_negative()) {
            let plain = d.to_string();
            let back = parse_amount(&plain).map_err(|e| TestCaseError::fail(format!("{plain}: {e}")))?;
            prop_assert_eq!((back, back.scale(), back.to_string()), (d, d.scale(), plain.clone()));
            for form in [format!("{d:e}"), format!("{d:E}")] {
                let back = parse_amount(&form).map_err(|e| TestCaseError::fail(format!("{form}: {e}")))?;
                prop_assert_eq!(back, d, "{}", form);
            }
            if !d.is_zero() {
                for signed in [format!("-{plain}"), format!("+{plain}"), format!("{}", -d)] {
                    prop_assert!(parse_amount(&signed).is_err(), "{}", signed);
                }
            }
        }

        /// Any well-formed text, however long or precise, either reads as
        /// exactly its value or is refused: never rounded.
        #[test]
        fn never_rounds(
            t in "[0-9]{1,40}(\\.[0-9]{1,40})?([eE][+-]?[0-9]{1,3})?",
        ) {
            if let Ok(d) = parse_amount(&t) {
                prop_assert_eq!(exact_value(&d.to_string()), exact_value(&t), "{} read as {}", t, d);
                prop_assert!(d.scale() <= 28);
            }
        }

        /// A sign, separator, space or stray point anywhere in a plain
        /// amount makes it invalid.
        #[test]
        fn strictly_refuses_anything_but_digits(
            t in "[0-9]{1,12}(\\.[0-9]{1,6})?",
            at in any::<prop::sample::Index>(),
            bad in prop::sample::select(vec!['+', '-', '_', ' ', '\t', '\n', ',', '\'', 'x', '\u{ff10}', '\u{a0}']),
        ) {
            let i = at.index(t.len() + 1);
            let mut s = t.clone();
            s.insert(i, bad);
            prop_assert!(parse_amount(&s).is_err(), "{:?}", s);
            let leading = format!(".{t}");
            let trailing = format!("{t}.");
            prop_assert!(parse_amount(&leading).is_err(), "{:?}", leading);
            prop_assert!(parse_amount(&trailing).is_err(), "{:?}", trailing);
        }
    }
}
