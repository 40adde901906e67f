//! `payout wait`: poll a payout until it is final or the deadline passes.
//!
//! Exit 0 once the payout is `succeeded` or `failed` (`"final": true`).
//! *Extension:* exit 7 when the deadline passes first; the last status seen
//! is printed with `"final": false`. A payout that is not final is never
//! reported failed. Errors that retrying cannot fix (a rejection, bad
//! configuration) end the wait at once with their own exit code.
//!
//! The deadline is hard: a query still unanswered when it passes is
//! abandoned, so the command ends within `--timeout` (plus start-up),
//! however slow the provider.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use payout::{PayoutProviderExt, TradeNo, WaitOptions, WaitOutcome};

use super::Report;
use crate::cli::WaitArgs;
use crate::config;
use crate::exit::{Exit, Failure};
use crate::output::{StatusOut, WaitOut};

/// Longest pause between two queries.
const MAX_INTERVAL: Duration = Duration::from_secs(30);

/// Polls and reports the final (or last known) status.
///
/// # Errors
/// As `payout query`, except that transient failures keep the wait going.
pub async fn run(args: &WaitArgs) -> Result<Report, Failure> {
    let trade_no = TradeNo::new(args.trade_no.as_str())?;
    let provider = config::provider(&args.common)?;
    let options = WaitOptions::new(args.timeout).intervals(args.interval, MAX_INTERVAL);
    let spinner = spinner(&trade_no, args.timeout);
    let outcome = provider.wait_until_final(&trade_no, options).await;
    spinner.finish_and_clear();
    let outcome = match outcome {
        Err(payout::Error::NotFound { trade_no, .. }) => {
            return super::query::not_found(provider.id(), &trade_no)
        }
        other => other?,
    };
    match outcome {
        WaitOutcome::Final(status) => Report::ok(&WaitOut {
            status: StatusOut::new(provider.as_ref(), &status),
            is_final: true,
            queries: None,
        }),
        WaitOutcome::DeadlineReached {
            last: Some(status),
            last_error,
            queries,
            cut_short,
            ..
        } => {
            let also = last_error
                .map(|e| format!("; the last query failed: {e}"))
                .unwrap_or_default();
            let note = format!(
                "no final status for payout {trade_no} within {} ({}; last known state {}, provider status {:?}){also}. It is NOT failed: keep waiting or query it later",
                human(args.timeout),
                count(queries, cut_short),
                status.state,
                status.provider_status,
            );
            Report::with(
                &WaitOut {
                    status: StatusOut::new(provider.as_ref(), &status),
                    is_final: false,
                    queries: Some(queries),
                },
                Exit::NotFinal,
                Some(note),
            )
        }
        WaitOutcome::DeadlineReached {
            last: None,
            last_error,
            queries,
            cut_short,
            ..
        } => {
            let why = last_error
                .map(|e| format!("; the last error: {e}"))
                .unwrap_or_default();
            Err(Failure::new(
                Exit::NotFinal,
                format!(
                    "no answer about payout {trade_no} within {} ({}){why}. Its state is unknown, NOT failed",
                    human(args.timeout),
                    count(queries, cut_short),
                ),
            ))
        }
        _ => Err(Failure::new(
            Exit::Internal,
            "the wait ended in a way this version does not know",
        )),
    }
}

/// `3 queries, the last one unanswered at the deadline`.
fn count(queries: u32, cut_short: bool) -> String {
    let noun = if queries == 1 { "query" } else { "queries" };
    let last = match (cut_short, queries) {
        (false, _) => "",
        (true, 1) => ", unanswered at the deadline",
        (true, _) => ", the last one unanswered at the deadline",
    };
    format!("{queries} {noun}{last}")
}

/// A spinner on stderr; hidden when stderr is not a terminal.
fn spinner(trade_no: &TradeNo, timeout: Duration) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(format!(
        "waiting for payout {trade_no} to be final (deadline {})",
        human(timeout)
    ));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `90s` -> `1m30s`, `1500ms` -> `1s500ms`.
fn human(d: Duration) -> String {
    let ms = d.as_millis();
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s"), (rest, "ms")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        assert_eq!(human(Duration::from_secs(90)), "1m30s");
        assert_eq!(human(Duration::from_millis(1500)), "1s500ms");
        assert_eq!(human(Duration::from_secs(600)), "10m");
        assert_eq!(human(Duration::from_secs(3600)), "1h");
    }
}
