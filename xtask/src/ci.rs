//! `cargo xtask ci`: the checks CI runs, in the order that fails fastest.

use crate::util;

/// The README's test command.
pub const TEST_COMMAND: &[&str] = &["test", "--workspace", "--locked"];

/// Runs every CI step.
pub fn run_all() -> Result<(), String> {
    util::run("cargo", &["fmt", "--all", "--", "--check"])?;
    util::run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    for features in ["paypro", "vexora", "paypro,vexora", "paypro,vexora,axum"] {
        util::run(
            "cargo",
            &["build", "--locked", "-p", "payout", "--no-default-features", "--features", features],
        )?;
    }
    util::run("cargo", TEST_COMMAND)?;
    Ok(())
}

/// Entry point: `cargo xtask ci`.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`ci` takes no arguments (got {extra:?})"));
    }
    run_all()
}
