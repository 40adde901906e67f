//! [`SimHandle`]: a running simulator's address, URLs, ledger, counters,
//! scenarios and callback records.

use std::net::SocketAddr;
use std::sync::Arc;

use payout_platform::status_code::state_of;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::callbacks::Delivery;
use crate::envelope::Drift;
use crate::routes::Endpoint;
use crate::scenario::Scenario;
use crate::shared::Shared;
use crate::state::{Balances, PayoutSnapshot};

/// One region the simulator serves.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServedRegion {
    /// Brand id (`paypro`, `vexora`).
    pub brand: &'static str,
    /// Region id (`indonesia`, `south-korea`, ...).
    pub region: &'static str,
    /// The base URL to configure (`http://ADDR/<segment>`).
    pub base_url: String,
}

/// A running simulator. Dropping it shuts the simulator down.
///
/// ```no_run
/// use payout_sim::{Endpoint, SimConfig, Simulator};
/// # async fn run() -> Result<(), payout_sim::SimError> {
/// let sim = Simulator::start(SimConfig::default()).await?;
/// let base = sim.base_url("paypro", "indonesia");
/// assert!(base.ends_with("/indonesia-pay"));
/// // ... point a provider at `base`, create and query payouts ...
/// assert_eq!(sim.request_count("PO-1", Endpoint::Create), 0);
/// sim.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SimHandle {
    pub(crate) shared: Arc<Shared>,
    pub(crate) addr: SocketAddr,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of a region (`http://ADDR/<segment>`), or `None` for a
    /// brand or region it does not serve.
    pub fn try_base_url(&self, brand: &str, region: &str) -> Option<String> {
        let i = self.shared.routes.find(brand, region)?;
        Some(format!(
            "http://{}/{}",
            self.addr, self.shared.routes.regions[i].segment
        ))
    }

    /// The base URL of a region. For a pair it does not serve, the URL
    /// still has the region id as segment, and requests to it get HTTP 404.
    pub fn base_url(&self, brand: &str, region: &str) -> String {
        self.try_base_url(brand, region)
            .unwrap_or_else(|| format!("http://{}/{region}", self.addr))
    }

    /// Every region served, in table order.
    pub fn regions(&self) -> Vec<ServedRegion> {
        self.shared
            .routes
            .regions
            .iter()
            .map(|c| ServedRegion {
                brand: c.brand.id,
                region: c.region.id,
                base_url: format!("http://{}/{}", self.addr, c.segment),
            })
            .collect()
    }

    /// The envelope drift of a region.
    pub fn drift(&self, brand: &str, region: &str) -> Option<Drift> {
        let i = self.shared.routes.find(brand, region)?;
        Some(self.shared.routes.regions[i].drift)
    }

    /// How many authenticated requests naming `trade_no` (a valid one, at
    /// most 32 characters) reached `endpoint`, in any region, whether the
    /// simulator then accepted or refused them (always 0 for
    /// [`Endpoint::Balance`]). Requests refused before that (no or unknown
    /// `merchantNo`, bad signature, missing or over-long `tradeNo`) are
    /// not counted.
    pub fn request_count(&self, trade_no: &str, endpoint: Endpoint) -> u32 {
        self.shared
            .ledger
            .regions()
            .map(|r| self.shared.ledger.shard(r).count_of(trade_no, endpoint))
            .sum()
    }

    /// How many distinct trade numbers the request counters hold, over all
    /// regions: the simulator's memory per trade number, which refused
    /// requests never grow.
    pub fn counted_trade_nos(&self) -> usize {
        self.shared
            .ledger
            .regions()
            .map(|r| self.shared.ledger.shard(r).counted_trade_nos())
            .sum()
    }

    /// How many requests reached `endpoint` in all.
    pub fn total_requests(&self, endpoint: Endpoint) -> u64 {
        self.shared.total(endpoint)
    }

    /// Registers the scenario of a trade number (or Xendit reference),
    /// replacing what its suffixes say. Applies to requests arriving from
    /// now on. On Xendit its faults and duplicate webhook apply, and the
    /// outcome still follows the account number.
    pub fn set_scenario(&self, trade_no: impl Into<String>, scenario: Scenario) {
        self.shared.set_scenario(trade_no.into(), scenario);
    }

    /// A merchant's balances in one region.
    pub fn ledger(&self, brand: &str, region: &str, merchant_no: &str) -> Option<Balances> {
        let r = self.shared.routes.find(brand, region)?;
        let m = self.shared.merchant(merchant_no)?;
        Some(self.shared.ledger.shard(r).accounts[m].balances)
    }

    /// Every payout held, sorted by brand, region and trade number.
    pub fn payouts(&self) -> Vec<PayoutSnapshot> {
        let mut out = Vec::new();
        for r in self.shared.ledger.regions() {
            let ctx = &self.shared.routes.regions[r];
            let shard = self.shared.ledger.shard(r);
            for (m, account) in shard.accounts.iter().enumerate() {
                for (trade_no, p) in &account.payouts {
                    out.push(PayoutSnapshot {
                        trade_no: trade_no.clone(),
                        platform_trade_no: p.platform_trade_no.clone(),
                        brand: ctx.brand.id,
                        region: ctx.region.id,
                        merchant_no: self.shared.merchants[m].no.clone(),
                        status: p.status.to_string(),
                        state: state_of(&p.status),
                        amount: p.amount,
                        currency: ctx.region.currency,
                    });
                }
            }
        }
        out.sort_by(|a, b| (a.brand, a.region, &a.trade_no).cmp(&(b.brand, b.region, &b.trade_no)));
        out
    }

    /// The payout held under `trade_no` (the first, if several merchants
    /// or regions use it).
    pub fn payout(&self, trade_no: &str) -> Option<PayoutSnapshot> {
        self.payouts().into_iter().find(|p| p.trade_no == trade_no)
    }

    /// Every callback delivery so far, in the order they started.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.callbacks.records()
    }

    /// The callback deliveries of one trade number.
    pub fn deliveries_for(&self, trade_no: &str) -> Vec<Delivery> {
        let mut all = self.deliveries();
        all.retain(|d| d.trade_no == trade_no);
        all
    }

    /// Timers and callback deliveries still pending.
    pub fn pending_work(&self) -> usize {
        self.shared.pending()
    }

    /// Resolves when no timer or callback delivery is pending. With the
    /// real-time retry schedule a refused callback keeps it pending for
    /// hours: wrap it in a timeout, or scale the schedule down.
    pub async fn wait_idle(&self) {
        self.shared.wait_idle().await;
    }

    /// Stops accepting, ends every connection, timer and callback, and
    /// waits for the accept loop to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}
