//! `payout demo`: a realistic payout batch end to end, offline.
//!
//! The simulator and a callback receiver run in-process on 127.0.0.1; the
//! batch goes through the facade exactly as a platform's would (one
//! provider per provider/region built by `payout::build_with_transport`
//! from a `payout::Config`, all on one shared connection pool). At the end:
//! a summary per provider and region, and a balance reconciliation against
//! the simulator's ledger. Exit 0 only when it holds, 1 otherwise.
//!
//! - [`plan`]: which payouts (lane, scenario, trade number, amount);
//! - [`orders`]: a valid sample order per provider and region;
//! - [`mod@run`]: the steps, from creates to closing balances;
//! - [`receiver`]: the callback endpoint;
//! - [`book`]: what the SDK saw of each payout;
//! - [`metrics`]: latencies and callback counters;
//! - [`reconcile`] and [`report`]: the verdict and its text.

mod book;
mod metrics;
mod orders;
mod plan;
mod receiver;
mod reconcile;
mod report;
mod run;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use payout::PayoutProvider;

use super::Report;
use crate::cli::DemoArgs;
use crate::exit::{Exit, Failure};

/// One provider and region of the batch: its sample order, its provider
/// (timed) and its measurements.
#[derive(Debug)]
pub struct Lane {
    /// The sample order row (provider and region ids).
    pub sample: &'static orders::Sample,
    /// The provider, built through the facade and timed.
    pub provider: Arc<dyn PayoutProvider>,
    /// What happened in this lane.
    pub metrics: Arc<metrics::Metrics>,
}

/// Runs the demo and prints its report on stdout.
///
/// # Errors
/// When the simulator, the receiver or a provider cannot be set up (the
/// payouts' own failures are part of the report, not errors).
pub async fn run(args: &DemoArgs) -> Result<Report, Failure> {
    let started = Instant::now();
    let bar = progress(args.count);
    let outcome = run::run(args.count, args.concurrency, &bar).await;
    bar.finish_and_clear();
    let outcome = outcome?;
    let text = report::render(&outcome, started.elapsed());
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::new(Exit::Internal, format!("cannot write to stdout: {e}")))?;
    let reconciled = outcome.rows.iter().all(reconcile::Row::ok);
    Ok(Report::printed(if reconciled {
        Exit::Ok
    } else {
        Exit::Mismatch
    }))
}

/// A progress bar on stderr (drawn only when stderr is a terminal).
fn progress(count: u32) -> ProgressBar {
    let bar = ProgressBar::new(u64::from(count));
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {msg:<40} [{bar:30}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}
