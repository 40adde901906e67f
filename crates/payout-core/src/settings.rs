//! [`ProviderSettings`]: what any provider needs to be built.

use std::collections::BTreeMap;
use std::fmt;

use crate::secret::Secret;

/// The account-level settings a provider factory receives: which region,
/// where to send, and the merchant's credentials. Transport settings
/// (timeouts, retries) are separate.
///
/// ```
/// use payout_core::{ProviderSettings, Secret};
/// let s = ProviderSettings::new("indonesia", "http://127.0.0.1:9000/indonesia-pay", "8729248847", Secret::new("k"));
/// assert!(!format!("{s:?}").contains("\"k\""));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ProviderSettings {
    /// Region id from the provider's region table.
    pub region: String,
    /// Base URL including the region segment, without a trailing slash.
    pub base_url: String,
    /// The merchant number sent in the `merchantNo` header.
    pub merchant_no: String,
    /// The merchant secret used to sign.
    pub secret: Secret,
    /// Provider-specific settings, by name.
    pub extra: BTreeMap<String, String>,
}

impl ProviderSettings {
    /// Settings with no provider-specific extras.
    pub fn new(
        region: impl Into<String>,
        base_url: impl Into<String>,
        merchant_no: impl Into<String>,
        secret: Secret,
    ) -> Self {
        Self {
            region: region.into(),
            base_url: base_url.into(),
            merchant_no: merchant_no.into(),
            secret,
            extra: BTreeMap::new(),
        }
    }
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("merchant_no", &self.merchant_no)
            .field("secret", &self.secret)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}
