//! `payout sim`: serve the offline PayPro/Vexora and Xendit simulator until
//! stopped.
//!
//! The first stdout line is exactly `listening on http://ADDR` (flushed at
//! once, so a script can read the port); one line per served region
//! follows (`<provider> <region> <base URL>`), the Xendit countries last
//! (`xendit  indonesia     http://ADDR/xendit`). Merchant and secret come
//! from `PAYOUT_MERCHANT_NO` and `PAYOUT_SECRET` (or `PAYOUT_SECRET_FILE`),
//! each defaulting to the documented test pair; Xendit answers its test
//! key. No secret, key or webhook token is ever printed.

use std::io::Write;

use payout::Secret;
use payout_sim::{
    CallbackConfig, Lifecycle, MerchantConfig, SimConfig, SimError, Simulator, XenditConfig,
    TEST_MERCHANT_NO, TEST_SECRET,
};

use super::Report;
use crate::cli::SimArgs;
use crate::exit::{Exit, Failure};

/// Serves until Ctrl-C or SIGTERM.
///
/// # Errors
/// A usage failure (2) for an unusable merchant, secret or address (taken,
/// not local); an internal one (1) when stdout cannot be written.
pub async fn run(args: &SimArgs) -> Result<Report, Failure> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (merchant, merchant_note) = merchant(&env)?;
    let config = config(args, merchant)?;
    let sim = Simulator::bind(config).await.map_err(|e| match e {
        SimError::Bind { .. } => Failure::usage(format!("{e}; pass --addr IP:PORT")),
        _ => Failure::usage(e.to_string()),
    })?;
    let handle = sim.spawn();
    let write_failed =
        |e: std::io::Error| Failure::new(Exit::Internal, format!("cannot write to stdout: {e}"));
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", handle.url()).map_err(write_failed)?;
        out.flush().map_err(write_failed)?;
        for r in handle.regions().into_iter().chain(handle.xendit_regions()) {
            writeln!(out, "{:<7} {:<13} {}", r.brand, r.region, r.base_url)
                .map_err(write_failed)?;
        }
        out.flush().map_err(write_failed)?;
    }
    eprintln!("{merchant_note}; Xendit answers the documented test key (payout_sim::XENDIT_TEST_SECRET_KEY); stop with Ctrl-C");
    stop_signal().await;
    eprintln!("stopping the simulator");
    handle.shutdown().await;
    Ok(Report::printed(Exit::Ok))
}

/// The simulator settings from the flags.
///
/// # Errors
/// A usage failure (2) for a Xendit webhook URL that is not http(s).
fn config(args: &SimArgs, merchant: MerchantConfig) -> Result<SimConfig, Failure> {
    let mut xendit = XenditConfig::default().webhooks(
        CallbackConfig::xendit()
            .time_divisor(args.callback_time_divisor)
            .enabled(!args.no_callbacks),
    );
    if let Some(url) = &args.xendit_webhook_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Failure::usage(format!(
                "--xendit-webhook-url {url:?} must start with http:// or https://"
            )));
        }
        xendit = xendit.webhook_url(url.clone());
    }
    Ok(SimConfig::default()
        .addr(args.addr)
        .merchant(merchant)
        .lifecycle(
            Lifecycle::default()
                .after(Some(args.final_after))
                .after_queries(Some(args.final_on_query)),
        )
        .callbacks(
            CallbackConfig::default()
                .time_divisor(args.callback_time_divisor)
                .enabled(!args.no_callbacks),
        )
        .slow_delay(args.slow_delay)
        .xendit(xendit))
}

/// The merchant account from the environment (`env` reads a non-empty
/// variable), and a line saying where it came from (never the secret).
fn merchant(env: &dyn Fn(&str) -> Option<String>) -> Result<(MerchantConfig, String), Failure> {
    let number = env("PAYOUT_MERCHANT_NO");
    let secret = match (env("PAYOUT_SECRET"), env("PAYOUT_SECRET_FILE")) {
        (Some(s), _) => Some(Secret::new(s)),
        (None, Some(path)) => {
            let mut c = payout::Config::new("");
            c.secret_file = Some(path.into());
            Some(c.resolve_secret()?)
        }
        (None, None) => None,
    };
    let note = match (&number, &secret) {
        (None, None) => format!(
            "merchant {TEST_MERCHANT_NO} with the documented test secret (set PAYOUT_MERCHANT_NO and PAYOUT_SECRET to change)"
        ),
        (Some(n), Some(_)) => format!("merchant {n} with the secret from the environment"),
        (Some(n), None) => format!("merchant {n} with the documented test secret (PAYOUT_SECRET is not set)"),
        (None, Some(_)) => format!(
            "merchant {TEST_MERCHANT_NO} (PAYOUT_MERCHANT_NO is not set) with the secret from the environment"
        ),
    };
    let number = number.unwrap_or_else(|| TEST_MERCHANT_NO.to_owned());
    let secret = secret.unwrap_or_else(|| Secret::new(TEST_SECRET));
    Ok((MerchantConfig::new(number, secret), note))
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for SIGTERM; stop with Ctrl-C"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C; serving until the process ends");
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn defaults_to_the_test_pair() {
        let (m, note) = merchant(&env(&[])).unwrap();
        assert_eq!(m.merchant_no, TEST_MERCHANT_NO);
        assert_eq!(m.secret.expose(), TEST_SECRET);
        assert!(note.contains("test secret"), "{note}");
    }

    #[test]
    fn reads_the_environment_and_never_names_the_secret() {
        let pairs = [
            ("PAYOUT_MERCHANT_NO", "1234567890"),
            ("PAYOUT_SECRET", "env-secret-xyz"),
        ];
        let (m, note) = merchant(&env(&pairs)).unwrap();
        assert_eq!(m.merchant_no, "1234567890");
        assert_eq!(m.secret.expose(), "env-secret-xyz");
        assert!(!note.contains("env-secret-xyz"));
    }

    #[test]
    fn secret_file_is_read_and_a_missing_one_is_an_error() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "file-secret").unwrap();
        let path = file.path().to_string_lossy().into_owned();
        let pairs = [("PAYOUT_SECRET_FILE", path.as_str())];
        let (m, _) = merchant(&env(&pairs)).unwrap();
        assert_eq!(m.secret.expose(), "file-secret");
        let pairs = [("PAYOUT_SECRET_FILE", "/nonexistent/secret")];
        let err = merchant(&env(&pairs)).unwrap_err();
        assert_eq!(err.exit.code(), 2);
    }

    #[test]
    fn flags_reach_the_config() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "payout",
            "sim",
            "--final-after",
            "10ms",
            "--final-on-query",
            "0",
            "--callback-time-divisor",
            "1000",
            "--no-callbacks",
            "--xendit-webhook-url",
            "http://127.0.0.1:8080/xendit",
        ])
        .unwrap();
        let crate::cli::Command::Sim(args) = cli.command else {
            panic!("not sim");
        };
        let c = config(&args, MerchantConfig::test_pair()).unwrap();
        assert_eq!(c.lifecycle.after_queries, Some(0));
        assert_eq!(
            c.lifecycle.after,
            Some(std::time::Duration::from_millis(10))
        );
        assert_eq!(c.callbacks.time_divisor, 1000);
        assert!(!c.callbacks.enabled);
        assert_eq!(c.xendit.webhooks.time_divisor, 1000);
        assert!(!c.xendit.webhooks.enabled);
        assert_eq!(
            c.xendit.webhook_url.as_deref(),
            Some("http://127.0.0.1:8080/xendit")
        );
    }

    #[test]
    fn a_bad_xendit_webhook_url_is_a_usage_error() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "payout",
            "sim",
            "--xendit-webhook-url",
            "localhost:8080",
        ])
        .unwrap();
        let crate::cli::Command::Sim(args) = cli.command else {
            panic!("not sim");
        };
        let err = config(&args, MerchantConfig::test_pair()).unwrap_err();
        assert_eq!(err.exit.code(), 2);
    }
}
