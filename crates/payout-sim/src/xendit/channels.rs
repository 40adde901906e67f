//! The payout channels the simulator knows (spec §8, a snapshot): code,
//! category, currency and amount limits, served by `GET /payouts_channels`
//! and checked on create.

use payout_core::Decimal;

/// What kind of destination a channel pays into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChannelCategory {
    /// A bank account.
    Bank,
    /// An e-wallet (the account number is a mobile number).
    Ewallet,
}

impl ChannelCategory {
    /// The wire name (`BANK`, `EWALLET`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ChannelCategory::Bank => "BANK",
            ChannelCategory::Ewallet => "EWALLET",
        }
    }
}

/// One payout channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Channel {
    /// The channel code (`ID_BCA`, `PH_GCASH`).
    pub code: &'static str,
    /// Bank or e-wallet.
    pub category: ChannelCategory,
    /// The currency it pays in (the country's).
    pub currency: &'static str,
    /// The channel's display name.
    pub name: &'static str,
    /// The smallest amount.
    pub minimum: Decimal,
    /// The largest amount.
    pub maximum: Decimal,
    /// Amounts are multiples of this.
    pub minimum_increment: Decimal,
}

/// A Xendit country the simulator serves: the region id, the channel-code
/// prefix and the currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct XenditRegion {
    /// Region id, as the platform's tables spell it (`indonesia`).
    pub id: &'static str,
    /// Channel-code prefix (`ID_`).
    pub prefix: &'static str,
    /// The currency.
    pub currency: &'static str,
}

/// Indonesia and the Philippines.
pub const REGIONS: [XenditRegion; 2] = [
    XenditRegion {
        id: "indonesia",
        prefix: "ID_",
        currency: "IDR",
    },
    XenditRegion {
        id: "philippines",
        prefix: "PH_",
        currency: "PHP",
    },
];

/// "No limit" (the channel list's own figure for ID_BSI).
const NO_LIMIT: i64 = 1_999_999_999_999;

const fn idr(
    code: &'static str,
    category: ChannelCategory,
    name: &'static str,
    minimum: i64,
    maximum: i64,
) -> Channel {
    Channel {
        code,
        category,
        currency: "IDR",
        name,
        minimum: Decimal::from_parts(minimum as u32, (minimum >> 32) as u32, 0, false, 0),
        maximum: Decimal::from_parts(maximum as u32, (maximum >> 32) as u32, 0, false, 0),
        minimum_increment: Decimal::ONE,
    }
}

const fn php(
    code: &'static str,
    category: ChannelCategory,
    name: &'static str,
    maximum: i64,
    whole_pesos: bool,
) -> Channel {
    Channel {
        code,
        category,
        currency: "PHP",
        name,
        minimum: Decimal::ONE,
        maximum: Decimal::from_parts(maximum as u32, (maximum >> 32) as u32, 0, false, 0),
        minimum_increment: if whole_pesos {
            Decimal::ONE
        } else {
            Decimal::from_parts(1, 0, 0, false, 2)
        },
    }
}

use ChannelCategory::{Bank, Ewallet};

/// The channel table, sorted by code. Limits: the legacy limits page for
/// the Indonesian banks and wallets it lists, the channel list's example
/// for `ID_BSI` and `PH_AUB` (whole pesos), centavos and 100,000,000 PHP
/// for the other Philippine banks, 100,000 PHP for the Philippine wallets.
pub static CHANNELS: [Channel; 22] = [
    idr("ID_BCA", Bank, "Bank Central Asia (BCA)", 1, NO_LIMIT),
    idr("ID_BNI", Bank, "Bank Negara Indonesia (BNI)", 1, NO_LIMIT),
    idr("ID_BRI", Bank, "Bank Rakyat Indonesia (BRI)", 1, NO_LIMIT),
    idr("ID_BSI", Bank, "Bank Syariah Indonesia", 10_000, NO_LIMIT),
    idr("ID_CIMB", Bank, "Bank CIMB Niaga", 10_000, NO_LIMIT),
    idr("ID_DANA", Ewallet, "DANA", 1, 20_000_000),
    idr("ID_GOPAY", Ewallet, "GoPay", 10_000, 20_000_000),
    idr("ID_LINKAJA", Ewallet, "LinkAja", 10_000, 10_000_000),
    idr("ID_MANDIRI", Bank, "Bank Mandiri", 1, NO_LIMIT),
    idr("ID_OVO", Ewallet, "OVO", 1, 20_000_000),
    idr("ID_PERMATA", Bank, "Bank Permata", 1, NO_LIMIT),
    idr("ID_SHOPEEPAY", Ewallet, "ShopeePay", 1, 20_000_000),
    php("PH_AUB", Bank, "Asia United Bank", 100_000_000, true),
    php("PH_BDO", Bank, "Banco de Oro (BDO)", 100_000_000, false),
    php(
        "PH_BPI",
        Bank,
        "Bank of the Philippine Islands (BPI)",
        100_000_000,
        false,
    ),
    php("PH_GCASH", Ewallet, "GCash", 100_000, false),
    php(
        "PH_LBP",
        Bank,
        "Land Bank of the Philippines",
        100_000_000,
        false,
    ),
    php(
        "PH_MET",
        Bank,
        "Metropolitan Bank and Trust (Metrobank)",
        100_000_000,
        false,
    ),
    php("PH_PAYMAYA", Ewallet, "Maya", 100_000, false),
    php(
        "PH_PNB",
        Bank,
        "Philippine National Bank",
        100_000_000,
        false,
    ),
    php("PH_SEC", Bank, "Security Bank", 100_000_000, false),
    php(
        "PH_UBP",
        Bank,
        "Union Bank of the Philippines",
        100_000_000,
        false,
    ),
];

/// The channel of a code.
///
/// ```
/// use payout_sim::xendit::channel;
/// assert_eq!(channel("PH_GCASH").unwrap().currency, "PHP");
/// assert!(channel("ID_NOWHERE").is_none());
/// ```
pub fn channel(code: &str) -> Option<&'static Channel> {
    CHANNELS
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .map(|i| &CHANNELS[i])
}

/// The decimal places a currency allows (spec §3.1): none for IDR and VND,
/// two for PHP, MYR, THB and any other.
pub(crate) fn decimal_places(currency: &str) -> u32 {
    match currency {
        "IDR" | "VND" => 0,
        _ => 2,
    }
}

/// Currencies the balance endpoint knows (spec §3.6).
pub(crate) const BALANCE_CURRENCIES: [&str; 11] = [
    "IDR", "PHP", "USD", "VND", "THB", "MYR", "SGD", "EUR", "GBP", "HKD", "AUD",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_unique_and_consistent() {
        assert!(CHANNELS.windows(2).all(|w| w[0].code < w[1].code));
        for c in &CHANNELS {
            let region = REGIONS
                .iter()
                .find(|r| c.code.starts_with(r.prefix))
                .unwrap();
            assert_eq!(region.currency, c.currency, "{}", c.code);
            assert!(c.minimum <= c.maximum && c.minimum_increment > Decimal::ZERO);
            assert_eq!(channel(c.code), Some(c));
        }
        assert_eq!(channel("ID_BSI").unwrap().minimum, Decimal::from(10_000));
        assert_eq!(channel("ID_BCA").unwrap().maximum, Decimal::from(NO_LIMIT));
        assert_eq!(
            channel("PH_GCASH").unwrap().minimum_increment.to_string(),
            "0.01"
        );
    }
}
