//! The provider registry: one line per provider, selected by Cargo features.

use std::sync::Arc;

use payout_core::{Capabilities, Error, PayoutProvider, ProviderSettings};
use payout_transport::HttpTransport;

/// Builds a provider from settings on a shared transport.
pub type BuildFn = fn(&ProviderSettings, HttpTransport) -> Result<Arc<dyn PayoutProvider>, Error>;

/// A registered provider.
#[derive(Clone, Copy)]
pub struct ProviderEntry {
    /// Provider id used in configuration.
    pub id: &'static str,
    /// Builds an instance.
    pub build: BuildFn,
    /// Declares the capabilities.
    pub capabilities: fn() -> Capabilities,
}

impl std::fmt::Debug for ProviderEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderEntry")
            .field("id", &self.id)
            .finish()
    }
}

/// Registers a brand of the PayPro/Vexora white-label platform.
#[allow(unused_macros)] // when no brand is compiled in
macro_rules! platform {
    ($brand:path) => {{
        use payout_platform::{Brand, Platform};
        static BRAND: &Brand = &$brand;
        ProviderEntry {
            id: BRAND.id,
            build: |settings, transport| Ok(Arc::new(BRAND.provider(settings, transport)?)),
            capabilities: || Platform::declare(BRAND),
        }
    }};
}

/// The provider list: `"feature" => entry,` lines, each entry compiled in
/// when the facade feature of that name is on. Written as one line per
/// provider (rustfmt leaves macro bodies of this shape alone).
macro_rules! providers {
    ($($feature:literal => $entry:expr,)*) => {
        &[$(#[cfg(feature = $feature)] $entry,)*]
    };
}

/// Every provider compiled in. Adding a provider is one line here (and its
/// feature in `Cargo.toml`): `platform!(provider_<name>::BRAND)` for a brand of the
/// white-label platform, or a [`ProviderEntry`] for a provider crate that
/// implements [`PayoutProvider`] itself. `cargo xtask new-provider` adds
/// the line; see `docs/adding-a-provider.md`.
pub static PROVIDERS: &[ProviderEntry] = providers![
    "paypro" => platform!(provider_paypro::BRAND),
    "vexora" => platform!(provider_vexora::BRAND),
    "xendit" => ProviderEntry {
        id: provider_xendit::ID,
        build: |settings, transport| Ok(Arc::new(provider_xendit::provider(settings, transport)?)),
        capabilities: provider_xendit::declare,
    },
    // cargo xtask new-provider inserts new providers above this line
];

/// The registered provider with this id.
pub fn entry(id: &str) -> Option<&'static ProviderEntry> {
    PROVIDERS.iter().find(|e| e.id == id)
}

/// Ids of every provider compiled in.
///
/// ```
/// assert!(payout::provider_ids().count() >= 1);
/// ```
pub fn provider_ids() -> impl Iterator<Item = &'static str> {
    PROVIDERS.iter().map(|e| e.id)
}
