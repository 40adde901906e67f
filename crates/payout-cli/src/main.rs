//! `payout`: the command-line tool of the payout SDK.
//!
//! ```text
//! payout query  --provider <paypro|vexora> [--region <id>] --trade-no <T>
//! payout create --provider P [--region R] --trade-no T --amount A --notify-url U ...
//! payout balance --provider P [--region R]
//! payout verify-notify --provider P [--region R] [--file F]
//! payout wait --provider P --trade-no T [--timeout 10m]
//! payout sim [--addr 127.0.0.1:9000]
//! payout demo [--count 300] [--concurrency 32]
//! payout batch --provider P [--region R] --file ORDERS.jsonl --journal URL [--concurrency N]
//! payout journal --journal URL status|export [--format jsonl|csv]|reconcile --provider P
//! ```
//!
//! Every command but `sim` and `demo` (which print text) prints one JSON
//! object on stdout; errors are one line on stderr, and the exit code says
//! what kind of error it was ([`exit`]).
//! `RUST_LOG` turns on tracing on stderr; the secret never appears.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod config;
mod duration;
mod exit;
mod journal_db;
mod latency;
mod order;
mod output;

/// The allocator: mimalloc. A journaled payout allocates on the runtime's
/// threads and frees on the journal's writer thread (and back); glibc's
/// malloc pays for that traffic between threads, and for the rest of the
/// request path. Measured side by side (`payout-bench journal`, SQLite):
/// journaled/plain 0.55-0.59 with glibc, 0.64-0.66 with mimalloc
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::exit::{Exit, Failure};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_tracing();
    let mut builder = if commands::wants_threads(&cli.command) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let result = builder
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Exit::Internal, format!("cannot start the runtime: {e}")))
        .and_then(|runtime| runtime.block_on(commands::run(cli.command)));
    match result {
        Ok(report) => {
            if let Some(note) = &report.note {
                eprintln!("warning: {}", exit::one_line(note));
            }
            if let Some(json) = &report.json {
                let mut stdout = std::io::stdout().lock();
                if let Err(e) = writeln!(stdout, "{json}").and_then(|()| stdout.flush()) {
                    eprintln!("error: cannot write to stdout: {e}");
                    return ExitCode::from(Exit::Internal.code());
                }
            }
            ExitCode::from(report.exit.code())
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(failure.exit.code())
        }
    }
}

/// Tracing on stderr, filtered by `RUST_LOG` (default: warnings only),
/// and the SDK's operation latencies for `payout demo` ([`latency`]).
fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(true)
        .with_filter(filter);
    tracing_subscriber::registry()
        .with(stderr)
        .with(latency::Latencies.with_filter(latency::filter()))
        .init();
}
