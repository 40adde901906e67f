//! Benchmark 3: signed queries per second the simulator serves on this
//! machine (2 cores), the load generator (raw pre-signed reqwest POSTs, the
//! lightest client we have) running on the same cores.
//!
//! Besides the rate, the simulator's CPU time per query is read from
//! `/proc/<pid>/stat`: its capacity with the cores to itself is
//! `cores / cpu_per_query`.

use std::sync::Arc;
use std::time::Instant;

use crate::child::SimProcess;
use crate::load::{run_phase, Side, Target};
use crate::proc_stat;

/// Concurrent requests in flight.
const CONCURRENCY: usize = 128;

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool) -> Result<(), String> {
    let requests = if quick { 20_000 } else { 150_000 };
    let sim = SimProcess::start(2)?;
    let target = Arc::new(Target::prepare(&sim.base_url, 256).await?);
    run_phase(&target, Side::Raw, CONCURRENCY, requests / 10, false).await;

    let sim_cpu_before = sim.cpu_time();
    let own_cpu_before = proc_stat::own_cpu_time();
    let started = Instant::now();
    let phase = run_phase(&target, Side::Raw, CONCURRENCY, requests, false).await;
    let wall = started.elapsed();
    let sim_cpu = sim
        .cpu_time()
        .zip(sim_cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    let own_cpu = proc_stat::own_cpu_time()
        .zip(own_cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    drop(sim);

    if phase.errors > 0 {
        return Err(format!(
            "{} of {requests} queries failed: {}",
            phase.errors,
            phase.first_error.unwrap_or_default()
        ));
    }
    let per_second = phase.ok as f64 / wall.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "{} signed queries at concurrency {CONCURRENCY} in {:.2} s ({cores} cores shared by the simulator and the load generator)",
        phase.ok,
        wall.as_secs_f64()
    );
    if let (Some(sim_cpu), Some(own_cpu)) = (sim_cpu, own_cpu) {
        let sim_us = sim_cpu.as_secs_f64() * 1e6 / phase.ok as f64;
        let gen_us = own_cpu.as_secs_f64() * 1e6 / phase.ok as f64;
        println!("CPU per query: simulator {sim_us:.1} us, load generator {gen_us:.1} us");
        println!(
            "simulator capacity with {cores} cores to itself = {:.0}/s",
            cores as f64 * 1e6 / sim_us
        );
    }
    println!("simulator throughput = {per_second:.0}/s (target >= 20000/s)");
    Ok(())
}
