//! A throw-away PostgreSQL database per test: the testkit's
//! [`ScratchDatabase`] on the local server
//! (`postgres://postgres@127.0.0.1:5432/test`, trust authentication;
//! `PAYOUT_JOURNAL_TEST_PG` overrides it), made from a synchronous test and
//! dropped when the test ends, even when it fails.

use payout_testkit::postgres::{admin_url, ScratchDatabase};

/// Creates a fresh database; its URL (for `--journal`) is `url`.
pub fn scratch_database() -> ScratchDatabase {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(ScratchDatabase::create(
            &admin_url("PAYOUT_JOURNAL_TEST_PG"),
            "payout_cli_test",
        ))
        .unwrap_or_else(|e| panic!("{e}"))
}
