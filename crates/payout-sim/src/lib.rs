//! # payout-sim
//!
//! An offline twin of the PayPro/Vexora payout platform (axum on tokio),
//! for tests, demos and a platform's own CI — and, on the same address
//! below `/xendit`, of Xendit Payouts v2 ([`xendit`],
//! [`SimHandle::xendit_base_url`]).
//!
//! - **Every region of every brand** on one address:
//!   `http://ADDR/<segment><family><endpoint>`, straight from the brands'
//!   region tables (`segment` is the region's published one, else its id):
//!   `http://ADDR/indonesia-pay/v1/paypro/queryPayOutResult`,
//!   `http://ADDR/nigeria/v1/vexora/disbursements`, `http://ADDR/india/v1/paypro/queryBalance`.
//!   [`SimHandle::base_url`] gives the base URL to configure.
//! - **Authenticates like the platform**: `merchantNo` header, MD5 signature
//!   in the body or the `sign` header as the region says, per-merchant
//!   secrets. A bad sign, an unknown merchant, a missing field or a body
//!   that is not a JSON object is answered HTTP 200 with outer `8000` and
//!   a message saying what is wrong.
//! - **The envelope and its type drift** per region ([`Drift`]); query
//!   answers in the region's variant (A: `orderAmount`/`payAmount`
//!   strings; B: `amount` string; C: `amount` a JSON number with 4
//!   decimals and `successTime` always); PayPro Indonesia's balance says
//!   `availablAmount`; Kenya's create answer has `serialNumber`; India's
//!   succeeded query has a `utr`; Mexico's callback `amount` is a number.
//! - **A ledger**: create freezes the amount, success debits it, failure
//!   releases it ([`Balances`]); duplicate `tradeNo` (`8000 duplicate
//!   tradeNo`), insufficient balance and unknown `tradeNo` on query
//!   (`8000 order not found`) are refused.
//! - **A lifecycle**: `0015` until the n-th query or a timer
//!   ([`Lifecycle`]), then the final status the [`Scenario`] picks — by
//!   trade-number suffix (`_FAIL`, `_PROC`, `_UNDOC`, `_LIMIT`, `_DUP`,
//!   `_LATE` and the [`Fault`]s `_SLOW`, `_DROP`, `_RESET`, `_502`, `_500`,
//!   `_TRUNC`, `_HUGE`, `_5000`, `_8000`; see [`scenario`]) or registered
//!   with [`SimHandle::set_scenario`].
//! - **Signed callbacks** to `notifyUrl` (Kenya: unsigned, no timestamp),
//!   retried until the merchant answers `OK` on the documented schedule,
//!   scalable ([`CallbackConfig`]); every delivery is recorded
//!   ([`SimHandle::deliveries`]).
//! - **Counters** per trade number and endpoint of authenticated requests
//!   ([`SimHandle::request_count`]) to assert "sent exactly once"; refused
//!   traffic stores nothing ([`SimHandle::counted_trade_nos`]).
//! - **Callback amounts** written as each region writes them: integer
//!   currencies as integers (Mexico's number `150`, not `150.00`).
//! - **Xendit Payouts v2** below `/xendit`: Basic auth with
//!   [`XENDIT_TEST_SECRET_KEY`], idempotency keys, validation, a ledger,
//!   the documented test account numbers, webhooks with
//!   [`XENDIT_TEST_CALLBACK_TOKEN`], faults and an optional rate limit
//!   (see [`xendit`]).
//!
//! ```no_run
//! use std::time::Duration;
//! use payout_core::{ProviderSettings, Secret, TradeNo, PayoutProvider, PayoutState};
//! use payout_sim::{Lifecycle, SimConfig, Simulator, TEST_MERCHANT_NO, TEST_SECRET};
//! use payout_transport::{HttpTransport, TransportConfig};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::start(SimConfig::default().lifecycle(Lifecycle::on_query(1))).await?;
//! let settings = ProviderSettings::new(
//!     "nigeria", sim.base_url("vexora", "nigeria"), TEST_MERCHANT_NO, Secret::new(TEST_SECRET));
//! let provider = provider_vexora::BRAND.provider(&settings, HttpTransport::new(TransportConfig::default())?)?;
//! let err = provider.query_payout(&TradeNo::new("never-created")?).await.unwrap_err();
//! assert_eq!(err.phase(), "rejected"); // 8000 "order not found"
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! As a server (what `payout sim` does):
//!
//! ```no_run
//! # async fn run() -> Result<(), payout_sim::SimError> {
//! let sim = payout_sim::Simulator::bind(payout_sim::SimConfig::default()).await?;
//! let addr = sim.local_addr(); // print it, then serve
//! sim.run_until(async { let _ = tokio::signal::ctrl_c().await; }).await;
//! # Ok(()) }
//! ```

mod auth;
mod background;
mod callbacks;
pub mod config;
mod envelope;
pub mod faults;
mod handle;
mod handler;
mod protocol;
mod routes;
pub mod scenario;
mod server;
mod shared;
mod state;
mod validate;
pub mod xendit;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use background::BackgroundSimulator;
pub use callbacks::{Delivery, DeliveryKind};
pub use config::{
    default_brands, CallbackConfig, Lifecycle, MerchantConfig, SimConfig, SPEC_CALLBACK_SCHEDULE,
    SPEC_XENDIT_WEBHOOK_SCHEDULE, TEST_MERCHANT_NO, TEST_SECRET,
};
pub use envelope::Drift;
pub use faults::Fault;
pub use handle::{ServedRegion, SimHandle};
pub use protocol::Protocol;
pub use routes::Endpoint;
pub use scenario::{FaultScope, Scenario, LIMIT_STATUS, UNDOCUMENTED_STATUS};
pub use state::{Balances, PayoutSnapshot};
pub use xendit::{XenditConfig, XENDIT_TEST_CALLBACK_TOKEN, XENDIT_TEST_SECRET_KEY};

use shared::Shared;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}; pick a free port (or port 0 for any)")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is unusable.
    #[error("invalid simulator configuration: {0}")]
    Config(String),
    /// The runtime of a [`BackgroundSimulator`] could not be built.
    #[error("cannot start the simulator's runtime: {0}; check the thread and file limits")]
    Runtime(#[source] std::io::Error),
}

/// A simulator bound to its address, not yet serving: read
/// [`Simulator::local_addr`], then [`Simulator::spawn`] or
/// [`Simulator::run_until`].
#[derive(Debug)]
pub struct Simulator {
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

impl Simulator {
    /// Checks the configuration and binds `config.addr`.
    ///
    /// # Errors
    /// [`SimError::Config`] for an unusable configuration (no merchant, a
    /// merchant number that is not digits, an empty secret, two regions
    /// sharing a URL), [`SimError::Bind`] when the address is taken.
    pub async fn bind(config: SimConfig) -> Result<Self, SimError> {
        let (shutdown, stop) = watch::channel(false);
        let shared = Shared::new(&config, stop).map_err(SimError::Config)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| SimError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: config.addr,
            source,
        })?;
        Ok(Self {
            listener,
            addr,
            shared: Arc::new(shared),
            shutdown,
        })
    }

    /// Binds and starts serving in the background.
    ///
    /// # Errors
    /// As [`Simulator::bind`].
    pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        Ok(Self::bind(config).await?.spawn())
    }

    /// The bound address (the real port when `:0` was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts serving in the background.
    pub fn spawn(self) -> SimHandle {
        let mut router = axum::Router::new();
        if self.shared.xendit.config.enabled {
            router = router
                .route("/xendit", axum::routing::any(xendit::handle))
                .route("/xendit/{*rest}", axum::routing::any(xendit::handle));
        }
        let router = router
            .fallback(handler::handle)
            .with_state(Arc::clone(&self.shared));
        let task = tokio::spawn(server::accept_loop(
            self.listener,
            router,
            self.shutdown.subscribe(),
        ));
        tracing::info!(addr = %self.addr, "payout simulator listening");
        SimHandle {
            shared: self.shared,
            addr: self.addr,
            shutdown: self.shutdown,
            task: Some(task),
        }
    }

    /// Serves until `signal` resolves, then shuts down.
    pub async fn run_until(self, signal: impl Future<Output = ()>) {
        let handle = self.spawn();
        signal.await;
        handle.shutdown().await;
    }
}

/// Serves `config` on `addr` until Ctrl-C. The bound address is logged
/// (`tracing`, info); to print it first, use [`Simulator::bind`] and
/// [`Simulator::run_until`].
///
/// # Errors
/// As [`Simulator::bind`].
pub async fn serve(addr: SocketAddr, config: SimConfig) -> Result<(), SimError> {
    let sim = Simulator::bind(config.addr(addr)).await?;
    sim.run_until(async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C; serving until the process ends");
            std::future::pending::<()>().await;
        }
    })
    .await;
    Ok(())
}
