//! Benchmark 4: 100,000 queries at concurrency 256 through the facade
//! against the simulator (in a child process, so the memory measured is
//! the client's own): zero errors, and the client's resident memory
//! sampled as the run passes each quarter, which must stay flat.

use std::sync::Arc;

use crate::child::SimProcess;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::load::{run_phase_counting, Side, Target};
use crate::proc_stat::memory_kib;

/// Concurrent queries in flight.
const CONCURRENCY: usize = 256;

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool, total: Option<usize>) -> Result<(), String> {
    let total = total.unwrap_or(if quick { 10_000 } else { 100_000 });
    let sim = SimProcess::start(2)?;
    let target = Arc::new(Target::prepare(&sim.base_url, CONCURRENCY).await?);
    let before = memory_kib("VmRSS").unwrap_or(0);
    // One continuous run; a sampler reads the resident memory as the
    // finished count passes each quarter.
    let done = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut samples = Vec::new();
            for quarter in 1..=4 {
                while done.load(Ordering::Relaxed) < total * quarter / 4 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                let rss = memory_kib("VmRSS").unwrap_or(0);
                println!(
                    "{:>3}%: {:>6} queries done, client RSS {}",
                    quarter * 25,
                    done.load(Ordering::Relaxed),
                    mib(rss)
                );
                samples.push((quarter * 25, rss));
            }
            samples
        })
    };
    let phase = run_phase_counting(&target, Side::Facade, CONCURRENCY, total, false, &done).await;
    let samples = sampler
        .await
        .map_err(|e| format!("the memory sampler failed: {e}"))?;
    let (errors, first_error, elapsed) = (phase.errors, phase.first_error, phase.elapsed);
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
