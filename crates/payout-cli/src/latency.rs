//! Latencies of the SDK's own operations, read from its tracing spans
//! (`payout.create`, `payout.query`, one per call, with `provider` and
//! `region` fields, and an `outcome` recorded when the call ends): a
//! [`Layer`] that keeps, by operation, provider and region, the time from a
//! span's start to its outcome, once [`enable`] was called (`payout demo`
//! does). A call dropped before it ended records no outcome and is left out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Filter, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The spans measured.
const OPERATIONS: [&str; 2] = ["payout.create", "payout.query"];

static ENABLED: AtomicBool = AtomicBool::new(false);
static SAMPLES: Mutex<Option<HashMap<Key, Vec<Duration>>>> = Mutex::new(None);

/// `(operation, provider, region)`.
pub type Key = (&'static str, String, String);

/// Starts recording.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// The durations recorded for `(operation, provider, region)`, sorted.
pub fn sorted(operation: &'static str, provider: &str, region: &str) -> Vec<Duration> {
    let key = (operation, provider.to_owned(), region.to_owned());
    let mut v = SAMPLES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|m| m.get(&key).cloned())
        .unwrap_or_default();
    v.sort_unstable();
    v
}

/// The nearest-rank percentile `p` (1..=100) of sorted samples.
pub fn percentile(sorted: &[Duration], p: usize) -> Option<Duration> {
    let rank = (p.min(100) * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The layer; install it with [`filter`].
pub struct Latencies;

/// Only the measured spans (decided once per call site; recording waits
/// for [`enable`]).
pub fn filter<S>() -> impl Filter<S> {
    tracing_subscriber::filter::filter_fn(|meta| {
        meta.is_span() && OPERATIONS.contains(&meta.name())
    })
}

struct Started(Key, Instant);

#[derive(Default)]
struct Fields(String, String);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "provider" => value.clone_into(&mut self.0),
            "region" => value.clone_into(&mut self.1),
            _ => {}
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// Whether a record sets `outcome` (the call ended).
struct Ended(bool);

impl Visit for Ended {
    fn record_debug(&mut self, field: &Field, _: &dyn std::fmt::Debug) {
        self.0 |= field.name() == "outcome";
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Latencies {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let op = OPERATIONS.iter().find(|o| **o == attrs.metadata().name());
        let Some(op) = op.filter(|_| ENABLED.load(Ordering::Relaxed)) else {
            return;
        };
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            let key = (*op, fields.0, fields.1);
            span.extensions_mut().insert(Started(key, Instant::now()));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut ended = Ended(false);
        values.record(&mut ended);
        let Some(span) = ctx.span(id).filter(|_| ended.0) else {
            return;
        };
        let Some(Started(key, at)) = span.extensions_mut().remove::<Started>() else {
            return;
        };
        let mut samples = SAMPLES.lock().unwrap_or_else(PoisonError::into_inner);
        samples
            .get_or_insert_with(HashMap::new)
            .entry(key)
            .or_default()
            .push(at.elapsed());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        let s = ms(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&s, 50), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&s, 99), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&ms(&[3, 7]), 99), Some(Duration::from_millis(7)));
        assert_eq!(percentile(&[], 50), None);
    }
}
