//! # payout
//!
//! One async payout API over many providers. Enable a provider with its
//! Cargo feature (`paypro`, `vexora`; both by default), describe the
//! account in a [`Config`], and [`build`] a provider:
//!
//! ```no_run
//! use payout::{Config, PayoutProvider, TradeNo};
//!
//! # async fn run() -> Result<(), payout::Error> {
//! let mut config = Config::new("paypro");
//! config.region = "indonesia".into();
//! config.base_url = "https://openapi-test.paypro.tech/indonesia-pay".into();
//! config.merchant_no = "8729248847".into();
//! config.secret = Some(payout::Secret::new(std::env::var("PAYOUT_SECRET").unwrap_or_default()));
//!
//! let provider = payout::build(&config)?;
//! let status = provider.query_payout(&TradeNo::new("test_00000002")?).await?;
//! println!("{} is {}", status.trade_no, status.state);
//! # Ok(()) }
//! ```
//!
//! Errors say whether a retry is safe ([`Error::retry_advice`]); a create
//! whose outcome is unknown is [`Error::OutcomeUnknown`], never "failed".
//!
//! Every operation runs in a `tracing` span (`payout.create`, ...); the
//! `metrics` feature counts them through the `metrics` facade; see
//! `docs/observability.md`. Foreign types of the API are re-exported
//! ([`http`], [`reqwest`], [`chrono`], [`serde_json`], [`bytes`]), so no
//! version-matched dependency of your own is needed.

#[cfg(feature = "axum")]
pub mod axum_handler;
pub mod config;
pub mod receiver;
pub mod registry;

use std::sync::Arc;

pub use config::Config;
pub use payout_core::*;
pub use payout_transport::{
    bytes, metrics, reqwest, AuditEvent, AuditHook, HttpTransport, RetryPolicy, TransportConfig,
};
pub use registry::{entry, provider_ids, ProviderEntry, PROVIDERS};

/// Builds the configured provider on a new pooled transport.
///
/// # Errors
/// [`Error::Config`] naming what is wrong: an unknown provider (listing the
/// compiled-in ones and the feature to enable), region, URL or credentials.
pub fn build(config: &Config) -> Result<Arc<dyn PayoutProvider>, Error> {
    let transport = HttpTransport::new(config.transport()?)?;
    build_with_transport(config, transport)
}

/// Builds the configured provider on a `reqwest::Client` the caller built
/// (proxy, custom root certificates, mTLS, its own connection pool): the
/// SDK still applies the configuration's per-request timeout, retries,
/// size cap and extra headers. The client's connect timeout, pool and
/// redirect policy are the caller's; the SDK's own client follows no
/// redirect, and so should this one (`reqwest::redirect::Policy::none()`).
///
/// ```
/// let config = payout::Config::from_toml_str(r#"
///     provider = "xendit"
///     region = "philippines"
///     base_url = "http://127.0.0.1:9/xendit"
///     secret = "xnd_development_example"
///     headers = { "X-Egress-Route" = "payouts-eu" }
/// "#)?;
/// let client = payout::reqwest::Client::builder()
///     .redirect(payout::reqwest::redirect::Policy::none())
///     .build()
///     .map_err(|e| payout::Error::config(e.to_string()))?;
/// let provider = payout::build_with_client(&config, client)?;
/// assert_eq!(provider.region(), "philippines");
/// # Ok::<(), payout::Error>(())
/// ```
///
/// # Errors
/// As [`build`].
pub fn build_with_client(
    config: &Config,
    client: reqwest::Client,
) -> Result<Arc<dyn PayoutProvider>, Error> {
    build_with_transport(
        config,
        HttpTransport::from_client(client, config.transport()?),
    )
}

/// Builds the configured provider on an existing transport, so that many
/// providers share one connection pool.
///
/// # Errors
/// As [`build`].
pub fn build_with_transport(
    config: &Config,
    transport: HttpTransport,
) -> Result<Arc<dyn PayoutProvider>, Error> {
    if config.provider.is_empty() {
        return Err(Error::config(format!(
            "no provider given; set provider (PAYOUT_PROVIDER) to one of: {}",
            provider_ids().collect::<Vec<_>>().join(", ")
        )));
    }
    let entry = entry(&config.provider).ok_or_else(|| {
        Error::config(format!(
            "unknown provider {:?}; compiled in: {} (enable the crate feature named after the provider)",
            config.provider,
            provider_ids().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let settings = config.settings()?;
    tracing::debug!(provider = entry.id, region = %settings.region, endpoint = ?settings.endpoint, "building provider");
    // The shared pool, with this provider's timeouts, retries and size cap.
    let transport = transport.with_config(config.transport_over(transport.config())?);
    (entry.build)(&settings, transport)
}
