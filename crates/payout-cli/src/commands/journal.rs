//! `payout journal --journal URL status|export|reconcile`: read a payout
//! journal, and query what in it is not final yet.

use std::io::{BufWriter, Write};

use futures::TryStreamExt;
use payout_journal::{ExportRecord, Journaled, ReconcileOptions};

use super::Report;
use crate::cli::{ExportFormat, JournalAction, JournalArgs, ReconcileArgs};
use crate::config;
use crate::exit::{Exit, Failure};
use crate::journal_db;

/// Rows read from the journal at a time by `export`.
const PAGE: u32 = 1000;

/// Runs a `journal` subcommand.
///
/// # Errors
/// No or a bad `--journal` URL (2), the database failing (4); `reconcile`:
/// a configuration error (2).
pub async fn run(args: &JournalArgs) -> Result<Report, Failure> {
    let url = args.journal.as_deref();
    match &args.action {
        JournalAction::Status => {
            let journal = journal_db::open(url, 1).await?;
            let counts = journal.counts().await.map_err(journal_db::failure)?;
            Report::ok(&counts)
        }
        JournalAction::Export(export) => {
            let journal = journal_db::open(url, 1).await?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            let write_error = |e: std::io::Error| {
                Failure::new(Exit::Internal, format!("cannot write to stdout: {e}"))
            };
            if export.format == ExportFormat::Csv {
                writeln!(out, "{}", ExportRecord::CSV_HEADER).map_err(write_error)?;
            }
            let mut rows = std::pin::pin!(journal.records(PAGE));
            while let Some(row) = rows.try_next().await.map_err(journal_db::failure)? {
                let record = row.export();
                let line = match export.format {
                    ExportFormat::Csv => record.csv_row(),
                    ExportFormat::Jsonl => serde_json::to_string(&record).map_err(|e| {
                        Failure::new(Exit::Internal, format!("cannot write the output: {e}"))
                    })?,
                };
                writeln!(out, "{line}").map_err(write_error)?;
            }
            out.flush().map_err(write_error)?;
            Ok(Report::printed(Exit::Ok))
        }
        JournalAction::Reconcile(reconcile_args) => reconcile(url, reconcile_args).await,
    }
}

/// Queries every non-final payout of the configured provider account until
/// all are final or the timeout passes, and prints what it did.
async fn reconcile(url: Option<&str>, args: &ReconcileArgs) -> Result<Report, Failure> {
    let configured = config::configured(&args.common)?;
    let journal = journal_db::open(url, 8).await?;
    // A lease owner name of its own (the default): several reconcilers may
    // share one PostgreSQL journal, each row claimed by one at a time.
    let payouts = Journaled::new(configured.provider, journal, configured.account);
    let report = payouts
        .reconcile(ReconcileOptions::new(args.timeout))
        .await
        .map_err(journal_db::failure)?;
    if report.all_final() {
        return Report::ok(&report);
    }
    let open = report.counts.not_final();
    let note = format!(
        "{open} payouts are not final yet{}: they are NOT failed; run reconcile again later{}",
        if report.deadline_reached {
            " at the timeout"
        } else {
            ""
        },
        if report
            .counts
            .by_state
            .get("conflict")
            .is_some_and(|n| *n > 0)
        {
            " (payouts in state conflict got contradicting answers: a person must look; see `payout journal export`)"
        } else {
            ""
        }
    );
    Report::with(&report, Exit::NotFinal, Some(note))
}
