//! Which failures may be retried, and how long to pause.

use std::time::Duration;

use payout_core::Error;

use super::config::RetryPolicy;

/// Whether repeating a request could move money twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Queries and balance: retried after transport failures, 5xx, 408, 429
    /// and provider system errors (outer `5000`).
    Idempotent,
    /// Creates: retried **only** when the request provably never left
    /// (connection refused, DNS failure).
    MovesMoney,
}

impl Idempotency {
    /// Whether `error` may be retried.
    ///
    /// ```
    /// use payout_transport::Idempotency;
    /// use payout_core::{Error, Operation};
    /// let timeout = Error::NoAnswer { operation: Operation::CreatePayout, message: "timed out".into() };
    /// assert!(!Idempotency::MovesMoney.may_retry(&timeout));
    /// ```
    pub fn may_retry(&self, error: &Error) -> bool {
        match (self, error) {
            (_, Error::NotSent { .. }) => true,
            (Idempotency::MovesMoney, _) => false,
            (
                Idempotency::Idempotent,
                Error::NoAnswer { .. } | Error::ProviderUnavailable { .. },
            ) => true,
            (Idempotency::Idempotent, Error::HttpStatus { status, .. }) => {
                *status >= 500 || *status == 429 || *status == 408
            }
            _ => false,
        }
    }
}

/// The pause after `attempt` (1-based): exponential from the initial
/// backoff, capped, with equal jitter.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .initial_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    payout_core::wait::jitter(exp.min(policy.max_backoff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let p =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(400));
        for _ in 0..50 {
            let b1 = backoff(&p, 1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b9 = backoff(&p, 9);
            assert!(b9 >= Duration::from_millis(200) && b9 <= Duration::from_millis(400));
        }
    }
}
