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

/// Parses an amount exactly from its decimal text (`"300.00"`, `"3.0000"`,
/// `"-1"`, or scientific notation such as `"1e3"`).
///
/// # Errors
/// [`Error::Validation`] naming `amount` when the text is not a decimal number
/// or has more than 28 significant digits.
///
/// ```
/// use payout_core::parse_amount;
/// assert_eq!(parse_amount("3.0000").unwrap().to_string(), "3.0000");
/// assert!(parse_amount("1,5").is_err());
/// ```
pub fn parse_amount(text: &str) -> Result<Decimal, Error> {
    if let Some(d) = plain_decimal(text) {
        return Ok(d);
    }
    let t = text.trim();
    let parsed = if t.contains(['e', 'E']) {
        Decimal::from_scientific(t)
    } else {
        Decimal::from_str_exact(t)
    };
    parsed.map_err(|_| {
        Error::validation(
            "amount",
            format!("must be a decimal number such as 100 or 100.50 (got {text:?})"),
        )
    })
}

/// The common shape of an amount, read directly: digits with at most one
/// `.` between digits, 18 digits at most (so the mantissa fits an `i64`),
/// no sign. The value and scale are exactly those of
/// `Decimal::from_str_exact` (trailing zeros kept); `None` for anything
/// else, which the general parse decides.
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
            let general = Decimal::from_str_exact(t).ok();
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

    proptest::proptest! {
        #[test]
        fn plain_shape_agrees_with_the_general_parse(t in "[0-9]{1,10}(\\.[0-9]{1,8})?") {
            let d = plain_decimal(&t).expect("plain shape");
            let g = Decimal::from_str_exact(&t).expect("general parse");
            proptest::prop_assert_eq!((d, d.scale(), d.to_string()), (g, g.scale(), g.to_string()));
        }
    }

    #[test]
    fn keeps_scale() {
        assert_eq!(parse_amount("300.00").unwrap().scale(), 2);
        assert_eq!(
            parse_amount("9998989.1200").unwrap().to_string(),
            "9998989.1200"
        );
        assert_eq!(parse_amount("1e3").unwrap(), Decimal::from(1000));
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "1.2.3", "NaN", "inf", "0x10"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }
}
