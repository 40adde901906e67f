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
/// ```
/// use std::time::Duration;
/// use payout_core::WaitOptions;
/// let o = WaitOptions::new(Duration::from_secs(600));
/// assert_eq!(o.deadline, Duration::from_secs(600));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long and return the last known status.
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
    DeadlineReached {
        /// The last status a query returned.
        last: Option<PayoutStatus>,
        /// The last transient error, if the last query failed.
        last_error: Option<Error>,
        /// Number of queries made.
        queries: u32,
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
    async fn wait_until_final(
        &self,
        trade_no: &TradeNo,
        options: WaitOptions,
    ) -> Result<WaitOutcome, Error> {
        let start = Instant::now();
        let deadline = start + options.deadline;
        let mut pause = options.initial_interval;
        let mut last = None;
        let mut last_error;
        let mut queries = 0u32;
        loop {
            queries += 1;
            match self.query_payout(trade_no).await {
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
            let now = Instant::now();
            if now >= deadline {
                return Ok(WaitOutcome::DeadlineReached {
                    last,
                    last_error,
                    queries,
                });
            }
            let jittered = jitter(pause);
            tokio::time::sleep(jittered.min(deadline - now)).await;
            pause = (pause * 2).min(options.max_interval);
        }
    }
}

impl<P: PayoutProvider + ?Sized> PayoutProviderExt for P {}

/// A pause between 50 % and 100 % of `base` ("equal jitter").
pub fn jitter(base: Duration) -> Duration {
    let half = base / 2;
    let extra_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
    half + Duration::from_millis(fastrand::u64(0..=extra_ms))
}
