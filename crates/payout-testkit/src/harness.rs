//! [`Harness`]: what every simulator family shares: the callback receiver,
//! one transport with short timeouts (so that faults resolve quickly) and
//! fresh trade numbers.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use payout_core::TradeNo;
use payout_transport::{HttpTransport, RetryPolicy, TransportConfig};

use crate::receiver::{Received, Receiver};

/// Per-attempt client timeout used by the suite.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(1_500);
/// How long the simulator's `_SLOW` fault holds its answer (beyond [`CLIENT_TIMEOUT`]).
pub const SLOW_DELAY: Duration = Duration::from_millis(3_500);
/// Longest wait for something asynchronous (a callback, a final state).
pub const PATIENCE: Duration = Duration::from_secs(15);
/// Attempts per call the suite's transport makes where a retry is safe (a
/// query; a create under an idempotency key).
pub const ATTEMPTS: u32 = 2;
/// Size of the simulator's `_HUGE` answer (beyond the transport's cap).
pub const HUGE_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The receiver, the transport and the trade-number counter a
/// [`crate::SimFamily`] builds on.
pub struct Harness {
    receiver: Receiver,
    transport: HttpTransport,
    counter: AtomicU32,
}

impl Harness {
    /// Starts a callback receiver on 127.0.0.1 and builds the transport.
    ///
    /// # Errors
    /// When the receiver cannot bind or the transport cannot be built.
    pub async fn start() -> Result<Self, String> {
        let receiver = Receiver::start().await?;
        let transport = HttpTransport::new(
            TransportConfig::default()
                .timeout(CLIENT_TIMEOUT)
                .connect_timeout(CLIENT_TIMEOUT)
                .retry(
                    RetryPolicy::default()
                        .attempts(ATTEMPTS)
                        .backoff(Duration::from_millis(10), Duration::from_millis(20)),
                ),
        )
        .map_err(|e| e.to_string())?;
        Ok(Self {
            receiver,
            transport,
            counter: AtomicU32::new(0),
        })
    }

    /// The transport every provider of the suite shares.
    pub fn transport(&self) -> HttpTransport {
        self.transport.clone()
    }

    /// The receiver's URL for a region's callbacks.
    pub fn callback_url(&self, region: &str) -> String {
        self.receiver.url(region)
    }

    /// Makes `provider` the one that verifies `region`'s callbacks.
    pub fn verify_callbacks_with(
        &self,
        region: &str,
        provider: std::sync::Arc<dyn payout_core::PayoutProvider>,
    ) {
        self.receiver.register(region, provider);
    }

    /// Deliveries received so far that the receiver filed under `key` (the
    /// body's top-level `tradeNo`; an empty key for bodies without one).
    pub fn received(&self, key: &str) -> Vec<Received> {
        self.receiver.received(key)
    }

    /// A fresh trade number ending in `suffix` (a simulator scenario).
    ///
    /// # Errors
    /// When the suffix makes it too long.
    pub fn trade_no(&self, suffix: &str) -> Result<TradeNo, String> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        TradeNo::new(format!("CT{n:06}{suffix}")).map_err(|e| e.to_string())
    }
}
