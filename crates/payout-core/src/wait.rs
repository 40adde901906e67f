//! Polling until final, written once for every provider ([`PayoutProviderExt`]).

use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::error::{Error, RetryAdvice};
use crate::provider::PayoutProvider;
use crate::status::PayoutStatus;
use crate::trade_no::TradeNo;

/// How [`PayoutProviderExt::wait_until_final`] polls.
///
/// The deadline is hard: it bounds the whole wait, the query in flight
/// included (a query still unanswered when it passes is abandoned).
///
/// ```
/// use std::time::Duration;
/// use payout_core::WaitOptions;
/// let o = WaitOptions::new(Duration::from_secs(600));
/// assert_eq!(o.deadline, Duration::from_secs(600));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long, even in the middle of a query, and return
    /// the last known status.
    pub deadline: Duration,
    /// First pause between queries.
    pub initial_interval: Duration,
    /// Longest pause between queries.
    pub max_interval: Duration,
}

impl WaitOptions {
    /// Defaults: first pause 500 ms, doubling up to 30 s, with jitter.
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(30),
        }
    }

    /// Sets the pauses.
    pub fn intervals(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }
}

/// The result of waiting.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitOutcome {
    /// The payout reached `succeeded` or `failed`.
    Final(PayoutStatus),
    /// The deadline passed first. The payout is **not** failed: this is the
    /// last status seen (if any query answered) and the last error (if any).
    #[non_exhaustive]
    DeadlineReached {
        /// The last status a query returned.
        last: Option<PayoutStatus>,
        /// The last transient error, if the last query answered failed.
        last_error: Option<Error>,
        /// Number of queries made, the one cut short included.
        queries: u32,
        /// Whether the deadline passed while a query was still waiting for
        /// its answer (that query was abandoned).
        cut_short: bool,
    },
}

/// Conveniences on top of any [`PayoutProvider`].
#[async_trait]
pub trait PayoutProviderExt: PayoutProvider {
    /// Queries with exponential backoff and jitter until the payout is
    /// `succeeded` or `failed`, or the deadline passes. `processing` and
    /// `unknown` keep it waiting, as do errors that are safe to retry;
    /// an error that will not go away by retrying (rejection, configuration)
    /// is returned at once.
    ///
    /// The deadline is hard: each query runs with the time left, and a
    /// query still unanswered when the deadline passes is abandoned
    /// (queries are idempotent) and the wait returns
    /// [`WaitOutcome::DeadlineReached`] with `cut_short` set. The wait
    /// never lasts much longer than `options.deadline`, however slow the
    /// provider or the transport's own timeouts and retries.
    async fn wait_until_final(
        &self,
        trade_no: &TradeNo,
        options: WaitOptions,
    ) -> Result<WaitOutcome, Error> {
        let start = Instant::now();
        let deadline = start + options.deadline;
        let mut pause = options.initial_interval;
        let mut last = None;
        let mut last_error = None;
        let mut queries = 0u32;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if queries > 0 && left.is_zero() {
                return Ok(WaitOutcome::DeadlineReached {
                    last,
                    last_error,
                    queries,
                    cut_short: false,
                });
            }
            queries += 1;
            let Ok(answer) = tokio::time::timeout(left, self.query_payout(trade_no)).await else {
                tracing::debug!(trade_no = %trade_no, queries, "deadline passed during a query");
                return Ok(WaitOutcome::DeadlineReached {
                    last,
                    last_error,
                    queries,
                    cut_short: true,
                });
            };
            match answer {
                Ok(status) if status.state.is_final() => return Ok(WaitOutcome::Final(status)),
                Ok(status) => {
                    tracing::debug!(trade_no = %trade_no, state = %status.state, queries, "not final yet");
                    last = Some(status);
                    last_error = None;
                }
                Err(e) if e.retry_advice() == RetryAdvice::Safe => {
                    tracing::debug!(trade_no = %trade_no, error = %e, queries, "query failed; will retry");
                    last_error = Some(e);
                }
                Err(e) => return Err(e),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            tokio::time::sleep(jitter(pause).min(left)).await;
            pause = (pause * 2).min(options.max_interval);
        }
    }
}

impl<P: PayoutProvider + ?Sized> PayoutProviderExt for P {}

pub use crate::retry::jitter;

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::capabilities::Capabilities;
    use crate::money::Currency;
    use crate::status::PayoutState;

    /// Answers `processing` to the first `answered` queries, then never
    /// answers.
    #[derive(Debug)]
    struct GoesSilent {
        answered: u32,
        calls: AtomicU32,
    }

    #[async_trait]
    impl PayoutProvider for GoesSilent {
        fn id(&self) -> &'static str {
            "silent"
        }
        fn region(&self) -> &str {
            "nowhere"
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities::new("silent", Vec::new())
        }
        async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
            if self.calls.fetch_add(1, Ordering::SeqCst) < self.answered {
                return Ok(PayoutStatus::new(
                    "silent",
                    trade_no.clone(),
                    PayoutState::Processing,
                    "0015",
                    Currency::from_static("IDR"),
                ));
            }
            std::future::pending().await
        }
    }

    /// Waits with `deadline`, failing (instead of hanging) if the wait
    /// outlives it by far.
    async fn wait(p: &GoesSilent, deadline: Duration) -> WaitOutcome {
        let t = TradeNo::new("T1").expect("trade number");
        let options = WaitOptions::new(deadline)
            .intervals(Duration::from_millis(10), Duration::from_millis(20));
        tokio::time::timeout(Duration::from_secs(30), p.wait_until_final(&t, options))
            .await
            .expect("the deadline must end the wait, even during a query")
            .expect("no error")
    }

    #[tokio::test]
    async fn the_deadline_ends_a_query_that_never_answers() {
        let p = GoesSilent {
            answered: 0,
            calls: AtomicU32::new(0),
        };
        match wait(&p, Duration::from_millis(200)).await {
            WaitOutcome::DeadlineReached {
                last: None,
                last_error: None,
                queries: 1,
                cut_short: true,
            } => {}
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_cut_short_wait_keeps_the_last_known_state() {
        let p = GoesSilent {
            answered: 2,
            calls: AtomicU32::new(0),
        };
        match wait(&p, Duration::from_millis(300)).await {
            WaitOutcome::DeadlineReached {
                last: Some(s),
                queries: 3,
                cut_short: true,
                ..
            } => assert_eq!(s.state, PayoutState::Processing),
            other => panic!("{other:?}"),
        }
    }
}
