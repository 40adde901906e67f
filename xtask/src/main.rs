//! `cargo xtask`: the project's chores, runnable the same way locally and in CI.
//!
//! ```text
//! cargo xtask ci            # everything CI checks (what .ci/run runs)
//! cargo xtask msrv          # the declared rust-version holds for every dependency
//! cargo xtask licenses      # every shipped dependency's licence is allowed
//! cargo xtask lean-facade   # the one-provider facade pulls in no server, database or test crate
//! cargo xtask package       # every published crate packages and builds (dry run)
//! cargo xtask bench         # run the benchmarks, write docs/performance.md
//! cargo xtask new-provider acme --signer hmac-sha256   # scaffold a provider crate
//! cargo xtask snapshots     # collect and review changed insta snapshots
//! cargo xtask help          # this list
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod ci;
mod licenses;
mod metadata;
mod msrv;
mod new_provider;
mod package;
mod snapshots;
mod templates;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

Commands:
  bench              run the benchmarks (signing, call overhead, simulator throughput,
                     scale, clean build) and write docs/performance.md; --quick,
                     --skip-build-cost, --no-write (see `bench --help`)
  ci                 everything CI checks: fmt, clippy -D warnings, feature-combination
                     builds, msrv, licenses, the README's test command (cargo test
                     --workspace), cargo doc, package, then the template check
                     (new-provider in a temporary copy); --skip-template / --template-only
  msrv               every package the published crates depend on (as Cargo.lock
                     resolves them) needs no newer Rust than the workspace rust-version
  licenses           every package the published crates ship has a licence within the
                     allow-list (docs/ci.md)
  lean-facade        the facade with one provider pulls in no server, database, CLI or
                     test-only crate
  package            crates.io metadata of the published crates, then cargo publish
                     --workspace --dry-run (packages and builds each); --no-verify
  new-provider       cargo xtask new-provider <name> [--signer md5-sorted|hmac-sha256]:
                     generate crates/provider-<name>, register it, record its snapshots
  snapshots          run the tests collecting changed snapshots as .snap.new and list
                     them; --accept / --reject settle them (see `snapshots --help`)
  help               this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::run(&args[1..]),
        Some("msrv") => msrv::run(&args[1..]),
        Some("licenses") => licenses::run(&args[1..]),
        Some("lean-facade") => ci::lean_facade(),
        Some("package") => package::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("new-provider") => new_provider::run(&args[1..]),
        Some("snapshots") => snapshots::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
