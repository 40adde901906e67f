//! Latency percentiles and throughput of measured phases.

use std::time::Duration;

/// What one phase of requests measured.
#[derive(Default)]
pub struct Phase {
    /// Latency of each successful request, in nanoseconds (empty when not
    /// recorded).
    pub latencies_ns: Vec<u64>,
    /// Successful requests.
    pub ok: u64,
    /// Failed requests.
    pub errors: u64,
    /// The first failure, to show.
    pub first_error: Option<String>,
    /// Wall time of the phase.
    pub elapsed: Duration,
    /// CPU time the client process used during the phase.
    pub client_cpu: Duration,
    /// CPU time the simulator process used during the phase, when known.
    pub server_cpu: Duration,
}

impl Phase {
    /// Adds another task's or phase's results.
    pub fn merge(&mut self, other: Phase) {
        self.latencies_ns.extend(other.latencies_ns);
        self.ok += other.ok;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.elapsed += other.elapsed;
        self.client_cpu += other.client_cpu;
        self.server_cpu += other.server_cpu;
    }
}

/// Throughput and latency percentiles of several phases of one side.
pub struct Summary {
    /// Successful requests.
    pub ok: u64,
    /// Failed requests.
    pub errors: u64,
    /// The first failure.
    pub first_error: Option<String>,
    /// Successful requests per second of phase wall time.
    pub per_second: f64,
    /// Median latency, microseconds.
    pub p50_us: f64,
    /// 90th percentile latency, microseconds.
    pub p90_us: f64,
    /// 99th percentile latency, microseconds.
    pub p99_us: f64,
    /// Client CPU time per successful request, microseconds.
    pub client_cpu_us: f64,
    /// Simulator CPU time per successful request, microseconds.
    pub server_cpu_us: f64,
}

/// Merges the phases of one side.
pub fn summarize(phases: Vec<Phase>) -> Summary {
    let mut all = Phase::default();
    for p in phases {
        all.merge(p);
    }
    all.latencies_ns.sort_unstable();
    let pct = |p: f64| percentile_us(&all.latencies_ns, p);
    let seconds = all.elapsed.as_secs_f64();
    Summary {
        ok: all.ok,
        errors: all.errors,
        first_error: all.first_error,
        per_second: if seconds > 0.0 {
            all.ok as f64 / seconds
        } else {
            0.0
        },
        p50_us: pct(0.50),
        p90_us: pct(0.90),
        p99_us: pct(0.99),
        client_cpu_us: per_request_us(all.client_cpu, all.ok),
        server_cpu_us: per_request_us(all.server_cpu, all.ok),
    }
}

/// `cpu` per request in microseconds; 0 without requests.
fn per_request_us(cpu: Duration, requests: u64) -> f64 {
    if requests > 0 {
        cpu.as_secs_f64() * 1e6 / requests as f64
    } else {
        0.0
    }
}

/// The `p` quantile (0..1, nearest rank) of sorted nanoseconds, in
/// microseconds; 0 when empty.
pub fn percentile_us(sorted_ns: &[u64], p: f64) -> f64 {
    if sorted_ns.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted_ns.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted_ns.len()) - 1;
    sorted_ns[index] as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile_us(&v, 0.50), 50.0);
        assert_eq!(percentile_us(&v, 0.99), 99.0);
        assert_eq!(percentile_us(&v, 1.0), 100.0);
        assert_eq!(percentile_us(&[7000], 0.5), 7.0);
        assert_eq!(percentile_us(&[], 0.5), 0.0);
    }

    #[test]
    fn summary_merges_phases() {
        let phase = |ok, ms| Phase {
            latencies_ns: vec![1000; ok as usize],
            ok,
            elapsed: Duration::from_millis(ms),
            ..Phase::default()
        };
        let s = summarize(vec![phase(100, 100), phase(300, 100)]);
        assert_eq!(s.ok, 400);
        assert!((s.per_second - 2000.0).abs() < 1e-6);
        assert_eq!(s.p50_us, 1.0);
    }
}
