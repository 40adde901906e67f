//! # payout-platform
//!
//! PayPro and Vexora are two brands of one white-label platform. This crate
//! is that platform's protocol, written once: the [`envelope`] with its type
//! drift, the [`status_code`] table, the [`region`] table types, request
//! building and signing ([`wire`], [`create`]), answer parsing ([`data`]),
//! callback verification ([`callback`]) and [`PlatformProvider`], which
//! implements [`payout_core::PayoutProvider`] for any [`Brand`]. A brand
//! crate holds only its region table.
//!
//! ```
//! use payout_platform::{Brand, PlatformProvider, Scheme, Region, Paths, AmountRule, WireField, Source};
//! use payout_core::{ProviderSettings, Secret, TradeNo};
//! use payout_transport::{HttpTransport, PayoutProtocol, TransportConfig};
//!
//! static FIELDS: &[WireField] = &[WireField::req("bankCode", Source::BankCode)];
//! static REGIONS: &[Region] = &[Region::new(
//!     "indonesia", "IDR", chrono_tz::Asia::Jakarta,
//!     Paths::new("/v1/demo/", "payOut"), AmountRule::integer_min(10000), FIELDS,
//! )];
//! static DEMO: Brand = Brand { id: "demo", name: "Demo", regions: REGIONS, scheme: Scheme::Md5Sorted };
//!
//! let settings = ProviderSettings::new("indonesia", "http://127.0.0.1:9/id", "1234567890", Secret::new("s"));
//! let p: PlatformProvider = DEMO.provider(&settings, HttpTransport::new(TransportConfig::default())?)?;
//! let req = p.build_query(&TradeNo::new("T1")?, 1700000000000)?;
//! assert_eq!(&*req.url, "http://127.0.0.1:9/id/v1/demo/queryPayOutResult");
//! # Ok::<(), payout_core::Error>(())
//! ```

mod answer;
pub mod callback;
pub mod create;
pub mod data;
pub mod envelope;
pub mod fieldsets;
mod json_object;
pub mod provider;
pub mod region;
pub mod scheme;
pub mod status_code;
pub mod wire;

pub use provider::{Platform, PlatformProvider, MAX_TRADE_NO_LEN};
pub use region::{
    AmountRule, Brand, NotifyUrlRule, Paths, QueryVariant, Region, Rule, Source, WireField,
};
pub use scheme::{Scheme, SignPlacement};
