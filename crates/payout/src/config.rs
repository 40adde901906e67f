//! [`Config`]: which provider, region and account, and how to reach it —
//! from TOML, from the environment, or built in code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use payout_core::{Error, ProviderSettings, Secret};
use payout_transport::{RetryPolicy, TransportConfig};
use serde::Deserialize;

/// Default region when none is given.
pub const DEFAULT_REGION: &str = "indonesia";

/// Everything needed to build a provider.
///
/// TOML (every key optional except `provider`, `merchant_no` and one of
/// `secret`/`secret_file`; prefer `secret_file` or `PAYOUT_SECRET`):
///
/// ```
/// let cfg = payout::Config::from_toml_str(r#"
///     provider = "paypro"
///     region = "indonesia"
///     base_url = "http://127.0.0.1:9000/indonesia-pay"
///     merchant_no = "8729248847"
///     secret = "app-secret"
///     timeout_ms = 5000
/// "#)?;
/// assert_eq!(cfg.region, "indonesia");
/// assert!(!format!("{cfg:?}").contains("app-secret"));
/// # Ok::<(), payout_core::Error>(())
/// ```
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// Provider id (`paypro`, `vexora`).
    #[serde(default)]
    pub provider: String,
    /// Region id (default `indonesia`).
    #[serde(default = "default_region")]
    pub region: String,
    /// Base URL with the region segment; empty = the region's sandbox.
    #[serde(default)]
    pub base_url: String,
    /// Merchant number.
    #[serde(default)]
    pub merchant_no: String,
    /// Merchant secret (prefer `secret_file` or the environment).
    #[serde(default)]
    pub secret: Option<Secret>,
    /// File holding the secret (surrounding whitespace ignored).
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    /// Per-attempt timeout in ms (default 30000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Connect timeout in ms (default 5000).
    #[serde(default)]
    pub connect_timeout_ms: Option<u64>,
    /// Attempts for idempotent calls, the first included (default 3).
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// Largest response body accepted in bytes (default 1 MiB).
    #[serde(default)]
    pub max_response_bytes: Option<usize>,
    /// Provider-specific settings.
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
}

fn default_region() -> String {
    DEFAULT_REGION.to_owned()
}

/// An environment variable read by [`Config::apply_env`].
pub const ENV_VARS: &[(&str, &str)] = &[
    ("PAYOUT_PROVIDER", "provider id"),
    ("PAYOUT_REGION", "region id"),
    ("PAYOUT_BASE_URL", "base URL including the region segment"),
    ("PAYOUT_MERCHANT_NO", "merchant number"),
    ("PAYOUT_SECRET", "merchant secret"),
    ("PAYOUT_SECRET_FILE", "file holding the merchant secret"),
    ("PAYOUT_TIMEOUT_MS", "per-attempt timeout in milliseconds"),
    (
        "PAYOUT_CONNECT_TIMEOUT_MS",
        "connect timeout in milliseconds",
    ),
];

impl Config {
    /// A configuration for `provider` with defaults everywhere else.
    pub fn new(provider: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            region: default_region(),
            ..Self::default()
        }
    }

    /// Parses TOML. Error messages never quote the file's text, so a secret
    /// in it cannot leak through them.
    ///
    /// # Errors
    /// [`Error::Config`] naming the line and the problem.
    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        toml::from_str(text).map_err(|e| {
            let start = e.span().map(|s| s.start.min(text.len()));
            let line = start.map(|s| text[..s].matches('\n').count() + 1);
            let at = line.map(|l| format!(" at line {l}")).unwrap_or_default();
            // serde quotes the offending value; never do that for a secret.
            let line_text = start
                .map(|s| {
                    let from = text[..s].rfind('\n').map_or(0, |i| i + 1);
                    text[from..].lines().next().unwrap_or_default()
                })
                .unwrap_or_default();
            let key = line_text.split('=').next().unwrap_or_default();
            if key.to_ascii_lowercase().contains("secret") {
                Error::config(format!(
                    "invalid configuration{at}: `{}` must be a string (value not shown)",
                    key.trim()
                ))
            } else {
                Error::config(format!("invalid configuration{at}: {}", e.message()))
            }
        })
    }

    /// Reads a TOML file.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read or parsed.
    pub fn from_toml_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config(format!(
                "cannot read configuration file {}: {e}",
                path.display()
            ))
        })?;
        Self::from_toml_str(&text).map_err(|e| match e {
            Error::Config { message } => Error::config(format!("{}: {message}", path.display())),
            other => other,
        })
    }

    /// A configuration from the environment alone.
    ///
    /// # Errors
    /// [`Error::Config`] for a malformed number.
    pub fn from_env() -> Result<Self, Error> {
        let mut c = Self::new("");
        c.apply_env(|k| std::env::var(k).ok())?;
        Ok(c)
    }

    /// Overrides fields with the `PAYOUT_*` variables that are set
    /// (see [`ENV_VARS`]). `get` reads a variable (pass
    /// `|k| std::env::var(k).ok()`).
    ///
    /// # Errors
    /// [`Error::Config`] for a malformed number.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), Error> {
        let get = |k: &str| get(k).filter(|v| !v.is_empty());
        if let Some(v) = get("PAYOUT_PROVIDER") {
            self.provider = v;
        }
        if let Some(v) = get("PAYOUT_REGION") {
            self.region = v;
        }
        if let Some(v) = get("PAYOUT_BASE_URL") {
            self.base_url = v;
        }
        if let Some(v) = get("PAYOUT_MERCHANT_NO") {
            self.merchant_no = v;
        }
        if let Some(v) = get("PAYOUT_SECRET") {
            self.secret = Some(Secret::new(v));
        }
        if let Some(v) = get("PAYOUT_SECRET_FILE") {
            self.secret_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("PAYOUT_TIMEOUT_MS") {
            self.timeout_ms = Some(parse_ms("PAYOUT_TIMEOUT_MS", &v)?);
        }
        if let Some(v) = get("PAYOUT_CONNECT_TIMEOUT_MS") {
            self.connect_timeout_ms = Some(parse_ms("PAYOUT_CONNECT_TIMEOUT_MS", &v)?);
        }
        Ok(())
    }

    /// The secret: `secret` if set, else the content of `secret_file`.
    ///
    /// # Errors
    /// [`Error::Config`] when neither is set or the file cannot be read.
    pub fn resolve_secret(&self) -> Result<Secret, Error> {
        if let Some(s) = self.secret.as_ref().filter(|s| !s.is_empty()) {
            return Ok(s.clone());
        }
        if let Some(path) = &self.secret_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::config(format!("cannot read secret file {}: {e}", path.display()))
            })?;
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return Err(Error::config(format!(
                    "secret file {} is empty",
                    path.display()
                )));
            }
            return Ok(Secret::new(trimmed));
        }
        Err(Error::config(
            "no merchant secret: set PAYOUT_SECRET, PAYOUT_SECRET_FILE, or secret_file in the configuration",
        ))
    }

    /// The provider settings part.
    ///
    /// # Errors
    /// As [`Config::resolve_secret`], or a missing merchant number.
    pub fn settings(&self) -> Result<ProviderSettings, Error> {
        if self.merchant_no.is_empty() {
            return Err(Error::config(
                "no merchant number: set PAYOUT_MERCHANT_NO or merchant_no",
            ));
        }
        let mut s = ProviderSettings::new(
            &self.region,
            &self.base_url,
            &self.merchant_no,
            self.resolve_secret()?,
        );
        s.extra = self.extra.clone();
        Ok(s)
    }

    /// The transport part.
    pub fn transport(&self) -> TransportConfig {
        let mut t = TransportConfig::default();
        if let Some(ms) = self.timeout_ms {
            t = t.timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = self.connect_timeout_ms {
            t = t.connect_timeout(Duration::from_millis(ms));
        } else if let Some(ms) = self.timeout_ms {
            let connect = t.connect_timeout.min(Duration::from_millis(ms));
            t = t.connect_timeout(connect);
        }
        if let Some(n) = self.max_attempts {
            t = t.retry(RetryPolicy::default().attempts(n));
        }
        if let Some(n) = self.max_response_bytes {
            t = t.max_response_bytes(n);
        }
        t
    }
}

fn parse_ms(name: &str, v: &str) -> Result<u64, Error> {
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::config(format!(
                "{name} must be a positive number of milliseconds (got {v:?})"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_do_not_quote_the_secret() {
        let err =
            Config::from_toml_str("provider = \"paypro\"\nsecret = 12345678901234\n").unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("12345678901234"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn env_overrides() {
        let mut c = Config::new("paypro");
        c.apply_env(|k| match k {
            "PAYOUT_TIMEOUT_MS" => Some("1500".into()),
            "PAYOUT_SECRET" => Some("s3cr3t".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.transport().timeout, Duration::from_millis(1500));
        assert_eq!(c.resolve_secret().unwrap().expose(), "s3cr3t");
        let bad = c.apply_env(|k| (k == "PAYOUT_TIMEOUT_MS").then(|| "soon".into()));
        assert!(bad.unwrap_err().to_string().contains("PAYOUT_TIMEOUT_MS"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(Config::from_toml_str("provider = \"paypro\"\nregoin = \"x\"\n").is_err());
    }
}
