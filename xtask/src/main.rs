//! `cargo xtask`: the project's chores, runnable the same way locally and in CI.
//!
//! ```text
//! cargo xtask ci            # everything CI checks (what .ci/run runs)
//! cargo xtask help          # this list
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod ci;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

Commands:
  ci                 everything CI checks: fmt, clippy -D warnings, feature-combination
                     builds, the README's test command (cargo test --workspace)
  help               this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::run(&args[1..]),
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
