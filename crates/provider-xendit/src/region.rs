//! The regions this adapter serves (spec §8, D5): currency, time zone,
//! channel-code prefix and the amount's decimal places.

use payout_core::{Currency, Tz};

/// One Xendit market served by the adapter.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Region {
    /// Region id (`indonesia`, `philippines`).
    pub id: &'static str,
    /// The currency paid out; every payout of the region is in it.
    pub currency: Currency,
    /// The zone in which [`payout_core::LocalTime`]s are reported.
    pub zone: Tz,
    /// The prefix every channel code of the region starts with (`ID_`).
    pub channel_prefix: &'static str,
    /// Decimal places an amount may have (IDR: 0, PHP: 2).
    pub decimals: u32,
}

/// Every region, in declaration order.
pub static REGIONS: &[Region] = &[
    Region {
        id: "indonesia",
        currency: Currency::from_static("IDR"),
        zone: chrono_tz::Asia::Jakarta,
        channel_prefix: "ID_",
        decimals: 0,
    },
    Region {
        id: "philippines",
        currency: Currency::from_static("PHP"),
        zone: chrono_tz::Asia::Manila,
        channel_prefix: "PH_",
        decimals: 2,
    },
];

/// The region `id`, if served.
///
/// ```
/// assert_eq!(provider_xendit::region("philippines").unwrap().currency.as_str(), "PHP");
/// assert!(provider_xendit::region("vietnam").is_none());
/// ```
pub fn region(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// The ids of every region, comma-separated (for error messages).
pub(crate) fn region_ids() -> String {
    REGIONS.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
}
