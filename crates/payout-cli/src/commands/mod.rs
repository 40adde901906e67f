//! One module per subcommand; each returns a [`Report`] or a [`Failure`].

mod balance;
mod create;
mod query;
mod verify_notify;
mod wait;

use serde::Serialize;

use crate::cli::Command;
use crate::exit::{Exit, Failure};
use crate::output;

/// What a command produced: the JSON line for stdout, the exit code, and
/// an optional one-line note for stderr.
#[derive(Debug)]
pub struct Report {
    /// One JSON object, without the trailing newline.
    pub json: String,
    /// The exit code (not always 0: `wait` past its deadline, an unsigned callback).
    pub exit: Exit,
    /// A line for stderr, when the output needs a warning.
    pub note: Option<String>,
}

impl Report {
    /// A successful report of `value`.
    ///
    /// # Errors
    /// [`Exit::Internal`] if serialization fails.
    pub fn ok(value: &impl Serialize) -> Result<Self, Failure> {
        Self::with(value, Exit::Ok, None)
    }

    /// A report of `value` with this exit code and note.
    ///
    /// # Errors
    /// [`Exit::Internal`] if serialization fails.
    pub fn with(value: &impl Serialize, exit: Exit, note: Option<String>) -> Result<Self, Failure> {
        let json = output::to_line(value)
            .map_err(|e| Failure::new(Exit::Internal, format!("cannot write the output: {e}")))?;
        Ok(Self { json, exit, note })
    }
}

/// Runs a command.
///
/// # Errors
/// The [`Failure`] to report, with its exit code.
pub async fn run(command: Command) -> Result<Report, Failure> {
    match command {
        Command::Query(args) => query::run(&args).await,
        Command::Create(args) => create::run(&args).await,
        Command::Balance(args) => balance::run(&args).await,
        Command::VerifyNotify(args) => verify_notify::run(&args),
        Command::Wait(args) => wait::run(&args).await,
    }
}
