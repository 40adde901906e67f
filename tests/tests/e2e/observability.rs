//! The `metrics` feature against the simulator: request outcomes,
//! retries, unknown outcomes and callback verdicts are counted, with a
//! simple recorder.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::observed::{exercise, platform, platform_order, world, xendit, xendit_order};

/// A recorder that counts: counters by name and labels, histograms by
/// samples.
#[derive(Default)]
struct Counting {
    counters: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
}

impl Counting {
    fn key(key: &metrics::Key) -> String {
        let mut labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        labels.sort();
        format!("{}{{{}}}", key.name(), labels.join(","))
    }

    fn cell(&self, key: String) -> Arc<AtomicU64> {
        Arc::clone(self.counters.lock().unwrap().entry(key).or_default())
    }

    fn get(&self, key: &str) -> u64 {
        self.counters
            .lock()
            .unwrap()
            .get(key)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }
}

struct Cell(Arc<AtomicU64>);

impl metrics::CounterFn for Cell {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.0.fetch_max(value, Ordering::Relaxed);
    }
}

impl metrics::HistogramFn for Cell {
    fn record(&self, _value: f64) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

impl metrics::Recorder for Counting {
    fn describe_counter(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_gauge(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_histogram(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn register_counter(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Counter {
        metrics::Counter::from_arc(Arc::new(Cell(self.cell(Self::key(key)))))
    }
    fn register_gauge(&self, _: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Gauge {
        metrics::Gauge::noop()
    }
    fn register_histogram(
        &self,
        key: &metrics::Key,
        _: &metrics::Metadata<'_>,
    ) -> metrics::Histogram {
        metrics::Histogram::from_arc(Arc::new(Cell(
            self.cell(format!("samples:{}", Self::key(key))),
        )))
    }
}

#[tokio::test]
async fn metrics_count_outcomes_retries_unknowns_and_callbacks() {
    use payout::metrics::{CALLBACKS, DURATION, OUTCOME_UNKNOWN, REQUESTS, RETRIES};

    let mut w = world();
    let recorder = Counting::default();
    // The test runs on one thread: a thread-local recorder sees it all.
    let _guard = metrics::set_default_local_recorder(&recorder);

    let p = platform(&w.platform_base);
    let order = platform_order(&w.notify_url);
    exercise(&*p, &order, &mut w.callbacks).await;
    // A query answered 502 twice then given up (3 attempts: 2 retries),
    // and a create whose answer never comes: unknown.
    let _ = p
        .query_payout(&payout::TradeNo::new("OBS-Q_502").unwrap())
        .await;
    let mut unknown = order.clone();
    unknown.trade_no = payout::TradeNo::new("OBS-C_DROP").unwrap();
    let err = p.create_payout(&unknown).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");

    let labels = |op: &str| format!("operation={op},provider=paypro,region=indonesia");
    let outcome = |op: &str, outcome: &str| {
        recorder.get(&format!(
            "{REQUESTS}{{operation={op},outcome={outcome},provider=paypro,region=indonesia}}"
        ))
    };
    assert_eq!(outcome("create", "processing"), 1);
    assert_eq!(outcome("create", "unknown"), 1);
    assert_eq!(outcome("balance", "ok"), 1);
    assert_eq!(outcome("cancel", "unsupported"), 1);
    assert!(outcome("query", "processing") + outcome("query", "succeeded") >= 1);
    assert_eq!(
        recorder.get(&format!("{OUTCOME_UNKNOWN}{{{}}}", labels("create"))),
        1
    );
    assert!(recorder.get(&format!("{RETRIES}{{{}}}", labels("query"))) >= 2);
    assert!(recorder.get(&format!("samples:{DURATION}{{{}}}", labels("create"))) >= 2);
    // Xendit: its own label set.
    exercise(&*xendit(&w.xendit_base), &xendit_order(), &mut w.callbacks).await;
    let xendit_create = format!(
        "{REQUESTS}{{operation=create,outcome=processing,provider=xendit,region=indonesia}}"
    );
    assert_eq!(recorder.get(&xendit_create), 1);
    let verdict = |v: &str| {
        recorder.get(&format!(
            "{CALLBACKS}{{provider=paypro,region=indonesia,verdict={v}}}"
        ))
    };
    assert_eq!(verdict("verified"), 1);
    assert_eq!(verdict("bad_signature"), 1);
}
