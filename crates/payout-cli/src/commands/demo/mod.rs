//! `payout demo`: a realistic payout batch end to end, offline, written as a
//! platform would write it on the SDK (see `docs/simulator.md`).
//!
//! In-process on 127.0.0.1: the simulator (PayPro, Vexora and Xendit), the
//! SDK's callback receiver (`payout::receiver`) and a durable journal
//! (`payout-journal`, SQLite in a temporary directory). The batch is placed
//! through the journal; the first process dies part-way (its in-flight
//! creates dropped), the second reopens the journal, recovers and finishes
//! without placing anything twice. At the end: a summary per provider and
//! region and the balance reconciliation against the simulator's ledgers.
//! Exit 0 only when it holds (every ledger equals the journal, every trade
//! number placed once), 1 otherwise.
//!
//! - [`samples`]: a valid sample order per provider and region;
//! - [`plan`]: which payouts (lane, scenario, trade number, amount);
//! - [`mod@run`]: the steps, on the SDK;
//! - [`ledger`]: the verdict (balances against the ledgers, placements);
//! - [`report`]: the text.

mod ledger;
mod plan;
mod report;
mod run;
mod samples;

use std::io::Write;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::Report;
use crate::cli::DemoArgs;
use crate::exit::{Exit, Failure};

/// Runs the demo and prints its report on stdout.
///
/// # Errors
/// When the simulator, the receiver, the journal or a provider cannot be
/// set up (the payouts' own failures are part of the report).
pub async fn run(args: &DemoArgs) -> Result<Report, Failure> {
    crate::latency::enable();
    let started = Instant::now();
    let bar = ProgressBar::new(u64::from(args.count));
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg:<48} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    let outcome = run::run(args.count, args.concurrency, &bar).await;
    bar.finish_and_clear();
    let outcome = outcome?;
    let text = report::render(&outcome, args.count, args.concurrency, started.elapsed());
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::new(Exit::Internal, format!("cannot write to stdout: {e}")))?;
    let reconciled = outcome.rows.iter().all(ledger::Row::ok) && outcome.placements.ok();
    Ok(Report::printed(if reconciled {
        Exit::Ok
    } else {
        Exit::Mismatch
    }))
}
