//! `payout-bench sim`: the simulator as a child process. Prints
//! `base_url <url>` (PayPro Indonesia) once it listens, serves until its
//! standard input closes (the parent exits or drops it), then shuts down.

use std::io::Write as _;

use payout_sim::{CallbackConfig, Lifecycle, SimConfig, Simulator};

/// The brand and region every benchmark queries.
pub const BRAND: &str = "paypro";
/// See [`BRAND`].
pub const REGION: &str = "indonesia";

/// Serves until standard input closes. `--threads N` sets the runtime's
/// worker threads (default 2, the cores of the target machine).
pub fn serve(args: &[String]) -> Result<(), String> {
    let threads = match args.iter().position(|a| a == "--threads") {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .ok_or("--threads needs a positive number")?,
        None => 2,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the simulator runtime: {e}"))?;
    runtime.block_on(async {
        // Every query answers the final status (deterministic, no timers),
        // and no callback traffic competes with the queries.
        let config = SimConfig::default()
            .lifecycle(Lifecycle::on_query(1))
            .callbacks(CallbackConfig::default().enabled(false));
        let sim = Simulator::start(config)
            .await
            .map_err(|e| format!("cannot start the simulator: {e}"))?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "base_url {}", sim.base_url(BRAND, REGION))
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot report the address: {e}"))?;
        drop(out);
        let _ = tokio::task::spawn_blocking(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        })
        .await;
        sim.shutdown().await;
        Ok(())
    })
}
