//! The merchant's float ([`Balance`]).

use serde::Serialize;

use crate::money::{Currency, Decimal};

/// The merchant's balance with a provider in one region.
///
/// ```
/// use payout_core::{Balance, Currency, Decimal};
/// let b = Balance::new("paypro", Currency::from_static("IDR"), Decimal::from(5), Decimal::ZERO, Decimal::ZERO);
/// assert_eq!(b.available, Decimal::from(5));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Balance {
    /// The provider's id.
    pub provider: String,
    /// The region's currency.
    pub currency: Currency,
    /// Money that can be paid out now.
    pub available: Decimal,
    /// Money held by payouts in flight.
    pub frozen: Decimal,
    /// Same-day collections, available on T+1.
    pub unsettled: Decimal,
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
            frozen,
            unsettled,
        }
    }
}
