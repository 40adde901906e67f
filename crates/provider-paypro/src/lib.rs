//! # provider-paypro
//!
//! PayPro's dialect of the white-label payout platform: its region table
//! (paths, sign placement, amount rules, payout fields) and nothing else.
//! The protocol itself lives in `payout-platform`.
//!
//! ```
//! use payout_core::{ProviderSettings, Secret, PayoutProvider};
//! use payout_transport::{HttpTransport, TransportConfig};
//!
//! let settings = ProviderSettings::new(
//!     "indonesia", "https://openapi-test.paypro.tech/indonesia-pay", "8729248847", Secret::new("app-secret"));
//! let provider = provider_paypro::BRAND.provider(&settings, HttpTransport::new(TransportConfig::default())?)?;
//! assert_eq!(provider.id(), "paypro");
//! assert!(provider_paypro::BRAND.region("pakistan").is_some());
//! # Ok::<(), payout_core::Error>(())
//! ```

mod regions;

use payout_platform::Brand;
pub use payout_platform::PlatformProvider;

/// PayPro: id `paypro`, with every region of its table.
pub static BRAND: Brand = Brand {
    id: "paypro",
    name: "PayPro",
    regions: regions::REGIONS,
    scheme: payout_platform::Scheme::Md5Sorted,
};
