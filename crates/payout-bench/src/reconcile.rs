//! Benchmark 6: `reconcile` over 100,000 pending payouts. They are placed
//! through the journal first (a journaled batch at concurrency 64, itself
//! measured); then one reconciler with the defaults of `payout journal
//! reconcile` (batches of 100, 8 queries in flight) queries every one until
//! it is final (the simulator makes a payout final on its first query).
//! Queries per second, and the client's resident memory as the run passes
//! each quarter (it must stay flat: one batch is held at a time) and at its
//! peak (VmHWM, reset before the reconcile starts).

use std::sync::Arc;
use std::time::{Duration, Instant};

use payout_journal::{JournalState, Journaled, ReconcileOptions};

use crate::child::SimProcess;
use crate::journals::{self, Backend, FreshJournal, ACCOUNT};
use crate::proc_stat::memory_kib;

/// Creates in flight while the pending payouts are placed.
const CONCURRENCY: usize = 64;

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool, total: Option<usize>, backend: Backend) -> Result<(), String> {
    let total = total.unwrap_or(if quick { 10_000 } else { 100_000 });
    let name = backend.name();
    let sim = SimProcess::start(2)?;
    let provider = journals::provider(&sim.base_url)?;
    let fresh = FreshJournal::create(backend).await?;
    let journal = fresh.open(CONCURRENCY).await?;
    let journaled = Arc::new(Journaled::new(provider, journal.clone(), ACCOUNT));

    let placed = journals::submit_all(&journaled, "rc", total, CONCURRENCY, |s| {
        s == JournalState::Accepted
    })
    .await;
    placed.check("placing the pending payouts", total)?;
    println!(
        "{total} payouts placed through the {name} journal in {:.1} s",
        placed.elapsed.as_secs_f64()
    );
    println!(
        "reconcile {name} setup journaled batch c64 = {:.0}/s",
        placed.per_second()
    );

    reset_peak_memory();
    let before = memory_kib("VmRSS").unwrap_or(0);
    let sampler = {
        let journal = journal.clone();
        let scope = journaled.scope().clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            for quarter in 1..=4u64 {
                loop {
                    let open = journal.scope_counts(&scope).await.map(|c| c.not_final());
                    let done = total as u64 - open.unwrap_or(total as u64);
                    if done * 4 >= total as u64 * quarter {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                let rss = memory_kib("VmRSS").unwrap_or(0);
                println!(
                    "{:>3}%: client RSS {:.1} MiB",
                    quarter * 25,
                    rss as f64 / 1024.0
                );
                samples.push((quarter * 25, rss));
            }
            samples
        })
    };
    let started = Instant::now();
    let report = journaled
        .reconcile(ReconcileOptions::new(Duration::from_secs(3600)))
        .await
        .map_err(|e| format!("reconcile failed: {e}"))?;
    let elapsed = started.elapsed();
    let samples = tokio::time::timeout(Duration::from_secs(30), sampler)
        .await
        .map_err(|_| "the memory sampler did not see the run end".to_owned())?
        .map_err(|e| format!("the memory sampler failed: {e}"))?;
    let peak = memory_kib("VmHWM").unwrap_or(0);
    journal.close().await;
    drop(fresh);
    drop(sim);

    if !report.all_final() || report.queried < total as u64 {
        return Err(format!(
            "reconcile left {} payouts open after {} queries",
            report.counts.not_final(),
            report.queried
        ));
    }
    println!(
        "{} queries ({} errors) for {total} payouts in {:.1} s; RSS before {:.1} MiB",
        report.queried,
        report.query_errors,
        elapsed.as_secs_f64(),
        before as f64 / 1024.0
    );
    println!(
        "reconcile {name} throughput = {:.0}/s",
        report.queried as f64 / elapsed.as_secs_f64()
    );
    for (pct, rss) in &samples {
        println!(
            "reconcile {name} rss at {pct}% = {:.1}MiB",
            *rss as f64 / 1024.0
        );
    }
    println!("reconcile {name} peak rss = {:.1}MiB", peak as f64 / 1024.0);
    Ok(())
}

/// Resets VmHWM to the current resident size (Linux: `5` into
/// `/proc/self/clear_refs`), so that the peak measured is the reconcile's.
fn reset_peak_memory() {
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        eprintln!("note: cannot reset VmHWM; the peak includes the setup");
    }
}
