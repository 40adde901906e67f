//! # payout-journal
//!
//! A durable payout journal, so that no crash ever pays twice.
//!
//! Every payout is written to the journal **before** its create request
//! leaves, under a unique key (provider, account, trade number), and every
//! answer, query result and callback is folded into the same row through
//! one pure state machine ([`transition::apply`]):
//!
//! ```text
//! intent -> sending -> accepted / pending -> succeeded | failed | cancelled | reversed
//!                   -> rejected (nothing placed)      -> unknown -> (query) -> ...
//! contradictions -> conflict (both observations kept)
//! ```
//!
//! - **Storage** ([`Journal`]): SQLite (`sqlite:PATH`, one process, WAL,
//!   `synchronous=FULL`) or PostgreSQL (`postgres://...`, any number of
//!   processes), same schema and semantics, versioned migrations applied on
//!   open. Cargo features `sqlite` (default) and `postgres`.
//! - **Wrapper** ([`Journaled`]): `submit` (journal, then send, then record),
//!   `resolve` (query one row), `recover` (resolve what a crash left in
//!   `sending` or `unknown`), `reconcile` (leased workers query every
//!   non-final row with backoff) and `apply_callback`.
//! - **Callbacks** ([`sink`]): a [`Journaled`] is a `payout_core::CallbackSink`,
//!   so the SDK's callback receiver records straight into the journal.
//! - **Reading provider results** is in one module, [`outcome`].
//! - **Export** ([`Journal::records`], [`Journal::counts`]): streamed page
//!   by page, without personal data.
//!
//! Nothing here logs personal data or secrets: tracing fields are provider,
//! trade number and state only.
//!
//! ```no_run
//! # async fn f(provider: std::sync::Arc<dyn payout_core::PayoutProvider>, order: payout_core::CreatePayout) -> Result<(), payout_journal::JournalError> {
//! use std::time::Duration;
//! use payout_journal::{Journal, Journaled, ReconcileOptions};
//!
//! let journal = Journal::open("sqlite:payouts.db").await?;
//! let payouts = Journaled::new(provider, journal, "8729248847");
//! payouts.recover().await?;
//! let submitted = payouts.submit(&order).await?;
//! println!("{}: {}", submitted.record.trade_no, submitted.record.state);
//! let report = payouts.reconcile(ReconcileOptions::new(Duration::from_secs(600))).await?;
//! assert!(report.all_final() || report.deadline_reached || report.counts.not_final() > 0);
//! # Ok(()) }
//! ```

pub mod error;
pub mod journaled;
pub mod order;
pub mod outcome;
pub mod reconcile;
pub mod record;
pub mod sink;
pub mod state;
pub mod store;
pub mod transition;

pub use error::JournalError;
pub use journaled::{
    CallbackOutcome, Journaled, JournaledOptions, Resolved, SubmitAction, Submitted,
    SUBMITS_PER_REQUEST_SLOT,
};
pub use order::OrderRecord;
pub use reconcile::{ReconcileOptions, ReconcileReport};
pub use record::{Counts, ExportRecord, PayoutKey, PayoutRecord, Scope};
pub use state::JournalState;
pub use store::{Applied, Claim, Entry, Journal, JournalOptions};
pub use transition::Effect;
