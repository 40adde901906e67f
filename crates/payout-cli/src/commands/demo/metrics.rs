//! Per-lane measurements: request latencies (recorded by [`Timed`], a
//! provider decorator a platform would put around any provider) and
//! callback counters (recorded by the receiver).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use payout::{
    async_trait, Balance, CallbackError, CallbackReply, Capabilities, CreatePayout, Error,
    PayoutProvider, PayoutStatus, PayoutUpdate, TradeNo,
};

/// What happened in one lane (provider and region).
#[derive(Debug, Default)]
pub struct Metrics {
    create: Mutex<Vec<Duration>>,
    query: Mutex<Vec<Duration>>,
    /// Query calls made through the SDK, answered or not.
    pub query_calls: AtomicU32,
    /// Signed callbacks whose signature verified.
    pub verified: AtomicU32,
    /// Unsigned callbacks (Kenya) confirmed by a query.
    pub confirmed: AtomicU32,
    /// Callbacks refused (bad signature, malformed, confirmation failed).
    pub refused: AtomicU32,
    /// Accepted callbacks that repeated the known state.
    pub duplicates: AtomicU32,
    /// Accepted callbacks that would have moved a final state (ignored).
    pub late_ignored: AtomicU32,
    /// Callback-final payouts double-checked by query.
    pub cross_checked: AtomicU32,
    /// ... whose query disagreed with the callback.
    pub cross_check_mismatch: AtomicU32,
}

/// Latency samples, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// The nearest-rank percentile `p` (1..=100); `None` without samples.
    pub fn percentile(&self, p: usize) -> Option<Duration> {
        let n = self.0.len();
        if n == 0 {
            return None;
        }
        let rank = (p.min(100) * n).div_ceil(100).max(1);
        self.0.get(rank - 1).copied()
    }
}

impl Metrics {
    fn record(list: &Mutex<Vec<Duration>>, d: Duration) {
        list.lock().unwrap_or_else(PoisonError::into_inner).push(d);
    }

    fn sorted(list: &Mutex<Vec<Duration>>) -> Samples {
        let mut v = list.lock().unwrap_or_else(PoisonError::into_inner).clone();
        v.sort_unstable();
        Samples(v)
    }

    /// Latencies of answered creates.
    pub fn creates(&self) -> Samples {
        Self::sorted(&self.create)
    }

    /// Latencies of answered queries (transport retries included).
    pub fn queries(&self) -> Samples {
        Self::sorted(&self.query)
    }

    /// Reads a counter.
    pub fn get(counter: &AtomicU32) -> u32 {
        counter.load(Ordering::Relaxed)
    }

    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU32) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether a call got an answer from the provider (so its latency is a
/// round trip, not a client timeout).
fn answered<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Ok(_) | Err(Error::Rejected { .. }))
}

/// A provider that records the latency of answered creates and queries.
#[derive(Debug)]
pub struct Timed {
    inner: Arc<dyn PayoutProvider>,
    metrics: Arc<Metrics>,
}

impl Timed {
    /// Wraps `inner`, recording into `metrics`.
    pub fn new(inner: Arc<dyn PayoutProvider>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl PayoutProvider for Timed {
    fn id(&self) -> &'static str {
        self.inner.id()
    }

    fn region(&self) -> &str {
        self.inner.region()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn query_payout(&self, trade_no: &TradeNo) -> Result<PayoutStatus, Error> {
        Metrics::bump(&self.metrics.query_calls);
        let start = Instant::now();
        let result = self.inner.query_payout(trade_no).await;
        if answered(&result) {
            Metrics::record(&self.metrics.query, start.elapsed());
        }
        result
    }

    fn validate_payout(&self, request: &CreatePayout) -> Result<(), Error> {
        self.inner.validate_payout(request)
    }

    async fn create_payout(&self, request: &CreatePayout) -> Result<PayoutStatus, Error> {
        let start = Instant::now();
        let result = self.inner.create_payout(request).await;
        if answered(&result) {
            Metrics::record(&self.metrics.create, start.elapsed());
        }
        result
    }

    async fn balance(&self) -> Result<Balance, Error> {
        self.inner.balance().await
    }

    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        self.inner.verify_callback(headers, body)
    }

    fn callback_ack(&self) -> CallbackReply {
        self.inner.callback_ack()
    }

    fn callback_refusal(&self) -> CallbackReply {
        self.inner.callback_refusal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Samples {
        Samples(v.iter().map(|&m| Duration::from_millis(m)).collect())
    }

    #[test]
    fn nearest_rank_percentiles() {
        let s = ms(&(1..=100).collect::<Vec<_>>());
        assert_eq!(s.percentile(50), Some(Duration::from_millis(50)));
        assert_eq!(s.percentile(99), Some(Duration::from_millis(99)));
        assert_eq!(s.percentile(100), Some(Duration::from_millis(100)));
        let s = ms(&[3, 7]);
        assert_eq!(s.percentile(50), Some(Duration::from_millis(3)));
        assert_eq!(s.percentile(99), Some(Duration::from_millis(7)));
        assert_eq!(ms(&[]).percentile(50), None);
    }

    #[test]
    fn only_answered_calls_count() {
        let timeout: Result<(), Error> = Err(Error::no_answer(
            payout::Operation::CreatePayout,
            "timed out",
        ));
        assert!(!answered(&timeout));
        let rejected: Result<(), Error> = Err(Error::Rejected {
            operation: payout::Operation::QueryPayout,
            code: "8000".into(),
            msg: "order not found".into(),
            reason: payout::RejectReason::Other,
        });
        assert!(answered(&rejected));
        assert!(answered(&Ok::<(), Error>(())));
    }
}
