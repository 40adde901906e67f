//! The state every request handler and background task shares: routes,
//! merchants, the ledger, registered scenarios, callbacks, counters, the
//! Xendit side and the shutdown signal.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use payout_transport::Signer;
use tokio::sync::{watch, Notify};

use crate::callbacks::{self, CallbackHub, CallbackJob};
use crate::config::{Lifecycle, SimConfig};
use crate::envelope::now_ms;
use crate::routes::{Endpoint, Routes};
use crate::scenario::Scenario;
use crate::state::{settle, Ledger};
use crate::xendit::XenditState;

/// A merchant as the simulator authenticates it: one signer per brand,
/// from the brand's [`payout_platform::Scheme`].
#[derive(Debug)]
pub(crate) struct Merchant {
    pub no: String,
    signers: Vec<Box<dyn Signer>>,
}

impl Merchant {
    /// The signer for the brand at `brand_index` in the configuration.
    pub(crate) fn signer(&self, brand_index: usize) -> &dyn Signer {
        self.signers[brand_index].as_ref()
    }
}

/// Shared by every handler and task.
#[derive(Debug)]
pub(crate) struct Shared {
    pub routes: Routes,
    pub merchants: Vec<Merchant>,
    merchant_index: HashMap<String, usize>,
    pub ledger: Ledger,
    pub callbacks: CallbackHub,
    pub xendit: XenditState,
    pub lifecycle: Lifecycle,
    pub slow_delay: Duration,
    pub huge_body_bytes: usize,
    scenarios: RwLock<HashMap<String, Scenario>>,
    any_scenario: AtomicBool,
    next_id: AtomicU64,
    totals: [AtomicU64; 3],
    pending: AtomicUsize,
    idle: Notify,
    shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn new(config: &SimConfig, shutdown: watch::Receiver<bool>) -> Result<Self, String> {
        config.validate()?;
        let routes = Routes::build(&config.brands)?;
        let merchants: Vec<Merchant> = config
            .merchants
            .iter()
            .map(|m| Merchant {
                no: m.merchant_no.clone(),
                signers: config
                    .brands
                    .iter()
                    .map(|b| b.scheme.signer(&m.secret))
                    .collect(),
            })
            .collect();
        let merchant_index = merchants
            .iter()
            .enumerate()
            .map(|(i, m)| (m.no.clone(), i))
            .collect();
        Ok(Self {
            ledger: Ledger::new(&routes, &config.merchants),
            routes,
            merchants,
            merchant_index,
            callbacks: CallbackHub::new(config.callbacks.clone(), config.xendit.webhooks.clone())?,
            xendit: XenditState::new(&config.xendit)?,
            lifecycle: config.lifecycle,
            slow_delay: config.slow_delay,
            huge_body_bytes: config.huge_body_bytes,
            scenarios: RwLock::new(HashMap::new()),
            any_scenario: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            totals: Default::default(),
            pending: AtomicUsize::new(0),
            idle: Notify::new(),
            shutdown,
        })
    }

    /// The index of a merchant number.
    pub(crate) fn merchant(&self, merchant_no: &str) -> Option<usize> {
        self.merchant_index.get(merchant_no).copied()
    }

    /// The scenario of a trade number: registered, else read from its suffixes.
    pub(crate) fn scenario(&self, trade_no: &str) -> Scenario {
        self.registered_scenario(trade_no)
            .unwrap_or_else(|| Scenario::from_trade_no(trade_no))
    }

    /// The scenario registered for a trade number (or Xendit reference) with
    /// [`crate::SimHandle::set_scenario`], if any.
    pub(crate) fn registered_scenario(&self, trade_no: &str) -> Option<Scenario> {
        if !self.any_scenario.load(Ordering::Acquire) {
            return None;
        }
        self.scenarios
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(trade_no)
            .cloned()
    }

    pub(crate) fn set_scenario(&self, trade_no: String, scenario: Scenario) {
        self.scenarios
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(trade_no, scenario);
        self.any_scenario.store(true, Ordering::Release);
    }

    /// A fresh platform trade number.
    pub(crate) fn next_platform_trade_no(&self) -> String {
        format!("SIM{:014}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    pub(crate) fn count_total(&self, endpoint: Endpoint) {
        self.totals[endpoint.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn total(&self, endpoint: Endpoint) -> u64 {
        self.totals[endpoint.index()].load(Ordering::Relaxed)
    }

    /// Resolves when the simulator shuts down.
    pub(crate) async fn cancelled(&self) {
        let mut rx = self.shutdown.clone();
        // An error means the sender is gone: shut down as well.
        let _ = rx.wait_for(|stop| *stop).await;
    }

    /// Sleeps, or returns early on shutdown.
    pub(crate) async fn sleep(&self, d: Duration) {
        tokio::select! {
            () = tokio::time::sleep(d) => {}
            () = self.cancelled() => {}
        }
    }

    /// Runs background work (a timer or callbacks) until done or shutdown,
    /// counted as pending for [`Shared::wait_idle`].
    pub(crate) fn spawn(self: &Arc<Self>, work: impl Future<Output = ()> + Send + 'static) {
        self.pending.fetch_add(1, Ordering::AcqRel);
        let guard = Pending(Arc::clone(self));
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            let _guard = guard;
            tokio::select! {
                () = work => {}
                () = shared.cancelled() => {}
            }
        });
    }

    /// Delivers callbacks in the background.
    pub(crate) fn spawn_callbacks(self: &Arc<Self>, job: Option<CallbackJob>) {
        if let Some(job) = job {
            let shared = Arc::clone(self);
            self.spawn(async move { shared.callbacks.run(job).await });
        }
    }

    /// Settles a payout `after` its creation (the timer rule).
    pub(crate) fn schedule_final(
        self: &Arc<Self>,
        region: usize,
        merchant: usize,
        trade_no: String,
        after: Duration,
    ) {
        let shared = Arc::clone(self);
        self.spawn(async move {
            tokio::time::sleep(after).await;
            let job = shared.finalize(region, merchant, &trade_no);
            shared.spawn_callbacks(job);
        });
    }

    /// Settles a payout now, returning its callbacks if it changed.
    pub(crate) fn finalize(
        &self,
        region: usize,
        merchant: usize,
        trade_no: &str,
    ) -> Option<CallbackJob> {
        let ctx = &self.routes.regions[region];
        let mut shard = self.ledger.shard(region);
        let account = shard.accounts.get_mut(merchant)?;
        let p = account.payouts.get_mut(trade_no)?;
        if !settle(p, &mut account.balances, ctx.region.zone) {
            return None;
        }
        callbacks::final_job(
            self.callbacks.config(),
            ctx,
            self.merchants[merchant].signer(ctx.brand_index),
            trade_no,
            p,
            now_ms(),
        )
    }

    /// Work still pending (timers and callback deliveries).
    pub(crate) fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// Resolves when no timer or callback delivery is pending.
    pub(crate) async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.pending() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// Decrements the pending count when background work ends (or is cancelled).
struct Pending(Arc<Shared>);

impl Drop for Pending {
    fn drop(&mut self) {
        if self.0.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}
