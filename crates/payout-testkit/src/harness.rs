//! [`Harness`]: the simulator, the callback receiver and providers wired
//! for the suite, with short timeouts so faults resolve quickly.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use payout_core::{CreatePayout, PayoutProvider, ProviderSettings, Secret, TradeNo};
use payout_platform::Brand;
use payout_sim::{
    CallbackConfig, Lifecycle, SimConfig, SimHandle, Simulator, TEST_MERCHANT_NO, TEST_SECRET,
};
use payout_transport::{HttpTransport, RetryPolicy, TransportConfig};

use crate::receiver::{Received, Receiver};

/// Per-attempt client timeout used by the suite.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(1_500);
/// How long the simulator's `_SLOW` fault holds its answer (beyond [`CLIENT_TIMEOUT`]).
pub const SLOW_DELAY: Duration = Duration::from_millis(3_500);
/// Longest wait for something asynchronous (a callback, a final state).
pub const PATIENCE: Duration = Duration::from_secs(15);

/// Everything a scenario needs.
pub struct Harness {
    /// The simulator serving the brand under test.
    pub sim: SimHandle,
    /// The brand under test.
    pub brand: &'static Brand,
    receiver: Receiver,
    transport: HttpTransport,
    counter: AtomicU32,
}

impl Harness {
    /// Starts a simulator serving `brand` (fast lifecycle and callback
    /// schedule) and a callback receiver.
    ///
    /// # Errors
    /// When either cannot start.
    pub async fn start(brand: &'static Brand) -> Result<Self, String> {
        let config = SimConfig::default()
            .brands(vec![brand])
            .lifecycle(Lifecycle::on_query(2).after(Some(Duration::from_millis(150))))
            .callbacks(CallbackConfig::default().time_divisor(1000))
            .slow_delay(SLOW_DELAY)
            .huge_body_bytes(4 * 1024 * 1024);
        let sim = Simulator::start(config).await.map_err(|e| e.to_string())?;
        let receiver = Receiver::start().await?;
        let transport = HttpTransport::new(
            TransportConfig::default()
                .timeout(CLIENT_TIMEOUT)
                .connect_timeout(CLIENT_TIMEOUT)
                .retry(
                    RetryPolicy::default()
                        .attempts(2)
                        .backoff(Duration::from_millis(10), Duration::from_millis(20)),
                ),
        )
        .map_err(|e| e.to_string())?;
        Ok(Self {
            sim,
            brand,
            receiver,
            transport,
            counter: AtomicU32::new(0),
        })
    }

    /// A provider for `region` with the simulator's test merchant; it also
    /// verifies the region's callbacks at the receiver.
    ///
    /// # Errors
    /// When the provider refuses the settings.
    pub fn provider(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String> {
        let p = self.provider_with_secret(region, TEST_SECRET)?;
        self.receiver.register(region, Arc::clone(&p));
        Ok(p)
    }

    /// A provider for `region` signing with another secret.
    ///
    /// # Errors
    /// When the provider refuses the settings.
    pub fn provider_with_secret(
        &self,
        region: &str,
        secret: &str,
    ) -> Result<Arc<dyn PayoutProvider>, String> {
        let base = self
            .sim
            .try_base_url(self.brand.id, region)
            .ok_or_else(|| format!("the simulator does not serve {} {region}", self.brand.id))?;
        let settings = ProviderSettings::new(region, base, TEST_MERCHANT_NO, Secret::new(secret));
        self.brand
            .provider(&settings, self.transport.clone())
            .map(|p| Arc::new(p) as Arc<dyn PayoutProvider>)
            .map_err(|e| e.to_string())
    }

    /// A fresh trade number ending in `suffix` (a simulator scenario).
    ///
    /// # Errors
    /// When the suffix makes it too long.
    pub fn trade_no(&self, suffix: &str) -> Result<TradeNo, String> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        TradeNo::new(format!("CT{n:06}{suffix}")).map_err(|e| e.to_string())
    }

    /// A valid order for `region` with a fresh trade number ending in
    /// `suffix`, notifying the receiver.
    ///
    /// # Errors
    /// When the region's table gives no valid order.
    pub fn order(&self, region: &str, suffix: &str) -> Result<CreatePayout, String> {
        let row = self
            .brand
            .region(region)
            .ok_or_else(|| format!("{} has no region {region}", self.brand.id))?;
        let mut order = crate::platform::orders::valid_order(row)?;
        order.trade_no = self.trade_no(suffix)?;
        if self.observes_callbacks(region) {
            order.notify_url = Some(self.receiver.url(region));
        }
        // An https-only region keeps the sample https URL: the receiver
        // speaks plain HTTP, so its callbacks are not observed.
        Ok(order)
    }

    /// Whether the receiver can observe this region's callbacks.
    pub fn observes_callbacks(&self, region: &str) -> bool {
        self.brand
            .region(region)
            .is_some_and(|r| r.notify_url != payout_platform::NotifyUrlRule::RequiredHttps)
    }

    /// Waits until `done` holds for the deliveries of `trade_no`, at most
    /// [`PATIENCE`]; returns them either way.
    pub async fn callbacks_until(
        &self,
        trade_no: &TradeNo,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let got = self.receiver.received(trade_no.as_str());
            if done(&got) || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the simulator.
    pub async fn shutdown(self) {
        self.sim.shutdown().await;
    }
}
