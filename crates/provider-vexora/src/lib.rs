//! # provider-vexora
//!
//! Vexora's dialect of the white-label payout platform: its region table
//! (segments, paths, sign placement, amount rules, payout fields) and
//! nothing else. The protocol itself lives in `payout-platform`.
//!
//! ```
//! use payout_core::{ProviderSettings, Secret, PayoutProvider};
//! use payout_transport::{HttpTransport, TransportConfig};
//!
//! let settings = ProviderSettings::new(
//!     "nigeria", "https://sandbox-api.vexora.com/nigeria", "3060414594", Secret::new("app-secret"));
//! let provider = provider_vexora::BRAND.provider(&settings, HttpTransport::new(TransportConfig::default())?)?;
//! assert_eq!(provider.id(), "vexora");
//! # Ok::<(), payout_core::Error>(())
//! ```

mod regions;

use payout_platform::Brand;
pub use payout_platform::PlatformProvider;

/// Vexora: id `vexora`, with every region of its table.
pub static BRAND: Brand = Brand {
    id: "vexora",
    name: "Vexora",
    regions: regions::REGIONS,
    scheme: payout_platform::Scheme::Md5Sorted,
};
