//! From flags, environment and TOML to a [`payout::Config`] and a provider.
//!
//! Precedence, lowest first: the `--config` TOML file, the `PAYOUT_*`
//! environment variables ([`payout::config::ENV_VARS`]), the flags. The
//! secret comes only from `PAYOUT_SECRET`, a secret file, or the TOML file.

use std::sync::Arc;
use std::time::Duration;

use payout::{Config, PayoutProvider};

use crate::cli::Common;
use crate::exit::Failure;

/// The CLI's documented default region (the library has none).
pub const DEFAULT_REGION: &str = "indonesia";

/// Resolves the configuration. `env` reads a variable (pass
/// `|k| std::env::var(k).ok()`).
///
/// # Errors
/// A usage failure (exit 2) for a secret given as a flag, an unreadable or
/// invalid TOML file, a malformed variable, or no provider at all.
pub fn resolve(common: &Common, env: impl Fn(&str) -> Option<String>) -> Result<Config, Failure> {
    if common.secret.is_some() {
        return Err(Failure::usage(
            "--secret is not accepted: a secret on the command line ends up in shell history and `ps`; set PAYOUT_SECRET or use --secret-file FILE",
        ));
    }
    let mut config = match &common.config {
        Some(path) => Config::from_toml_file(path)?,
        None => Config::new(""),
    };
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    if set("PAYOUT_SECRET_FILE") && !set("PAYOUT_SECRET") {
        // A secret file named in the environment beats a secret in the TOML file.
        config.secret = None;
    }
    config.apply_env(&env)?;
    if let Some(v) = &common.provider {
        config.provider.clone_from(v);
    }
    if let Some(v) = &common.region {
        config.region.clone_from(v);
    }
    if let Some(v) = &common.base_url {
        config.base_url.clone_from(v);
    }
    if let Some(v) = &common.merchant_no {
        config.merchant_no.clone_from(v);
    }
    if common.sandbox {
        config.sandbox = true;
    }
    if let Some(path) = &common.callback_token_file {
        config.callback_token = None;
        config.callback_token_file = Some(path.clone());
    }
    if let Some(v) = &common.for_user_id {
        config.for_user_id = Some(v.clone());
    }
    if let Some(path) = &common.secret_file {
        // The flag wins over a secret from the environment or the file.
        config.secret = None;
        config.secret_file = Some(path.clone());
    }
    if let Some(ms) = common.timeout_ms {
        config.timeout_ms = Some(ms);
    }
    if let Some(ms) = common.connect_timeout_ms {
        config.connect_timeout_ms = Some(ms);
    }
    if let Some(n) = common.max_attempts {
        config.max_attempts = Some(n);
    }
    if let Some(n) = common.max_response_bytes {
        config.max_response_bytes = Some(n);
    }
    if config.provider.is_empty() {
        return Err(Failure::usage(format!(
            "no provider: pass --provider <{}> (or set PAYOUT_PROVIDER)",
            payout::provider_ids().collect::<Vec<_>>().join("|")
        )));
    }
    if config.region.is_empty() {
        config.region = DEFAULT_REGION.to_owned();
    }
    Ok(config)
}

/// Builds the configured provider.
///
/// A command that sends refuses to run without a base URL (flag,
/// `PAYOUT_BASE_URL` or config file) unless `--sandbox` is given.
///
/// # Errors
/// As [`resolve`], plus [`payout::Error::Config`] from building (unknown region,
/// bad base URL, missing merchant number or secret) as exit 2.
pub fn provider(common: &Common) -> Result<Arc<dyn PayoutProvider>, Failure> {
    configured(common).map(|c| c.provider)
}

/// A provider that sends, with what a command needs to know of its
/// configuration.
#[derive(Debug)]
pub struct Configured {
    /// The provider.
    pub provider: Arc<dyn PayoutProvider>,
    /// The account its payouts belong to: the merchant number, or Xendit's
    /// sub-account (`""` for a Xendit business's own account).
    pub account: String,
    /// The per-attempt timeout of its requests.
    pub timeout: Duration,
}

/// Builds the configured provider, as [`provider`] does, and tells its
/// account and timeout.
///
/// # Errors
/// As [`provider`].
pub fn configured(common: &Common) -> Result<Configured, Failure> {
    let config = resolve(common, process_env)?;
    if config.base_url.trim().is_empty() && !config.sandbox {
        return Err(Failure::usage(
            "no base URL: pass --base-url URL (or set PAYOUT_BASE_URL, or base_url in --config) with the URL the provider gave you, or pass --sandbox to use the provider's published sandbox",
        ));
    }
    let provider = build(&config)?;
    let account = config.settings()?.credentials.account_or_empty().to_owned();
    Ok(Configured {
        provider,
        account,
        timeout: config.transport()?.timeout,
    })
}

/// Builds a provider that will only verify callbacks: the base URL and
/// merchant number are not needed then, so placeholders stand in for them
/// when they are not configured. Nothing is ever sent with it.
///
/// # Errors
/// As [`provider`].
pub fn offline_provider(common: &Common) -> Result<Arc<dyn PayoutProvider>, Failure> {
    let mut config = resolve(common, process_env)?;
    if config.base_url.is_empty() {
        config.base_url = "http://127.0.0.1/not-used-for-verification".to_owned();
    }
    if config.merchant_no.is_empty() {
        config.merchant_no = "0".to_owned();
    }
    let token_only = payout::entry(&config.provider)
        .and_then(|e| {
            (e.capabilities)()
                .region(&config.region)
                .map(|r| r.callback_signing == payout::CallbackSigning::Token)
        })
        .unwrap_or(false);
    if token_only && config.secret.is_none() && config.secret_file.is_none() {
        // Callbacks are checked against the callback token alone; the API
        // key is never used to verify, so a placeholder stands in for it.
        config.secret = Some(payout::Secret::new("not-used-for-verification"));
    }
    build(&config)
}

fn build(config: &Config) -> Result<Arc<dyn PayoutProvider>, Failure> {
    let no_secret = config.secret.as_ref().is_none_or(|s| s.is_empty());
    if no_secret && config.secret_file.is_none() {
        return Err(Failure::usage(
            "no secret: set PAYOUT_SECRET or pass --secret-file FILE (or PAYOUT_SECRET_FILE)",
        ));
    }
    tracing::debug!(provider = %config.provider, region = %config.region, base_url = %config.base_url, sandbox = config.sandbox, "configuration resolved");
    payout::build(config).map_err(Failure::from)
}

fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn common() -> Common {
        Common {
            provider: Some("paypro".into()),
            ..Common::default()
        }
    }

    #[test]
    fn flags_override_env_which_overrides_toml() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "provider = \"vexora\"\nregion = \"nigeria\"\nmerchant_no = \"111\"\nbase_url = \"http://toml\"\ntimeout_ms = 1000"
        )
        .unwrap();
        let mut c = common();
        c.config = Some(file.path().to_path_buf());
        c.base_url = Some("http://flag".into());
        let env = |k: &str| match k {
            "PAYOUT_MERCHANT_NO" => Some("222".to_owned()),
            "PAYOUT_BASE_URL" => Some("http://env".to_owned()),
            _ => None,
        };
        let config = resolve(&c, env).unwrap();
        assert_eq!(config.provider, "paypro");
        assert_eq!(config.region, "nigeria");
        assert_eq!(config.merchant_no, "222");
        assert_eq!(config.base_url, "http://flag");
        assert_eq!(config.timeout_ms, Some(1000));
    }

    #[test]
    fn secret_file_flag_beats_env_secret() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "from-file").unwrap();
        let mut c = common();
        c.secret_file = Some(file.path().to_path_buf());
        let env = |k: &str| (k == "PAYOUT_SECRET").then(|| "from-env".to_owned());
        let config = resolve(&c, env).unwrap();
        assert_eq!(config.resolve_secret().unwrap().expose(), "from-file");
    }

    #[test]
    fn region_defaults_to_indonesia_and_provider_is_required() {
        let config = resolve(&common(), |_| None).unwrap();
        assert_eq!(config.region, "indonesia");
        let err = resolve(&Common::default(), |_| None).unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert!(err.message.contains("--provider"), "{}", err.message);
    }

    #[test]
    fn a_secret_flag_is_refused_without_echoing_it() {
        let mut c = common();
        c.secret = Some("hunter2-secret".into());
        let err = resolve(&c, |_| None).unwrap_err();
        assert_eq!(err.exit.code(), 2);
        assert!(!err.message.contains("hunter2-secret"));
    }
}
