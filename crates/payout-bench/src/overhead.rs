//! Benchmark 2: the SDK's cost per call over a raw HTTP POST.
//!
//! The simulator runs in a child process. The facade side sends queries
//! through `payout::build_with_transport` (`Arc<dyn PayoutProvider>`:
//! signing, the transport, parsing into `PayoutStatus`); the raw side POSTs
//! the identical pre-signed bytes with reqwest on the same pooled client
//! (`HttpTransport::client()`), so both use the same connections. The two
//! sides alternate phase by phase (which goes first alternates too), so
//! that noise from other processes falls on both.

use std::sync::Arc;

use crate::child::SimProcess;
use crate::load::{run_phase, Side, Target};
use crate::stats::{summarize, Summary};

/// Payouts created and queried in turn.
const PAYOUTS: usize = 256;

/// One concurrency level: requests per phase and phases per side.
struct Level {
    concurrency: usize,
    per_phase: usize,
    rounds: usize,
}

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool) -> Result<(), String> {
    let scale = if quick { 10 } else { 1 };
    let levels = [
        Level {
            concurrency: 1,
            per_phase: 2_000 / scale,
            rounds: 10,
        },
        Level {
            concurrency: 64,
            per_phase: 10_000 / scale,
            rounds: 10,
        },
    ];
    let sim = SimProcess::start(2)?;
    let target = Arc::new(Target::prepare(&sim.base_url, PAYOUTS).await?);
    let mut results = Vec::new();
    for level in &levels {
        let c = level.concurrency;
        // Warm up: connections, allocator, branch predictors.
        for side in [Side::Facade, Side::Raw] {
            run_phase(&target, side, c, c * 50, false).await;
        }
        let mut facade = Vec::new();
        let mut raw = Vec::new();
        for round in 0..level.rounds {
            let order = if round % 2 == 0 {
                [Side::Facade, Side::Raw]
            } else {
                [Side::Raw, Side::Facade]
            };
            for side in order {
                let server_before = sim.cpu_time();
                let mut phase = run_phase(&target, side, c, level.per_phase, true).await;
                if let (Some(after), Some(before)) = (sim.cpu_time(), server_before) {
                    phase.server_cpu = after.saturating_sub(before);
                }
                match side {
                    Side::Facade => facade.push(phase),
                    Side::Raw => raw.push(phase),
                }
            }
        }
        let (f, r) = (summarize(facade), summarize(raw));
        for (name, s) in [("facade", &f), ("raw", &r)] {
            println!(
                "c={c:<3} {name:<6}: {:>8.0} queries/s, p50 {:>8.1} us, p90 {:>8.1} us, p99 {:>8.1} us, CPU per query: client {:>5.1} us, simulator {:>5.1} us ({} queries, {} errors{})",
                s.per_second,
                s.p50_us,
                s.p90_us,
                s.p99_us,
                s.client_cpu_us,
                s.server_cpu_us,
                s.ok,
                s.errors,
                s.first_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default()
            );
        }
        if f.errors + r.errors > 0 {
            return Err(format!(
                "{} queries failed at concurrency {c}",
                f.errors + r.errors
            ));
        }
        results.push((c, f, r));
    }
    drop(sim);
    print_results(&results);
    Ok(())
}

/// The machine-readable lines (`name = value`), last.
fn print_results(results: &[(usize, Summary, Summary)]) {
    for (c, f, r) in results {
        for (name, s) in [("facade", f), ("raw", r)] {
            println!("latency c{c} {name} p50 = {:.1}us", s.p50_us);
            println!("latency c{c} {name} p90 = {:.1}us", s.p90_us);
            println!("latency c{c} {name} p99 = {:.1}us", s.p99_us);
            println!("throughput c{c} {name} = {:.0}/s", s.per_second);
        }
    }
    for (c, f, r) in results {
        let target = |t: &str| {
            if *c == 64 {
                format!(" (target {t})")
            } else {
                String::new()
            }
        };
        println!(
            "ratio c{c} throughput facade/raw = {:.3}x{}",
            f.per_second / r.per_second,
            target(">= 0.95x")
        );
        println!(
            "ratio c{c} p50 facade/raw = {:.3}x{}",
            f.p50_us / r.p50_us,
            target("<= 1.05x")
        );
        println!("ratio c{c} p99 facade/raw = {:.3}x", f.p99_us / r.p99_us);
    }
}

/// `payout-bench profile facade|raw [N]`: only one side, N queries (default
/// 200,000) at concurrency 64, for `perf record`; prints the client's CPU
/// time per query.
pub async fn profile(args: &[String]) -> Result<(), String> {
    let side = match args.first().map(String::as_str) {
        Some("facade") => Side::Facade,
        Some("raw") => Side::Raw,
        _ => return Err("profile needs a side: facade or raw".into()),
    };
    let n = match args.get(1) {
        Some(v) => v.parse().map_err(|_| format!("bad count {v:?}"))?,
        None => 200_000,
    };
    let sim = SimProcess::start(2)?;
    let target = Arc::new(Target::prepare(&sim.base_url, PAYOUTS).await?);
    let s = summarize(vec![run_phase(&target, side, 64, n, true).await]);
    println!(
        "{side:?}: {:.0} queries/s, p50 {:.1} us, client CPU {:.1} us/query, {} errors",
        s.per_second, s.p50_us, s.client_cpu_us, s.errors
    );
    Ok(())
}
