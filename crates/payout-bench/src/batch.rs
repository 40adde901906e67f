//! Benchmark 5: what the journal costs a batch. Creates of new payouts at
//! concurrency 64 against the simulator (in a child process), plain
//! (`provider.create_payout`) and journaled (`Journaled::submit`: a durable
//! commit before the request, another for the answer), side by side in
//! alternating rounds, on SQLite and on PostgreSQL. Each side's CPU time
//! per payout is printed too (this process, the simulator, the rest of the
//! machine: the database server), and how much of the machine stood idle:
//! the ratio is bounded by the CPU one payout costs on each side.
//!
//! PostgreSQL is measured twice. First as everything else, the server
//! sharing the machine's cores with this process and the simulator; then
//! with the server on a core of its own, as a shared journal runs in
//! production (on its own host): a child run of this benchmark pins itself
//! and its simulator to the first core (`--server-own-core`), leaving the
//! others to the server. Both sides of each ratio run in the same
//! conditions.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use payout_journal::{JournalState, Journaled, JournaledOptions, SUBMITS_PER_REQUEST_SLOT};

use crate::child::SimProcess;
use crate::journals::{self, drive, Backend, FreshJournal, ACCOUNT};
use crate::proc_stat;

/// Creates in flight at once.
const CONCURRENCY: usize = 64;

/// The name of the SQLite journal's writer thread, as `/proc` keeps it.
const WRITER_THREAD: &str = "payout-journal";

/// Which measurements a run makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Journals {
    /// SQLite, then PostgreSQL sharing the cores, then (in a child run)
    /// PostgreSQL with the server on its own core.
    All,
    /// One backend, sharing the cores.
    Only(Backend),
    /// PostgreSQL, this process and its simulator pinned to the first
    /// core (the caller pinned this process before its runtime started).
    PostgresOnItsOwnCore,
}

/// Runs the benchmark and prints its results.
pub async fn run(quick: bool, which: Journals) -> Result<(), String> {
    match which {
        Journals::All => {
            measure(quick, Backend::Sqlite, "sqlite").await?;
            measure(quick, Backend::Postgres, "postgres").await?;
            server_on_its_own_core(quick)
        }
        Journals::Only(backend) => measure(quick, backend, backend.name()).await,
        Journals::PostgresOnItsOwnCore => {
            measure(quick, Backend::Postgres, "postgres server-own-core").await
        }
    }
}

/// Pins this process (every thread started from now on, and the
/// simulator it starts) to the first core. False when the machine has
/// one core or the pinning failed.
pub fn pin_to_first_core() -> bool {
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    cores.len() >= 2 && core_affinity::set_for_current(cores[0])
}

/// Runs the PostgreSQL measurement again in a child pinned to the first
/// core, and prints its results.
fn server_on_its_own_core(quick: bool) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut args = vec!["journal", "--server-own-core"];
    if quick {
        args.push("--quick");
    }
    let mut child = Command::new(exe)
        .args(&args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the pinned run: {e}"))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("the pinned run failed: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the pinned run failed: {status}"))
    }
}

/// Measures `backend` and prints its results named `name`.
async fn measure(quick: bool, backend: Backend, name: &str) -> Result<(), String> {
    let (per_round, rounds) = if quick { (400, 2) } else { (5_000, 8) };
    let sim = SimProcess::start(2)?;
    let provider = journals::provider(&sim.base_url)?;
    let fresh = FreshJournal::create(backend).await?;
    let journal = fresh.open(CONCURRENCY).await?;
    let journaled = Arc::new(Journaled::with_options(
        provider.clone(),
        journal.clone(),
        ACCOUNT,
        JournaledOptions::default().requests_in_flight(CONCURRENCY),
    ));
    let (mut plain_time, mut journaled_time) = (Duration::ZERO, Duration::ZERO);
    // Per side: CPU time of this process, of the simulator, of the whole
    // machine (busy, idle).
    let mut cpu = [Cpu::default(), Cpu::default()];
    let mut done = 0;
    // Round 0 warms both sides up and is not counted.
    for round in 0..=rounds {
        for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            let tag = format!("{}{}{round}", &name[..1], ["p", "j"][side]);
            let before = Cpu::now(&sim);
            let driven = if side == 0 {
                let p = provider.clone();
                drive(per_round, CONCURRENCY, move |i| {
                    let p = p.clone();
                    let tag = tag.clone();
                    async move {
                        let order = journals::order(&tag, i)?;
                        p.create_payout(&order)
                            .await
                            .map(drop)
                            .map_err(|e| e.to_string())
                    }
                })
                .await
            } else {
                journals::submit_all(
                    &journaled,
                    &tag,
                    per_round,
                    CONCURRENCY * SUBMITS_PER_REQUEST_SLOT,
                    |s| s == JournalState::Accepted,
                )
                .await
            };
            driven.check(&format!("{name} round {round}"), per_round)?;
            if round > 0 {
                cpu[side].add(&before, &Cpu::now(&sim));
                if side == 0 {
                    plain_time += driven.elapsed;
                } else {
                    journaled_time += driven.elapsed;
                }
            }
        }
        if round > 0 {
            done += per_round;
        }
    }
    journal.close().await;
    drop(fresh);
    let plain = done as f64 / plain_time.as_secs_f64();
    let with_journal = done as f64 / journaled_time.as_secs_f64();
    println!(
        "{name}: {done} creates per side at concurrency {CONCURRENCY}, {rounds} alternating rounds"
    );
    println!("journal {name} plain c64 throughput = {plain:.0}/s");
    println!("journal {name} journaled c64 throughput = {with_journal:.0}/s");
    for (side, cpu) in ["plain", "journaled"].iter().zip(&cpu) {
        println!("{name} {side}: {}", cpu.per_payout(done));
    }
    println!(
        "journal {name} ratio c64 throughput journaled/plain = {:.3}",
        with_journal / plain
    );
    Ok(())
}

/// CPU time spent (or read at one moment): this process, the simulator,
/// and the machine's busy and idle time (every process, the database
/// server included).
#[derive(Default)]
struct Cpu {
    client: Duration,
    /// Of `client`: the SQLite journal's writer thread.
    writer: Duration,
    sim: Duration,
    busy: Duration,
    idle: Duration,
}

impl Cpu {
    /// The counters now.
    fn now(sim: &SimProcess) -> Self {
        let (busy, idle) = proc_stat::machine_cpu_time().unwrap_or_default();
        Self {
            client: proc_stat::own_cpu_time().unwrap_or_default(),
            writer: proc_stat::threads_cpu_time(WRITER_THREAD).unwrap_or_default(),
            sim: sim.cpu_time().unwrap_or_default(),
            busy,
            idle,
        }
    }

    /// Adds the time spent between `before` and `after`.
    fn add(&mut self, before: &Self, after: &Self) {
        self.client += after.client.saturating_sub(before.client);
        self.writer += after.writer.saturating_sub(before.writer);
        self.sim += after.sim.saturating_sub(before.sim);
        self.busy += after.busy.saturating_sub(before.busy);
        self.idle += after.idle.saturating_sub(before.idle);
    }

    /// The CPU time per payout, for `n` payouts.
    fn per_payout(&self, n: usize) -> String {
        let us = |d: Duration| d.as_micros() as f64 / n.max(1) as f64;
        let writer = if self.writer.is_zero() {
            String::new()
        } else {
            format!(" of which SQLite writer thread {:.0}", us(self.writer))
        };
        format!(
            "CPU per payout {:.0} us (client {:.0}{writer}, simulator {:.0}, other {:.0}); \
             machine idle {:.0}%",
            us(self.busy),
            us(self.client),
            us(self.sim),
            us(self.busy.saturating_sub(self.client + self.sim)),
            100.0 * self.idle.as_secs_f64() / (self.busy + self.idle).as_secs_f64().max(1e-9),
        )
    }
}
