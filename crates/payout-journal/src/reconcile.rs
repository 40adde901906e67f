//! Reconciling: leased workers query every non-final row with backoff until
//! it is final or a deadline passes ([`Journaled::reconcile`]), and recovery
//! after a crash ([`Journaled::recover`]).

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use payout_core::wait::jitter;
use payout_core::TradeNo;
use serde::Serialize;
use tokio::time::Instant;

use crate::error::JournalError;
use crate::journaled::Journaled;
use crate::outcome;
use crate::record::{self, Counts, PayoutRecord};
use crate::store::{Bookkeeping, Claim, LeaseChange, RecoveryWalk};
use crate::transition::Effect;

/// How [`Journaled::reconcile`] works through the journal.
///
/// ```
/// use std::time::Duration;
/// use payout_journal::ReconcileOptions;
/// let o = ReconcileOptions::new(Duration::from_secs(600)).concurrency(16).batch_size(200);
/// assert_eq!((o.concurrency, o.batch_size), (16, 200));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReconcileOptions {
    /// Stop claiming after this long; rows not final by then stay as they
    /// are (never reported failed).
    pub deadline: Duration,
    /// Rows claimed at once. Memory holds one batch at a time.
    pub batch_size: u32,
    /// Queries in flight at once.
    pub concurrency: usize,
    /// How long a claim lasts. A row whose lease runs out before its query
    /// starts is skipped (another worker may take it over).
    pub lease: Duration,
    /// Pause before a row's second query; doubled after each query.
    pub initial_interval: Duration,
    /// Longest pause between two queries of one row.
    pub max_interval: Duration,
}

impl ReconcileOptions {
    /// Defaults: batches of 100, 8 queries in flight, 60 s leases, pauses
    /// from 1 s doubling up to 60 s (with jitter).
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            batch_size: 100,
            concurrency: 8,
            lease: Duration::from_secs(60),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(60),
        }
    }

    /// Sets the batch size.
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = n.max(1);
        self
    }

    /// Sets the number of queries in flight.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Sets the lease length.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets the pauses between queries of one row.
    pub fn intervals(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }

    /// The pause after a row's `queries`-th query, before jitter.
    fn backoff(&self, queries: u32) -> Duration {
        let factor = 1u32
            .checked_shl(queries.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_interval
            .saturating_mul(factor)
            .min(self.max_interval)
    }
}

/// What a reconcile or recovery run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReconcileReport {
    /// Rows claimed (a row claimed in several rounds counts each time).
    pub claimed: u64,
    /// Queries made.
    pub queried: u64,
    /// Queries that got no usable answer (timeouts, provider down).
    pub query_errors: u64,
    /// Rows that reached a final state in this run.
    pub finalized: u64,
    /// Rows that became (or stayed and grew) a conflict in this run.
    pub conflicts: u64,
    /// Claimed rows skipped because their lease ran out first.
    pub skipped: u64,
    /// The run stopped at its deadline with rows still needing a query.
    pub deadline_reached: bool,
    /// The scope's rows by state when the run ended.
    pub counts: Counts,
}

impl ReconcileReport {
    /// True when every row of the scope is final (`payout journal
    /// reconcile` exits 0), false when any is not (exit 7).
    pub fn all_final(&self) -> bool {
        self.counts.not_final() == 0
    }

    fn add(&mut self, row: RowOutcome) {
        self.queried += u64::from(row.queried);
        self.query_errors += u64::from(row.query_error);
        self.finalized += u64::from(row.finalized);
        self.conflicts += u64::from(row.conflict);
        self.skipped += u64::from(row.skipped);
    }
}

#[derive(Default)]
struct RowOutcome {
    queried: bool,
    query_error: bool,
    finalized: bool,
    conflict: bool,
    skipped: bool,
}

impl Journaled {
    /// Claims the scope's non-final rows in batches with a lease and queries
    /// each with backoff until it is final or `options.deadline` passes,
    /// recording every answer. Any number of reconcilers may share one
    /// PostgreSQL journal: a row is claimed by one at a time, and a lease
    /// that ran out (its holder died) is taken over. Nothing is ever sent.
    ///
    /// # Errors
    /// [`JournalError::Database`]; failed queries are counted, not errors.
    ///
    /// ```no_run
    /// # async fn f(payouts: payout_journal::Journaled) -> Result<(), payout_journal::JournalError> {
    /// use std::time::Duration;
    /// use payout_journal::ReconcileOptions;
    /// let report = payouts.reconcile(ReconcileOptions::new(Duration::from_secs(600))).await?;
    /// std::process::exit(if report.all_final() { 0 } else { 7 });
    /// # }
    /// ```
    pub async fn reconcile(
        &self,
        options: ReconcileOptions,
    ) -> Result<ReconcileReport, JournalError> {
        self.run(options, Claim::Due, false).await
    }

    /// Recovery after a crash: queries, once, every row of the scope left in
    /// `sending` or `unknown` whose lease has run out (or is this owner's
    /// own, when [`crate::JournaledOptions::take_back_own_leases`] is set),
    /// in id order and whatever backoff an earlier query set, and records
    /// the answers. Run it before sending new payouts;
    /// [`Journaled::submit`] also resolves such a row by query before it
    /// would ever send it.
    ///
    /// # Errors
    /// [`JournalError::Database`].
    ///
    /// ```no_run
    /// # async fn f(payouts: payout_journal::Journaled) -> Result<(), payout_journal::JournalError> {
    /// let report = payouts.recover().await?;
    /// println!("{} rows resolved by query", report.queried);
    /// # Ok(()) }
    /// ```
    pub async fn recover(&self) -> Result<ReconcileReport, JournalError> {
        self.run(
            ReconcileOptions::new(Duration::from_secs(3600)),
            Claim::Unresolved,
            true,
        )
        .await
    }

    async fn run(
        &self,
        options: ReconcileOptions,
        which: Claim,
        single_pass: bool,
    ) -> Result<ReconcileReport, JournalError> {
        let journal = self.journal();
        let scope = self.scope();
        let deadline = Instant::now() + options.deadline;
        let mut report = ReconcileReport::default();
        // Recovery walks the unresolved rows once, in id order.
        let mut walk = (which == Claim::Unresolved).then(|| RecoveryWalk {
            after_id: 0,
            take_own: self.takes_back_own_leases(),
        });
        loop {
            if Instant::now() >= deadline {
                report.deadline_reached = journal.next_due(scope).await?.is_some();
                break;
            }
            let rows = journal
                .claim_with(
                    scope,
                    self.owner(),
                    options.lease,
                    options.batch_size,
                    which,
                    walk,
                )
                .await?;
            if let (Some(w), Some(last)) = (walk.as_mut(), rows.last()) {
                w.after_id = last.id;
            }
            if rows.is_empty() {
                if single_pass {
                    break;
                }
                let Some(due) = journal.next_due(scope).await? else {
                    break; // nothing left that a query could move
                };
                let until_due = (due - record::now()).to_std().unwrap_or_default();
                let pause = until_due
                    .clamp(Duration::from_millis(20), options.max_interval)
                    .min(deadline.saturating_duration_since(Instant::now()));
                tokio::time::sleep(pause).await;
                continue;
            }
            report.claimed += rows.len() as u64;
            let outcomes: Vec<RowOutcome> = futures::stream::iter(rows)
                .map(|row| self.query_claimed(row, &options))
                .buffer_unordered(options.concurrency)
                .try_collect()
                .await?;
            for outcome in outcomes {
                report.add(outcome);
            }
        }
        report.counts = journal.scope_counts(scope).await?;
        tracing::info!(
            provider = %scope.provider,
            queried = report.queried,
            finalized = report.finalized,
            not_final = report.counts.not_final(),
            "reconcile run ended"
        );
        Ok(report)
    }

    /// Queries one claimed row and records the answer, releasing the lease
    /// and setting the next query time.
    async fn query_claimed(
        &self,
        row: PayoutRecord,
        options: &ReconcileOptions,
    ) -> Result<RowOutcome, JournalError> {
        let now = record::now();
        if !matches!(row.lease_until, Some(until) if until > now) {
            return Ok(RowOutcome {
                skipped: true,
                ..RowOutcome::default()
            });
        }
        let was_final = row.state.is_final();
        let next_query_at = now
            + chrono::Duration::from_std(jitter(options.backoff(row.queries + 1)))
                .unwrap_or(chrono::Duration::MAX);
        let mut book = Bookkeeping {
            owner: Some(self.owner()),
            lease: LeaseChange::Release,
            queried: true,
            next_query_at: Some(next_query_at),
            error: None,
        };
        let Ok(trade_no) = TradeNo::new(row.trade_no.as_str()) else {
            book.queried = false;
            book.error = Some("stored trade number is invalid; cannot query it".into());
            self.journal().update(&row, None, &book).await?;
            return Ok(RowOutcome {
                query_error: true,
                ..RowOutcome::default()
            });
        };
        let (result, event) = self.query(&trade_no).await;
        book.error = result.as_ref().err().map(outcome::error_text);
        let applied = self.journal().update(&row, event.as_ref(), &book).await?;
        tracing::debug!(provider = %self.scope().provider, trade_no = %trade_no, state = %applied.record.state, "payout queried");
        Ok(RowOutcome {
            queried: true,
            query_error: event.is_none(),
            finalized: !was_final && applied.record.state.is_final(),
            conflict: applied.effect == Effect::Conflict,
            skipped: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let o = ReconcileOptions::new(Duration::from_secs(1))
            .intervals(Duration::from_millis(100), Duration::from_millis(500));
        let pauses: Vec<_> = (1..=5).map(|q| o.backoff(q).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 500, 500]);
        assert_eq!(o.backoff(200), Duration::from_millis(500));
    }
}
