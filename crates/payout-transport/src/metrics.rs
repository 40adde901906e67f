//! Metric names and the recording behind the `metrics` feature.
//!
//! With the feature on, every [`crate::Connector`] operation records
//! through the [`metrics`](https://docs.rs/metrics/0.24) facade, so any
//! recorder the application installs (Prometheus, OpenTelemetry, StatsD)
//! receives them; without it, nothing is recorded and nothing is linked.
//! `docs/observability.md` shows the wiring.
//!
//! | name | kind | labels |
//! |---|---|---|
//! | [`REQUESTS`] | counter | `provider`, `region`, `operation`, `outcome` |
//! | [`DURATION`] | histogram (seconds) | `provider`, `region`, `operation` |
//! | [`RETRIES`] | counter | `provider`, `region`, `operation` |
//! | [`OUTCOME_UNKNOWN`] | counter | `provider`, `region`, `operation` |
//! | [`CALLBACKS`] | counter | `provider`, `region`, `verdict` |
//!
//! `operation` is [`payout_core::Operation::as_str`]; `outcome` is the
//! state reached (`processing`, `succeeded`, ...), `ok` for a balance, or
//! the error's phase ([`payout_core::Error::phase`]: `unknown` for an
//! unknown create outcome); `verdict` is `verified` or
//! [`payout_core::CallbackError::kind`]. No label carries an account,
//! trade number or amount, so label sets stay few.

/// Operations finished, by outcome (counter).
pub const REQUESTS: &str = "payout_requests_total";
/// Operation latency in seconds, retries and pauses included (histogram).
pub const DURATION: &str = "payout_request_duration_seconds";
/// HTTP attempts repeated by the retry policy (counter).
pub const RETRIES: &str = "payout_retries_total";
/// Creates whose outcome is unknown (counter): each needs a query.
pub const OUTCOME_UNKNOWN: &str = "payout_outcome_unknown_total";
/// Callbacks verified or refused, by verdict (counter).
pub const CALLBACKS: &str = "payout_callbacks_total";

/// One finished operation.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
pub(crate) struct Finished<'a> {
    pub(crate) provider: &'static str,
    pub(crate) region: &'a str,
    pub(crate) operation: &'static str,
    pub(crate) outcome: &'static str,
    pub(crate) retries: u32,
    pub(crate) elapsed: std::time::Duration,
}

/// Records a finished operation.
#[cfg(feature = "metrics")]
pub(crate) fn operation(f: &Finished<'_>) {
    let labels = [
        ("provider", f.provider.to_owned()),
        ("region", f.region.to_owned()),
        ("operation", f.operation.to_owned()),
    ];
    let mut with_outcome = labels.to_vec();
    with_outcome.push(("outcome", f.outcome.to_owned()));
    ::metrics::counter!(REQUESTS, &with_outcome).increment(1);
    ::metrics::histogram!(DURATION, &labels).record(f.elapsed);
    if f.retries > 0 {
        ::metrics::counter!(RETRIES, &labels).increment(u64::from(f.retries));
    }
    if f.outcome == "unknown" {
        ::metrics::counter!(OUTCOME_UNKNOWN, &labels).increment(1);
    }
}

/// Records a finished operation (the `metrics` feature is off: nothing).
#[cfg(not(feature = "metrics"))]
pub(crate) fn operation(f: &Finished<'_>) {
    let _ = f;
}

/// Records a callback's verdict.
#[cfg(feature = "metrics")]
pub(crate) fn callback(provider: &'static str, region: &str, verdict: &'static str) {
    let labels = [
        ("provider", provider.to_owned()),
        ("region", region.to_owned()),
        ("verdict", verdict.to_owned()),
    ];
    ::metrics::counter!(CALLBACKS, &labels).increment(1);
}

/// Records a callback's verdict (the `metrics` feature is off: nothing).
#[cfg(not(feature = "metrics"))]
pub(crate) fn callback(provider: &'static str, region: &str, verdict: &'static str) {
    let _ = (provider, region, verdict);
}
