//! `payout batch`: place every order of a JSONL file through the durable
//! journal ([`payout_journal::Journaled`]).
//!
//! 1. The file is read and every line checked; a bad line is reported with
//!    its number and skipped; a line repeating an earlier one is a
//!    duplicate; a trade number repeated with another order is invalid.
//! 2. `recover()`: what an earlier run of the same command left in flight
//!    is resolved by query (the batch's lease owner name is stable, see
//!    [`journal_db::batch_owner`], so its own leases are taken back at once).
//! 3. Every order is submitted, at most `--concurrency` provider requests
//!    at once (more submits are under way: the others are journaling or
//!    recording answers, whose durable commits are shared): journaled
//!    durably, then sent — or, when already journaled, resumed (sent only
//!    from `intent`; `sending`/`unknown` resolved by query; anything else
//!    left as it is).
//! 4. Orders still unresolved (outcome unknown, not sent) are submitted
//!    again with backoff until they are placed or rejected, or the
//!    resolution deadline passes ([`resolve_budget`]). A create request
//!    leaves at most [`SENDS_PER_RUN`] times per order and run: a row whose
//!    second request is refused too stays `unknown` (the journal cannot
//!    tell a refusal from the platform's duplicate check) instead of being
//!    sent again and again.
//! 5. The summary counts the journal's view of every line of the file.

mod file;
mod summary;
mod test_hook;

use std::io::IsTerminal;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use payout::{CreatePayout, Error, RetryPolicy};
use payout_journal::{
    JournalError, JournalState, Journaled, JournaledOptions, OrderRecord, SubmitAction,
    SUBMITS_PER_REQUEST_SLOT,
};
use tokio::time::Instant;

use super::Report;
use crate::cli::BatchArgs;
use crate::config;
use crate::exit::{Exit, Failure};
use crate::journal_db;
use crate::order::Spelling;
use summary::Summary;

/// The most create requests that may leave for one order in one run: the
/// first, and one re-send after a query found nothing (only where the
/// provider makes a repeat harmless; see `payout_journal::outcome`).
const SENDS_PER_RUN: u32 = 2;

/// Runs the batch and reports the summary.
///
/// # Errors
/// A configuration error (exit 2: no provider, unreadable file, bad journal
/// URL), or the journal database failing (exit 4; rerun the same command).
pub async fn run(args: &BatchArgs) -> Result<Report, Failure> {
    let configured = config::configured(&args.common)?;
    let lines = file::read(&args.file)?;
    let concurrency = args.concurrency as usize;
    let journal = journal_db::open(Some(&args.journal), concurrency).await?;
    let provider = test_hook::wrap(configured.provider)?;
    let owner = journal_db::batch_owner(&args.file);
    let payouts = Journaled::with_options(
        provider,
        journal,
        configured.account,
        JournaledOptions::default()
            .stable_owner(owner)
            .requests_in_flight(concurrency),
    );
    let bar = progress(lines.len());
    let mut summary = Summary {
        orders: lines.len() as u64,
        ..Summary::default()
    };
    let mut orders = plan(lines, &mut summary, &bar);
    bar.set_length(orders.len() as u64);

    let recovered = payouts.recover().await.map_err(stopped)?;
    if recovered.queried > 0 {
        say(
            &bar,
            &format!(
                "resolved {} payouts an earlier run left in flight (by query)",
                recovered.queried
            ),
        );
    }
    bar.set_message("placing");
    let first: Vec<(usize, Submitted)> = futures::stream::iter(orders.iter().enumerate())
        .map(|(i, order)| {
            let (payouts, bar) = (&payouts, &bar);
            async move {
                let submitted = submit(payouts, order, bar).await;
                bar.inc(1);
                submitted.map(|o| (i, o))
            }
        })
        // At most `concurrency` requests reach the provider (the wrapper's
        // slots); the other submits journal or record answers meanwhile.
        .buffer_unordered(concurrency * SUBMITS_PER_REQUEST_SLOT)
        .try_collect()
        .await?;
    for (i, submitted) in first {
        orders[i].record(submitted);
    }
    resolve(
        &payouts,
        &mut orders,
        concurrency,
        resolve_budget(configured.timeout),
        &bar,
    )
    .await?;
    bar.finish_and_clear();

    for order in &orders {
        match order.outcome {
            Outcome::Invalid => summary.invalid += 1,
            Outcome::Journaled(state) => summary.add(state),
            Outcome::Open => summary.unknown += 1,
        }
    }
    let (exit, note) = if summary.unknown == 0 {
        (Exit::Ok, None)
    } else {
        (Exit::OutcomeUnknown, Some(unknown_note(&orders)))
    };
    Report::with(&summary, exit, note)
}

/// One valid order of the file and where it stands.
struct Planned {
    line: usize,
    order: CreatePayout,
    outcome: Outcome,
    /// Create requests that may have left for it in this run.
    sends: u32,
}

impl Planned {
    fn record(&mut self, submitted: Submitted) {
        self.outcome = submitted.outcome;
        self.sends += u32::from(submitted.may_have_left);
    }
}

/// What one submit did.
struct Submitted {
    outcome: Outcome,
    /// A create request left in this submit (or may have).
    may_have_left: bool,
}

impl From<Outcome> for Submitted {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            may_have_left: false,
        }
    }
}

/// Where an order stands after a submit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Its row in the journal is in this state.
    Journaled(JournalState),
    /// Refused for good (reported on stderr); nothing was sent.
    Invalid,
    /// Not known yet (the journal could not record it or kept changing):
    /// submit it again.
    Open,
}

impl Outcome {
    /// Whether another submit may still move it: a create whose outcome is
    /// unknown, one left in flight, one not sent yet.
    fn unresolved(self) -> bool {
        matches!(
            self,
            Outcome::Open
                | Outcome::Journaled(
                    JournalState::Intent | JournalState::Sending | JournalState::Unknown
                )
        )
    }
}

/// The valid orders of the file, in file order; bad lines and duplicates
/// are counted (and reported) here.
fn plan(lines: Vec<file::Line>, summary: &mut Summary, bar: &ProgressBar) -> Vec<Planned> {
    let mut orders: Vec<Planned> = Vec::with_capacity(lines.len());
    let mut first_line = std::collections::HashMap::new();
    for line in lines {
        let order = line
            .spec
            .and_then(|spec| spec.to_order(Spelling::Keys).map_err(|f| f.message));
        let order = match order {
            Ok(order) => order,
            Err(why) => {
                summary.invalid += 1;
                say(
                    bar,
                    &format!("line {}: {why}; nothing sent for it", line.number),
                );
                continue;
            }
        };
        match first_line.get(order.trade_no.as_str()) {
            None => {
                first_line.insert(order.trade_no.as_str().to_owned(), orders.len());
                orders.push(Planned {
                    line: line.number,
                    order,
                    outcome: Outcome::Open,
                    sends: 0,
                });
            }
            Some(&i) => {
                let earlier: &Planned = &orders[i];
                let difference = OrderRecord::from_order(&earlier.order)
                    .difference(&OrderRecord::from_order(&order));
                match difference {
                    None => summary.duplicates += 1,
                    Some(part) => {
                        summary.invalid += 1;
                        say(
                            bar,
                            &format!(
                                "line {}: trade number {} is on line {} with another order ({part} differs); nothing sent for it",
                                line.number, order.trade_no, earlier.line
                            ),
                        );
                    }
                }
            }
        }
    }
    orders
}

/// Submits one order through the journal and reads where it stands.
///
/// # Errors
/// The journal database failing.
async fn submit(
    payouts: &Journaled,
    planned: &Planned,
    bar: &ProgressBar,
) -> Result<Submitted, Failure> {
    let refused = |why: String| {
        say(
            bar,
            &format!("line {}: {why}; nothing sent for it", planned.line),
        );
        Ok(Outcome::Invalid.into())
    };
    match payouts.submit(&planned.order).await {
        Ok(submitted) => match (&submitted.error, submitted.record.state) {
            // Refused before anything left, for a reason no retry mends.
            (
                Some(
                    e @ (Error::Validation { .. }
                    | Error::Config { .. }
                    | Error::Unsupported { .. }),
                ),
                JournalState::Intent,
            ) => refused(e.to_string()),
            (_, state) => Ok(Submitted {
                outcome: Outcome::Journaled(state),
                // Back in `intent`: provably not sent.
                may_have_left: submitted.action == SubmitAction::Sent
                    && state != JournalState::Intent,
            }),
        },
        Err(e @ (JournalError::Invalid { .. } | JournalError::DifferentContents { .. })) => {
            refused(e.to_string())
        }
        // Sent, but the answer or a change could not be written: the row
        // stays in flight and is resolved by query.
        Err(e @ (JournalError::AnswerNotRecorded { .. } | JournalError::Contended { .. })) => {
            tracing::warn!(trade_no = %planned.order.trade_no, error = %e, "payout left unresolved");
            Ok(Submitted {
                outcome: Outcome::Open,
                may_have_left: true,
            })
        }
        Err(e) => Err(stopped(e)),
    }
}

/// Submits the unresolved orders again, with backoff, until none is left
/// or `budget` has passed. A submit resolves a row in flight by query and
/// sends a row only from `intent` (never sent, or proven absent where the
/// provider makes a repeat harmless). An order whose requests left
/// [`SENDS_PER_RUN`] times already is left as it stands.
async fn resolve(
    payouts: &Journaled,
    orders: &mut [Planned],
    concurrency: usize,
    budget: Duration,
    bar: &ProgressBar,
) -> Result<(), Failure> {
    let deadline = Instant::now() + budget;
    let backoff =
        RetryPolicy::default().backoff(Duration::from_millis(250), Duration::from_secs(5));
    for round in 1u32.. {
        let open: Vec<usize> = (0..orders.len())
            .filter(|&i| orders[i].outcome.unresolved() && orders[i].sends < SENDS_PER_RUN)
            .collect();
        let remaining = deadline.saturating_duration_since(Instant::now());
        if open.is_empty() || remaining.is_zero() {
            break;
        }
        bar.set_message(format!("resolving {} by query", open.len()));
        tokio::time::sleep(backoff.pause(round).min(remaining)).await;
        let outcomes: Vec<(usize, Submitted)> = futures::stream::iter(open)
            .map(|i| {
                let planned = &orders[i];
                async move { submit(payouts, planned, bar).await.map(|o| (i, o)) }
            })
            .buffer_unordered(concurrency)
            .try_collect()
            .await?;
        for (i, submitted) in outcomes {
            orders[i].record(submitted);
        }
    }
    Ok(())
}

/// How long unresolved orders are retried at the end of a run: ten times
/// the per-attempt timeout, at least 5 s, at most 5 minutes.
fn resolve_budget(timeout: Duration) -> Duration {
    timeout
        .saturating_mul(10)
        .clamp(Duration::from_secs(5), Duration::from_secs(300))
}

/// The warning printed when some outcomes are still unknown.
fn unknown_note(orders: &[Planned]) -> String {
    let conflicts = orders
        .iter()
        .filter(|o| o.outcome == Outcome::Journaled(JournalState::Conflict))
        .count();
    let open = orders.iter().filter(|o| o.outcome.unresolved()).count();
    let mut parts = Vec::new();
    if open > 0 {
        parts.push(format!(
            "{open} {} not known to be placed or rejected yet (the outcome of the create is unknown, or the provider could not be reached)",
            if open == 1 { "payout is" } else { "payouts are" }
        ));
    }
    if conflicts > 0 {
        parts.push(format!(
            "{conflicts} got contradicting answers from the provider (state conflict: a person must look; see `payout journal --journal URL export`)"
        ));
    }
    format!(
        "{}. Run the same command again later: it sends nothing already placed and resolves the rest by query (or run `payout journal --journal URL reconcile`). Never re-send them under new trade numbers",
        parts.join("; ")
    )
}

/// The failure when the journal database fails in the middle of a run.
fn stopped(error: JournalError) -> Failure {
    let mut failure = journal_db::failure(error);
    failure.message = format!(
        "{}; the batch stopped. Run the same command again: nothing already sent is sent again, and what was in flight is resolved by query",
        failure.message
    );
    failure
}

/// A progress bar on stderr, hidden unless stderr is a terminal.
fn progress(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {msg:<24} [{bar:30}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("reading");
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// One line on stderr, above the progress bar.
fn say(bar: &ProgressBar, line: &str) {
    bar.suspend(|| eprintln!("{line}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_budget_follows_the_timeout() {
        assert_eq!(
            resolve_budget(Duration::from_millis(300)),
            Duration::from_secs(5)
        );
        assert_eq!(
            resolve_budget(Duration::from_secs(2)),
            Duration::from_secs(20)
        );
        assert_eq!(
            resolve_budget(Duration::from_secs(30)),
            Duration::from_secs(300)
        );
    }

    #[test]
    fn only_what_a_submit_can_still_move_is_unresolved() {
        for state in JournalState::ALL {
            let unresolved = Outcome::Journaled(state).unresolved();
            assert_eq!(
                unresolved,
                matches!(
                    state,
                    JournalState::Intent | JournalState::Sending | JournalState::Unknown
                ),
                "{state}"
            );
        }
        assert!(Outcome::Open.unresolved());
        assert!(!Outcome::Invalid.unresolved());
    }
}
