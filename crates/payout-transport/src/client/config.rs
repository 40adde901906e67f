//! Transport settings ([`TransportConfig`], [`RetryPolicy`]).

use std::time::Duration;

use payout_core::retry::RetryPolicy;

/// Settings of the pooled HTTP transport.
///
/// ```
/// use std::time::Duration;
/// use payout_transport::TransportConfig;
/// let c = TransportConfig::default().timeout(Duration::from_secs(10));
/// assert_eq!(c.timeout, Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Limit for establishing a connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// Limit for one whole attempt, body included.
    pub timeout: Duration,
    /// Largest response body accepted; a larger one is an error, not an
    /// out-of-memory.
    pub max_response_bytes: usize,
    /// Idle connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// Retry policy.
    pub retry: RetryPolicy,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_response_bytes: 1024 * 1024,
            pool_max_idle_per_host: 256,
            retry: RetryPolicy::default(),
        }
    }
}

impl TransportConfig {
    /// Sets the per-attempt limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect limit.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the response-size cap.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}
