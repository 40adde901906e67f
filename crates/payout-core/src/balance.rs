//! The merchant's float ([`Balance`]).

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Decimal};

/// The merchant's balance with a provider in one region.
///
/// ```
/// use payout_core::{Balance, Currency, Decimal};
/// let b = Balance::new("paypro", Currency::from_static("IDR"), Decimal::from(5), Decimal::ZERO, Decimal::ZERO);
/// assert_eq!(b.available, Decimal::from(5));
/// assert_eq!(b.frozen, Some(Decimal::ZERO));
/// ```
///
/// Serialized and read back exactly: amounts as decimal strings keeping
/// their scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Balance {
    /// The provider's id.
    pub provider: String,
    /// The region's currency.
    pub currency: Currency,
    /// Money that can be paid out now.
    pub available: Decimal,
    /// Money held by payouts in flight, where the provider reports it.
    pub frozen: Option<Decimal>,
    /// Collections not yet available (the platform: same-day, T+1), where
    /// the provider reports it.
    pub unsettled: Option<Decimal>,
}

impl Balance {
    /// Builds a balance.
    pub fn new(
        provider: impl Into<String>,
        currency: Currency,
        available: Decimal,
        frozen: Decimal,
        unsettled: Decimal,
    ) -> Self {
        Self {
            provider: provider.into(),
            currency,
            available,
            frozen: Some(frozen),
            unsettled: Some(unsettled),
        }
    }

    /// A balance that reports only the available amount.
    ///
    /// ```
    /// use payout_core::{Balance, Currency, Decimal};
    /// let b = Balance::available_only("xendit", Currency::from_static("PHP"), Decimal::from(5));
    /// assert_eq!(b.frozen, None);
    /// ```
    pub fn available_only(
        provider: impl Into<String>,
        currency: Currency,
        available: Decimal,
    ) -> Self {
        Self {
            provider: provider.into(),
            currency,
            available,
            frozen: None,
            unsettled: None,
        }
    }
}
