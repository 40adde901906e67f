//! The payout journal as the commands use it (`batch`, `journal`): opening
//! it from `--journal URL`, its errors as exit codes, and the lease owner
//! name of a batch.

use std::path::Path;

use payout_journal::{Journal, JournalError, JournalOptions};

use crate::exit::{Exit, Failure};

/// Opens the journal at `url` (a SQLite file is created if absent), with
/// a pool sized for `concurrency` requests in flight.
///
/// # Errors
/// An unusable URL, a missing SQLite directory or a journal written by a
/// newer version (exit 2); a database that cannot be reached (exit 4).
pub async fn open(url: Option<&str>, concurrency: usize) -> Result<Journal, Failure> {
    let url = url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        Failure::usage(
            "no journal: pass --journal URL (sqlite:PATH, e.g. sqlite:payouts.db, or postgres://USER@HOST:PORT/DATABASE)",
        )
    })?;
    let connections = u32::try_from(concurrency.clamp(4, 32)).unwrap_or(32);
    let options = JournalOptions::default().max_connections(connections);
    Journal::open_with(url, options).await.map_err(failure)
}

/// The failure for a journal error, with its exit code: 2 for what the
/// user must fix (the URL, the schema version), 4 for a database that
/// failed.
pub fn failure(error: JournalError) -> Failure {
    let exit = match &error {
        JournalError::Url { .. } | JournalError::SchemaTooNew { .. } => Exit::Usage,
        _ => Exit::Transport,
    };
    Failure::new(exit, error.to_string())
}

/// The lease owner name of `payout batch --file FILE` on this machine:
/// `batch <host> <absolute path of FILE>`.
///
/// It is the same when the same command is run again on the same machine,
/// so a batch restarted after a crash takes back at once the rows its dead
/// run left in flight (`JournaledOptions::stable_owner`). Two runs of one
/// file on one machine at the same time would share it: they are still
/// safe (nothing is ever sent twice through the journal), only wasteful.
pub fn batch_owner(file: &Path) -> String {
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    format!("batch {} {}", host_name(), path.display())
}

/// This machine's name (`/proc/sys/kernel/hostname`, then `/etc/hostname`),
/// or `localhost` when neither can be read.
fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_names_the_host_and_the_absolute_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orders.jsonl");
        std::fs::write(&file, "").unwrap();
        let owner = batch_owner(&file);
        assert!(owner.starts_with("batch "), "{owner}");
        assert!(owner.ends_with("orders.jsonl"), "{owner}");
        assert_eq!(owner, batch_owner(&file), "stable");
    }

    #[test]
    fn url_problems_are_usage_errors() {
        let url = failure(JournalError::Url {
            message: "unsupported scheme".into(),
        });
        assert_eq!(url.exit.code(), 2);
        let newer = failure(JournalError::SchemaTooNew {
            found: 9,
            supported: 1,
        });
        assert_eq!(newer.exit.code(), 2);
    }
}
