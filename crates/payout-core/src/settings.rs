//! [`ProviderSettings`]: what any provider needs to be built.

use std::collections::BTreeMap;
use std::fmt;

use crate::secret::Secret;

/// Where a provider sends its requests: an explicit base URL, or an
/// explicit choice of the provider's published sandbox. There is no
/// silent default.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// This base URL (the provider's page says what it includes: the
    /// platform's host **and** region segment; Xendit's API root).
    Url(String),
    /// The provider's published sandbox or test host for the region.
    Sandbox,
}

impl Endpoint {
    /// The URL, when one was given.
    pub fn url(&self) -> Option<&str> {
        match self {
            Endpoint::Url(u) => Some(u),
            Endpoint::Sandbox => None,
        }
    }
}

/// The merchant's credentials, in provider-neutral slots. Each provider's
/// page says which slots it reads:
///
/// | provider | `account` | `api_secret` | `callback_secret` |
/// |---|---|---|---|
/// | paypro, vexora | merchant number (`merchantNo`), required | signing secret (also verifies callbacks) | unused |
/// | xendit | sub-account `for-user-id`, optional | secret API key (HTTP Basic) | webhook verification token |
///
/// Secrets are [`Secret`]s: masked in `Debug`, never serialized.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct Credentials {
    /// The account the calls act for (merchant number, sub-account id).
    pub account: Option<String>,
    /// The API secret (signing key or API key).
    pub api_secret: Secret,
    /// The secret that authenticates callbacks, where it differs from
    /// `api_secret`.
    pub callback_secret: Option<Secret>,
}

impl Credentials {
    /// Credentials with an account id and an API secret.
    pub fn new(account: impl Into<String>, api_secret: Secret) -> Self {
        let account = account.into();
        Self {
            account: (!account.is_empty()).then_some(account),
            api_secret,
            callback_secret: None,
        }
    }

    /// Credentials with only an API secret.
    pub fn api_key(api_secret: Secret) -> Self {
        Self {
            account: None,
            api_secret,
            callback_secret: None,
        }
    }

    /// Sets the callback secret.
    pub fn with_callback_secret(mut self, secret: Secret) -> Self {
        self.callback_secret = Some(secret);
        self
    }

    /// The account id, or `""`.
    pub fn account_or_empty(&self) -> &str {
        self.account.as_deref().unwrap_or("")
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("account", &self.account)
            .field("api_secret", &self.api_secret)
            .field("callback_secret", &self.callback_secret)
            .finish()
    }
}

/// The account-level settings a provider factory receives: which region,
/// where to send, and the merchant's credentials. Transport settings
/// (timeouts, retries) are separate.
///
/// ```
/// use payout_core::{ProviderSettings, Secret};
/// let s = ProviderSettings::new("indonesia", "http://127.0.0.1:9000/indonesia-pay", "8729248847", Secret::new("k"));
/// assert!(!format!("{s:?}").contains("\"k\""));
/// assert_eq!(s.credentials.account.as_deref(), Some("8729248847"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ProviderSettings {
    /// Region id from the provider's region table (required: there is no
    /// default region).
    pub region: String,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// The merchant's credentials.
    pub credentials: Credentials,
    /// Provider-specific settings, by name.
    pub extra: BTreeMap<String, String>,
}

impl ProviderSettings {
    /// Settings for an explicit base URL with an account id and a secret
    /// (an empty `base_url` means the provider's sandbox, chosen
    /// explicitly by the caller of this constructor).
    pub fn new(
        region: impl Into<String>,
        base_url: impl Into<String>,
        account: impl Into<String>,
        secret: Secret,
    ) -> Self {
        let base_url = base_url.into();
        Self::with_credentials(
            region,
            if base_url.trim().is_empty() {
                Endpoint::Sandbox
            } else {
                Endpoint::Url(base_url)
            },
            Credentials::new(account, secret),
        )
    }

    /// Settings from their parts.
    pub fn with_credentials(
        region: impl Into<String>,
        endpoint: Endpoint,
        credentials: Credentials,
    ) -> Self {
        Self {
            region: region.into(),
            endpoint,
            credentials,
            extra: BTreeMap::new(),
        }
    }

    /// The base URL, trimmed of a trailing `/`, or `None` for the sandbox.
    pub fn base_url(&self) -> Option<&str> {
        self.endpoint.url().map(|u| u.trim().trim_end_matches('/'))
    }
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}
