//! The workspace's one retry table: which failures may be repeated, for
//! which kind of request, and what a caller is advised to do.
//!
//! Everything that decides about a retry reads this module: the transport's
//! executor (automatic retries), [`crate::Error::retry_advice`] (what a
//! caller may do), polling ([`crate::PayoutProviderExt`]) and
//! [`crate::resolve::PayoutResolveExt::resolve_unknown`].

use std::time::Duration;

use crate::error::{Error, Operation, RetryAdvice};

/// Whether repeating a request could move money twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Idempotency {
    /// Reads (query, balance): retried after any transient failure.
    Idempotent,
    /// A create the provider de-duplicates by an idempotency key sent with
    /// it (Xendit's `Idempotency-key`): retried after transient failures
    /// with the **same** key and byte-identical body.
    KeyedCreate,
    /// A create (or cancel) without protocol idempotency: retried **only**
    /// when the request provably never left.
    MovesMoney,
}

/// How a failure relates to repeating the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transience {
    /// The request provably never left (connection refused, DNS, TLS).
    NeverLeft,
    /// The request may have been processed, and trying again later may
    /// succeed (no answer, 5xx, 408, 429, provider system error, an answer
    /// that could not be read).
    Transient,
    /// Repeating the same request fails the same way.
    Permanent,
}

/// The transience of `error`: the one table.
///
/// ```
/// use payout_core::{Error, Operation, retry::{transience, Transience}};
/// let e = Error::HttpStatus { operation: Operation::QueryPayout, status: 503, body_excerpt: String::new() };
/// assert_eq!(transience(&e), Transience::Transient);
/// ```
pub fn transience(error: &Error) -> Transience {
    match error {
        Error::NotSent { .. } => Transience::NeverLeft,
        Error::NoAnswer { .. }
        | Error::ProviderUnavailable { .. }
        | Error::InvalidResponse { .. } => Transience::Transient,
        Error::HttpStatus { status, .. } if *status >= 500 || *status == 429 || *status == 408 => {
            Transience::Transient
        }
        _ => Transience::Permanent,
    }
}

/// Whether the transport may repeat a request of kind `idempotency` after
/// `error`, by itself.
///
/// ```
/// use payout_core::{Error, Operation, retry::{may_retry, Idempotency}};
/// let timeout = Error::no_answer(Operation::CreatePayout, "timed out");
/// assert!(!may_retry(Idempotency::MovesMoney, &timeout));
/// assert!(may_retry(Idempotency::KeyedCreate, &timeout));
/// ```
pub fn may_retry(idempotency: Idempotency, error: &Error) -> bool {
    if matches!(error, Error::InvalidResponse { .. }) {
        // An answer that could not be read is reported, not re-asked by
        // itself: it may be a refusal or an acceptance we misread.
        return false;
    }
    matches!(
        (transience(error), idempotency),
        (Transience::NeverLeft, _)
            | (
                Transience::Transient,
                Idempotency::Idempotent | Idempotency::KeyedCreate
            )
    )
}

/// What a caller may do after `error` (see [`RetryAdvice`]).
pub fn advice(error: &Error) -> RetryAdvice {
    match error {
        Error::OutcomeUnknown { .. } => return RetryAdvice::QueryFirst,
        Error::Duplicate { .. } | Error::NotFound { .. } => return RetryAdvice::Never,
        _ => {}
    }
    match transience(error) {
        Transience::NeverLeft => RetryAdvice::Safe,
        Transience::Transient => match error.operation() {
            Some(Operation::CreatePayout | Operation::CancelPayout) => RetryAdvice::QueryFirst,
            _ => RetryAdvice::Safe,
        },
        Transience::Permanent => RetryAdvice::Never,
    }
}

/// Retry limits: attempts, total time, and the backoff between attempts.
///
/// ```
/// use std::time::Duration;
/// use payout_core::retry::RetryPolicy;
/// let p = RetryPolicy::default().attempts(5).backoff(Duration::from_millis(50), Duration::from_secs(1));
/// assert_eq!(p.max_attempts, 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Most attempts in all (1 = no retry).
    pub max_attempts: u32,
    /// No new attempt starts after this much time since the first.
    pub max_elapsed: Duration,
    /// The first pause.
    pub initial_backoff: Duration,
    /// The longest pause.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts within 30 s, pauses from 200 ms up to 5 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            max_elapsed: Duration::from_secs(30),
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the most attempts (at least 1).
    pub fn attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the first and the longest pause.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the total time budget.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// The pause after `attempt` (1-based): exponential from the initial
    /// backoff, capped, with equal jitter.
    pub fn pause(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        jitter(exp.min(self.max_backoff))
    }
}

/// Equal jitter: a random duration between half of `base` and `base`.
///
/// ```
/// use std::time::Duration;
/// let d = payout_core::retry::jitter(Duration::from_millis(100));
/// assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(100));
/// ```
pub fn jitter(base: Duration) -> Duration {
    let half = base / 2;
    let extra_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
    half + Duration::from_millis(fastrand::u64(0..=extra_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, operation: Operation) -> Error {
        Error::HttpStatus {
            operation,
            status,
            body_excerpt: String::new(),
        }
    }

    #[test]
    fn the_table() {
        let q = Operation::QueryPayout;
        let c = Operation::CreatePayout;
        let timeout = |operation| Error::no_answer(operation, "timed out");
        assert!(may_retry(Idempotency::Idempotent, &timeout(q)));
        assert!(!may_retry(Idempotency::MovesMoney, &timeout(c)));
        assert!(may_retry(Idempotency::KeyedCreate, &timeout(c)));
        assert!(may_retry(Idempotency::KeyedCreate, &http(429, c)));
        assert!(!may_retry(Idempotency::KeyedCreate, &http(400, c)));
        assert!(!may_retry(Idempotency::Idempotent, &http(404, q)));
        assert_eq!(advice(&timeout(c)), RetryAdvice::QueryFirst);
        assert_eq!(advice(&timeout(q)), RetryAdvice::Safe);
        assert_eq!(advice(&http(404, q)), RetryAdvice::Never);
    }

    #[test]
    fn pauses_grow_and_cap() {
        let p =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(400));
        for _ in 0..50 {
            let b1 = p.pause(1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b9 = p.pause(9);
            assert!(b9 >= Duration::from_millis(200) && b9 <= Duration::from_millis(400));
        }
    }
}
