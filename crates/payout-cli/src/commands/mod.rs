//! One module per subcommand; each returns a [`Report`] or a [`Failure`].

mod balance;
mod batch;
mod cancel;
mod check;
mod create;
mod demo;
mod journal;
pub(crate) mod query;
mod sim;
mod verify_notify;
mod wait;

use serde::Serialize;

use crate::cli::Command;
use crate::exit::{Exit, Failure};
use crate::output;

/// What a command produced: the JSON line for stdout (unless the command
/// printed its own text), the exit code, and an optional one-line note for
/// stderr.
#[derive(Debug)]
pub struct Report {
    /// One JSON object, without the trailing newline; `None` when the
    /// command already wrote its output (`sim`, `demo`).
    pub json: Option<String>,
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
        Ok(Self {
            json: Some(json),
            exit,
            note,
        })
    }

    /// A command that printed its own output ends with `exit`.
    pub fn printed(exit: Exit) -> Self {
        Self {
            json: None,
            exit,
            note: None,
        }
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
        Command::Cancel(args) => cancel::run(&args).await,
        Command::Check(args) => check::run(&args).await,
        Command::Sim(args) => sim::run(&args).await,
        Command::Demo(args) => demo::run(&args).await,
        Command::Batch(args) => batch::run(&args).await,
        Command::Journal(args) => journal::run(&args).await,
    }
}

/// Whether a command serves or drives many requests at once and wants a
/// multi-threaded runtime (`sim`, `demo`, `batch`, `journal`); the others
/// run on one thread.
pub fn wants_threads(command: &Command) -> bool {
    matches!(
        command,
        Command::Sim(_) | Command::Demo(_) | Command::Batch(_) | Command::Journal(_)
    )
}
