//! Benchmark 4: 100,000 queries at concurrency 256 through the facade
//! against the simulator (in a child process, so the memory measured is
//! the client's own): zero errors, and the client's resident memory
//! sampled after each quarter, which must stay flat.

use std::sync::Arc;

use crate::child::SimProcess;
use crate::load::{run_phase, Side, Target};
use crate::proc_stat::memory_kib;

/// Concurrent queries in flight.
const CONCURRENCY: usize = 256;

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool) -> Result<(), String> {
    let total = if quick { 10_000 } else { 100_000 };
    let sim = SimProcess::start(2)?;
    let target = Arc::new(Target::prepare(&sim.base_url, CONCURRENCY).await?);
    let before = memory_kib("VmRSS").unwrap_or(0);
    let mut samples = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    let mut elapsed = std::time::Duration::ZERO;
    for quarter in 1..=4 {
        let phase = run_phase(&target, Side::Facade, CONCURRENCY, total / 4, false).await;
        errors += phase.errors;
        first_error = first_error.or(phase.first_error);
        elapsed += phase.elapsed;
        let rss = memory_kib("VmRSS").unwrap_or(0);
        samples.push((quarter * 25, rss));
        println!(
            "{:>3}%: {:>6} queries, {errors} errors, client RSS {}",
            quarter * 25,
            total / 4 * quarter,
            mib(rss)
        );
    }
    drop(sim);
    let peak = memory_kib("VmHWM").unwrap_or(0);
    if let Some(e) = &first_error {
        println!("first error: {e}");
    }
    println!(
        "{total} queries at concurrency {CONCURRENCY} in {:.1} s ({:.0}/s); RSS before the run {}",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        mib(before)
    );
    for (pct, rss) in &samples {
        println!("scale rss at {pct}% = {:.1}MiB", *rss as f64 / 1024.0);
    }
    let first = samples.first().map_or(0, |s| s.1);
    let last = samples.last().map_or(0, |s| s.1);
    println!(
        "scale rss growth 25% to 100% = {:+.1}MiB",
        (last as f64 - first as f64) / 1024.0
    );
    println!("scale peak rss = {:.1}MiB", peak as f64 / 1024.0);
    println!("scale errors = {errors} (target 0)");
    if errors > 0 {
        return Err(format!("{errors} of {total} queries failed"));
    }
    Ok(())
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
