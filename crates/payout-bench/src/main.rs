//! `payout-bench`: the benchmarks that need a running simulator.
//!
//! ```text
//! payout-bench overhead   [--quick]   facade vs raw reqwest, concurrency 1 and 64
//! payout-bench throughput [--quick]   signed queries/s the simulator serves
//! payout-bench scale      [--quick] [--total N]
//!                                     100,000 queries at concurrency 256: errors, client RSS
//! payout-bench journal    [--quick] [--sqlite | --postgres | --server-own-core]
//!                                     journaled vs plain creates at concurrency 64, SQLite and
//!                                     PostgreSQL (also with the server on a core of its own)
//! payout-bench reconcile  [--quick] [--total N] [--sqlite]
//!                                     reconcile 100,000 pending payouts (PostgreSQL): queries/s, RSS
//! payout-bench recovery   [--quick]   recovery after kill -9 with 10,000 payouts in flight
//! payout-bench sim [--threads N]      the simulator process the others start
//! payout-bench inflight URL BASE N    the process `recovery` kills
//! payout-bench profile facade|raw [N] one side only, for `perf record`
//! ```
//!
//! The journal benchmarks use a fresh journal per run: a SQLite file in
//! the temporary directory, and a PostgreSQL database created on
//! `PAYOUT_BENCH_PG` (default `postgres://postgres@127.0.0.1:5432/test`)
//! and dropped after the run.
//!
//! Every benchmark runs the simulator in a child process (this binary with
//! `sim`), so that the client's CPU time and memory are its own. Each
//! prints its results on its last lines as `name = value`; `cargo xtask
//! bench` reads them. `--quick` runs a tenth of the work (a smoke test).

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::float_arithmetic)]

mod batch;
mod child;
mod journals;
mod load;
mod overhead;
mod proc_stat;
mod reconcile;
mod recovery;
mod scale;
mod sim;
mod stats;
mod throughput;

/// The allocator: mimalloc. A journaled payout allocates on the runtime's
/// threads and frees on the journal's writer thread (and back); glibc's
/// malloc pays for that traffic between threads, and for the rest of the
/// request path. Measured side by side (`payout-bench journal`, SQLite):
/// journaled/plain 0.55-0.59 with glibc, 0.64-0.66 with mimalloc
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

const HELP: &str = "\
payout-bench <command> [--quick]

Commands:
  overhead     N queries through the facade vs raw reqwest POSTs of pre-signed
               identical bytes on the same pooled client, interleaved, at
               concurrency 1 and 64: throughput and latency ratios
  throughput   signed queries per second the simulator serves (raw pre-signed
               load generator on the same machine)
  scale [--total N]
               100,000 (or N) queries at concurrency 256 through the facade:
               errors, client RSS at 25/50/75/100% and peak
  journal [--sqlite | --postgres | --server-own-core]
               creates at concurrency 64, plain vs through the journal
               (Journaled::submit), alternating rounds: SQLite, PostgreSQL,
               and PostgreSQL again with this process and its simulator
               pinned to the first core, the server on the others
               (--server-own-core: that run only; --sqlite, --postgres: one
               backend, unpinned)
  reconcile [--total N] [--sqlite]
               100,000 (or N) pending payouts placed through the journal, then
               reconciled: queries/s, client RSS per quarter and peak
               (PostgreSQL; --sqlite for a SQLite journal)
  recovery     10,000 payouts in flight (half placed) when a child is killed
               with SIGKILL; recover() and resume under the same owner name
  sim          serve the simulator (used by the commands above)
  inflight URL BASE_URL N
               the child `recovery` kills
  profile facade|raw [N]
               one side only, N queries at concurrency 64 (for perf record)

--quick runs a tenth of the work.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let result = match args.first().map(String::as_str) {
        Some("sim") => sim::serve(&args[1..]),
        Some("overhead") => client_runtime().and_then(|rt| rt.block_on(overhead::run(quick))),
        Some("throughput") => client_runtime().and_then(|rt| rt.block_on(throughput::run(quick))),
        Some("scale") => {
            let Ok(total) = total(&args) else {
                return fail("--total needs a number of queries".into());
            };
            client_runtime().and_then(|rt| rt.block_on(scale::run(quick, total)))
        }
        Some("journal") => {
            let which = if args.iter().any(|a| a == "--server-own-core") {
                // Before any thread starts: they all inherit the pinning.
                if !batch::pin_to_first_core() {
                    return fail(
                        "--server-own-core needs a machine with two cores or more, \
                         and the right to set this process's CPU affinity"
                            .into(),
                    );
                }
                batch::Journals::PostgresOnItsOwnCore
            } else if args.iter().any(|a| a == "--sqlite") {
                batch::Journals::Only(journals::Backend::Sqlite)
            } else if args.iter().any(|a| a == "--postgres") {
                batch::Journals::Only(journals::Backend::Postgres)
            } else {
                batch::Journals::All
            };
            client_runtime().and_then(|rt| rt.block_on(batch::run(quick, which)))
        }
        Some("reconcile") => {
            let Ok(total) = total(&args) else {
                return fail("--total needs a number of payouts".into());
            };
            let backend = if args.iter().any(|a| a == "--sqlite") {
                journals::Backend::Sqlite
            } else {
                journals::Backend::Postgres
            };
            client_runtime().and_then(|rt| rt.block_on(reconcile::run(quick, total, backend)))
        }
        Some("recovery") => client_runtime().and_then(|rt| rt.block_on(recovery::run(quick))),
        Some("inflight") => recovery::child(&args[1..]),
        Some("profile") => {
            client_runtime().and_then(|rt| rt.block_on(overhead::profile(&args[1..])))
        }
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The number after `--total`, if given.
fn total(args: &[String]) -> Result<Option<usize>, ()> {
    match args.iter().position(|a| a == "--total") {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or(()),
        None => Ok(None),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("payout-bench: {message}");
    ExitCode::FAILURE
}

/// The client's runtime: tokio's default multi-thread runtime (one worker
/// per core), as an application would use.
fn client_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the client runtime: {e}"))
}
