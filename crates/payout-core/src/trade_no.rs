//! The merchant's payout reference ([`TradeNo`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The SDK's outer bound on a trade number's length. Each provider has its
/// own, usually tighter, limit ([`TradeNoRule`]), checked before sending.
pub const MAX_TRADE_NO_LEN: usize = 255;

/// A provider's rule for trade numbers, checked before anything is sent
/// (the platform: 32 characters; Xendit: 100, the `Idempotency-key` limit).
///
/// ```
/// use payout_core::{TradeNo, TradeNoRule};
/// let rule = TradeNoRule::max_len("paypro", 32);
/// assert!(rule.check(&TradeNo::new("PO-1")?).is_ok());
/// let long = TradeNo::new("x".repeat(40))?;
/// assert!(rule.check(&long).unwrap_err().to_string().contains("at most 32"));
/// # Ok::<(), payout_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TradeNoRule {
    /// The provider's id, named in the error.
    pub provider: &'static str,
    /// The longest trade number the provider accepts.
    pub max_len: usize,
}

impl TradeNoRule {
    /// A rule limiting the length to `max_len`.
    pub const fn max_len(provider: &'static str, max_len: usize) -> Self {
        Self { provider, max_len }
    }

    /// Checks `trade_no`.
    ///
    /// # Errors
    /// [`Error::Validation`] naming the limit.
    pub fn check(&self, trade_no: &TradeNo) -> Result<(), Error> {
        if trade_no.as_str().len() > self.max_len {
            return Err(Error::validation(
                "trade_no",
                format!(
                    "{} accepts trade numbers of at most {} characters (got {}); use a shorter one",
                    self.provider,
                    self.max_len,
                    trade_no.as_str().len()
                ),
            ));
        }
        Ok(())
    }
}

/// The merchant's own payout number (`tradeNo` on the wire).
///
/// Valid trade numbers are non-empty, at most [`MAX_TRADE_NO_LEN`] characters
/// long and made of printable ASCII (`!` to `~`, no spaces). The same trade
/// number identifies a payout for its whole life: a retry re-sends it.
///
/// ```
/// use payout_core::TradeNo;
/// let t = TradeNo::new("test_00000002").unwrap();
/// assert_eq!(t.as_str(), "test_00000002");
/// assert!(TradeNo::new("").is_err());
/// assert!(TradeNo::new("has space").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TradeNo(String);

impl TradeNo {
    /// Validates and wraps a trade number.
    ///
    /// # Errors
    /// [`Error::Validation`] naming `trade_no` and the rule it breaks.
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value = value.into();
        if value.is_empty() {
            return Err(Error::validation("trade_no", "must not be empty"));
        }
        if value.len() > MAX_TRADE_NO_LEN {
            return Err(Error::validation(
                "trade_no",
                format!(
                    "must be at most {MAX_TRADE_NO_LEN} characters (got {})",
                    value.chars().count()
                ),
            ));
        }
        if let Some(bad) = value.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(Error::validation(
                "trade_no",
                format!("must be printable ASCII without spaces (found {bad:?})"),
            ));
        }
        Ok(Self(value))
    }

    /// The trade number as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TradeNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TradeNo({})", self.0)
    }
}

impl fmt::Display for TradeNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TradeNo {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for TradeNo {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<TradeNo> for String {
    fn from(value: TradeNo) -> Self {
        value.0
    }
}

impl AsRef<str> for TradeNo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outer_bound_is_255_and_providers_set_their_own() {
        assert!(TradeNo::new("a".repeat(255)).is_ok());
        let err = TradeNo::new("a".repeat(256)).unwrap_err();
        assert!(err.to_string().contains("at most 255"), "{err}");
        let t = TradeNo::new("a".repeat(33)).unwrap();
        let err = TradeNoRule::max_len("paypro", 32).check(&t).unwrap_err();
        assert!(err.to_string().contains("at most 32"), "{err}");
    }

    #[test]
    fn rejects_control_and_non_ascii() {
        assert!(TradeNo::new("a\nb").is_err());
        assert!(TradeNo::new("été").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = TradeNo::new(s);
        }
    }
}
