//! [`Config`]: which provider, region and account, and how to reach it —
//! from TOML, from the environment, or built in code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use payout_core::{Credentials, Endpoint, Error, ProviderSettings, Secret};
use payout_transport::TransportConfig;
use serde::Deserialize;

/// Everything needed to build a provider.
///
/// TOML: `provider`, `region`, one of `base_url` / `sandbox = true`, and
/// the credentials the provider's page names (`merchant_no` and
/// `secret`/`secret_file` for the platform; `secret` (the API key),
/// `callback_token` and optionally `for_user_id` for Xendit). Prefer
/// `secret_file` or `PAYOUT_SECRET` for secrets. There are no silent
/// defaults: a missing region or endpoint is an error.
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
    /// Provider id (`paypro`, `vexora`, `xendit`).
    #[serde(default)]
    pub provider: String,
    /// Region id (required; see the provider's page).
    #[serde(default)]
    pub region: String,
    /// Base URL (the platform: host and region segment; Xendit: the API
    /// root). Empty requires `sandbox = true`.
    #[serde(default)]
    pub base_url: String,
    /// Use the provider's published sandbox (explicitly; only when
    /// `base_url` is empty).
    #[serde(default)]
    pub sandbox: bool,
    /// Merchant number (the platform).
    #[serde(default)]
    pub merchant_no: String,
    /// The API secret: the platform's merchant secret, Xendit's secret API
    /// key (prefer `secret_file` or the environment).
    #[serde(default)]
    pub secret: Option<Secret>,
    /// File holding the secret (surrounding whitespace ignored).
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    /// The callback verification token (Xendit's webhook token).
    #[serde(default)]
    pub callback_token: Option<Secret>,
    /// File holding the callback token.
    #[serde(default)]
    pub callback_token_file: Option<PathBuf>,
    /// The sub-account calls act for (Xendit's `for-user-id`).
    #[serde(default)]
    pub for_user_id: Option<String>,
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
    /// Headers added to every request to this provider (an egress
    /// gateway's route or credential, a tenant tag): TOML
    /// `headers = { "X-Egress-Route" = "payouts-eu" }`. Values are kept as
    /// [`Secret`]s (masked in `Debug`); a value whose name looks like a
    /// credential is also marked sensitive on the wire
    /// ([`TransportConfig::header`] has the rules). Checked when the
    /// provider is built.
    #[serde(default)]
    pub headers: BTreeMap<String, Secret>,
}

/// An environment variable read by [`Config::apply_env`].
pub const ENV_VARS: &[(&str, &str)] = &[
    ("PAYOUT_PROVIDER", "provider id"),
    ("PAYOUT_REGION", "region id"),
    ("PAYOUT_BASE_URL", "base URL including the region segment"),
    ("PAYOUT_MERCHANT_NO", "merchant number"),
    ("PAYOUT_SECRET", "merchant secret"),
    ("PAYOUT_SECRET_FILE", "file holding the merchant secret"),
    (
        "PAYOUT_SANDBOX",
        "1/true: use the provider's published sandbox",
    ),
    (
        "PAYOUT_CALLBACK_TOKEN",
        "callback verification token (Xendit)",
    ),
    (
        "PAYOUT_CALLBACK_TOKEN_FILE",
        "file holding the callback verification token",
    ),
    ("PAYOUT_FOR_USER_ID", "sub-account id (Xendit for-user-id)"),
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
            .with_source(e)
        })?;
        Self::from_toml_str(&text).map_err(|e| match e {
            Error::Config { message, .. } => {
                Error::config(format!("{}: {message}", path.display()))
            }
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
        if let Some(v) = get("PAYOUT_SANDBOX") {
            self.sandbox = match v.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => {
                    return Err(Error::config(format!(
                        "PAYOUT_SANDBOX must be 1/true or 0/false, not {v:?}"
                    )))
                }
            };
        }
        if let Some(v) = get("PAYOUT_CALLBACK_TOKEN") {
            self.callback_token = Some(Secret::new(v));
        }
        if let Some(v) = get("PAYOUT_CALLBACK_TOKEN_FILE") {
            self.callback_token_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("PAYOUT_FOR_USER_ID") {
            self.for_user_id = Some(v);
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
        read_secret(self.secret.as_ref(), self.secret_file.as_deref(), "secret")?.ok_or_else(|| {
            Error::config(
                "no secret: set PAYOUT_SECRET, PAYOUT_SECRET_FILE, or secret_file in the configuration",
            )
        })
    }

    /// The callback token: `callback_token`, else the content of
    /// `callback_token_file`; `None` when neither is set.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read or is empty.
    pub fn resolve_callback_token(&self) -> Result<Option<Secret>, Error> {
        read_secret(
            self.callback_token.as_ref(),
            self.callback_token_file.as_deref(),
            "callback token",
        )
    }

    /// The provider settings part.
    ///
    /// # Errors
    /// As [`Config::resolve_secret`]; a missing region; neither a base URL
    /// nor `sandbox = true`.
    pub fn settings(&self) -> Result<ProviderSettings, Error> {
        if self.region.trim().is_empty() {
            return Err(Error::config(
                "no region: set region (PAYOUT_REGION); the provider's page lists them, and the region decides the currency",
            ));
        }
        let endpoint = match (self.base_url.trim(), self.sandbox) {
            ("", true) => Endpoint::Sandbox,
            ("", false) => {
                return Err(Error::config(
                    "no base URL: set base_url (PAYOUT_BASE_URL) to the URL the provider gave you, or choose the provider's sandbox explicitly with sandbox = true (PAYOUT_SANDBOX=1)",
                ))
            }
            (url, _) => Endpoint::Url(url.to_owned()),
        };
        let account = match (self.merchant_no.trim(), self.for_user_id.as_deref()) {
            ("", Some(id)) => id.to_owned(),
            (m, _) => m.to_owned(),
        };
        let mut credentials = Credentials::new(account, self.resolve_secret()?);
        if let Some(token) = self.resolve_callback_token()? {
            credentials = credentials.with_callback_secret(token);
        }
        let mut s = ProviderSettings::with_credentials(&self.region, endpoint, credentials);
        s.extra = self.extra.clone();
        Ok(s)
    }

    /// The transport part.
    ///
    /// # Errors
    /// [`Error::Config`] for an extra header that cannot be sent (see
    /// [`TransportConfig::header`]).
    pub fn transport(&self) -> Result<TransportConfig, Error> {
        self.transport_over(&TransportConfig::default())
    }

    /// This configuration's transport settings laid over `base`: every
    /// setting given here wins, the others stay as in `base` (its audit
    /// observer included); extra headers are added to `base`'s, replacing
    /// one of the same name.
    ///
    /// # Errors
    /// As [`Config::transport`].
    pub fn transport_over(&self, base: &TransportConfig) -> Result<TransportConfig, Error> {
        let mut t = base.clone();
        for (name, value) in &self.headers {
            t = t.header(name, value.expose())?;
        }
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
            let retry = t.retry.clone().attempts(n);
            t = t.retry(retry);
        }
        if let Some(n) = self.max_response_bytes {
            t = t.max_response_bytes(n);
        }
        Ok(t)
    }
}

/// A secret given inline or in a file; `None` when neither is set.
fn read_secret(
    inline: Option<&Secret>,
    file: Option<&Path>,
    what: &str,
) -> Result<Option<Secret>, Error> {
    if let Some(s) = inline.filter(|s| !s.is_empty()) {
        return Ok(Some(s.clone()));
    }
    let Some(path) = file else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::config(format!("cannot read {what} file {}: {e}", path.display())).with_source(e)
    })?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::config(format!(
            "{what} file {} is empty",
            path.display()
        )));
    }
    Ok(Some(Secret::new(trimmed)))
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
        assert_eq!(c.transport().unwrap().timeout, Duration::from_millis(1500));
        assert_eq!(c.resolve_secret().unwrap().expose(), "s3cr3t");
        let bad = c.apply_env(|k| (k == "PAYOUT_TIMEOUT_MS").then(|| "soon".into()));
        assert!(bad.unwrap_err().to_string().contains("PAYOUT_TIMEOUT_MS"));
    }

    #[test]
    fn no_silent_region_or_endpoint() {
        let mut c = Config::new("paypro");
        c.merchant_no = "1".into();
        c.secret = Some(Secret::new("s"));
        let e = c.settings().unwrap_err().to_string();
        assert!(e.contains("no region"), "{e}");
        c.region = "nigeria".into();
        let e = c.settings().unwrap_err().to_string();
        assert!(e.contains("sandbox = true"), "{e}");
        c.sandbox = true;
        assert_eq!(c.settings().unwrap().endpoint, Endpoint::Sandbox);
        c.base_url = "http://127.0.0.1:9/nigeria".into();
        assert!(matches!(c.settings().unwrap().endpoint, Endpoint::Url(_)));
    }

    #[test]
    fn settings_lay_over_a_shared_transport() {
        let base = TransportConfig::default().max_response_bytes(10);
        let mut c = Config::new("paypro");
        c.timeout_ms = Some(100);
        let t = c.transport_over(&base).unwrap();
        assert_eq!(t.timeout, Duration::from_millis(100));
        assert_eq!(t.max_response_bytes, 10);
    }

    #[test]
    fn extra_headers_from_toml_are_checked_and_masked() {
        let c = Config::from_toml_str(
            "provider = \"paypro\"\nheaders = { \"X-Egress-Route\" = \"eu-1\", \"X-Gateway-Key\" = \"gw-s3cret\" }\n",
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("gw-s3cret"));
        let t = c.transport().unwrap();
        let sent: Vec<(&str, bool)> = t
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.is_sensitive()))
            .collect();
        assert_eq!(sent, [("x-egress-route", false), ("x-gateway-key", true)]);
        // Laid over a transport built from the same configuration (what
        // `payout::build` does), each header is still there once.
        assert_eq!(c.transport_over(&t).unwrap().headers, t.headers);
        let bad = Config::from_toml_str(
            "provider = \"paypro\"\nheaders = { \"Content-Length\" = \"1\" }\n",
        )
        .unwrap();
        assert!(bad
            .transport()
            .unwrap_err()
            .to_string()
            .contains("content-length"));
    }

    #[test]
    fn file_errors_keep_the_io_error() {
        use std::error::Error as _;
        let missing = Path::new("/nonexistent/payout-config.toml");
        let err = Config::from_toml_file(missing).unwrap_err();
        let io = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            io.map(std::io::Error::kind),
            Some(std::io::ErrorKind::NotFound)
        );
        let mut c = Config::new("paypro");
        c.secret_file = Some(missing.into());
        let err = c.resolve_secret().unwrap_err();
        assert!(
            err.source().is_some_and(|s| s.is::<std::io::Error>()),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(Config::from_toml_str("provider = \"paypro\"\nregoin = \"x\"\n").is_err());
    }
}
