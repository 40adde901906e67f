//! Helpers: a simulator, providers built through the facade exactly as a
//! platform builds them (`payout::Config` + `payout::build`), valid orders
//! per region, and a callback receiver: the SDK's own
//! (`payout::receiver::CallbackReceiver` behind `callback_router`).

use std::sync::Arc;
use std::time::Duration;

use payout::axum_handler::callback_router;
use payout::receiver::CallbackReceiver;
use payout::{
    async_trait, CallbackSink, Config, CreatePayout, PayoutProvider, PayoutState, PayoutUpdate,
    Secret, SinkError, TradeNo, VerifiedCallback,
};
use payout_sim::{CallbackConfig, Lifecycle, SimConfig, SimHandle, Simulator};
use payout_testkit::platform::orders::valid_order;
use tokio::sync::mpsc;

pub use payout_sim::{TEST_MERCHANT_NO, TEST_SECRET};

/// Deterministic: final on the first query, no timer, no callbacks, a
/// `_SLOW` answer well after the tests' 300 ms client timeout.
pub fn config() -> SimConfig {
    SimConfig::default()
        .lifecycle(Lifecycle::on_query(1))
        .callbacks(CallbackConfig::default().enabled(false))
        .slow_delay(Duration::from_secs(2))
}

pub async fn start(config: SimConfig) -> SimHandle {
    Simulator::start(config)
        .await
        .expect("the simulator starts")
}

/// The provider for `brand`/`region` of the simulator, built from a
/// configuration with the documented test pair and a 700 ms timeout
/// (below the 2 s `_SLOW` delay, above a loaded machine's worst answer).
pub fn provider(sim: &SimHandle, brand: &str, region: &str) -> Arc<dyn PayoutProvider> {
    let mut config = Config::new(brand);
    config.region = region.to_owned();
    config.base_url = sim.base_url(brand, region);
    config.merchant_no = TEST_MERCHANT_NO.to_owned();
    config.secret = Some(Secret::new(TEST_SECRET));
    config.timeout_ms = Some(700);
    payout::build(&config).expect("the provider builds")
}

pub fn trade_no(t: &str) -> TradeNo {
    TradeNo::new(t).expect("a valid trade number")
}

/// A notify URL nobody listens on (for tests without callbacks).
pub const NOWHERE: &str = "http://127.0.0.1:9/notify";

/// A valid order for the region (generated from its table), with this
/// trade number and notify URL ([`NOWHERE`] when `None`).
pub fn order(brand: &str, region: &str, t: &str, notify_url: Option<&str>) -> CreatePayout {
    let table = match brand {
        "paypro" => &provider_paypro::BRAND,
        _ => &provider_vexora::BRAND,
    };
    let row = table.region(region).expect("a known region");
    let mut o = valid_order(row).expect("a valid order");
    o.trade_no = trade_no(t);
    o.notify_url = Some(notify_url.unwrap_or(NOWHERE).to_owned());
    o
}

/// Hands every verified update to a channel.
struct Collect(mpsc::UnboundedSender<PayoutUpdate>);

#[async_trait]
impl CallbackSink for Collect {
    async fn known_state(&self, _: &str, _: &TradeNo) -> Result<Option<PayoutState>, SinkError> {
        Ok(None)
    }

    async fn record(&self, cb: &VerifiedCallback<'_>) -> Result<(), SinkError> {
        self.0
            .send(cb.update.clone())
            .map_err(|_| SinkError::new("the test stopped listening"))
    }
}

/// Serves `POST /notify/<brand>-<region>` for each provider with the
/// facade's receiver; returns the base URL and one update stream per
/// provider, in order.
pub async fn receiver(
    providers: &[(&str, &str, Arc<dyn PayoutProvider>)],
) -> (String, Vec<mpsc::UnboundedReceiver<PayoutUpdate>>) {
    let receiver = Arc::new(CallbackReceiver::new());
    let mut streams = Vec::new();
    for (brand, region, p) in providers {
        let (tx, rx) = mpsc::unbounded_channel();
        receiver
            .register(
                &format!("{brand}-{region}"),
                Arc::clone(p),
                Arc::new(Collect(tx)),
            )
            .expect("a valid account name");
        streams.push(rx);
    }
    let app = callback_router("/notify", receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}/notify", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, streams)
}

/// The next update of a stream (a guard against hanging, not a timing
/// assertion).
pub async fn next(rx: &mut mpsc::UnboundedReceiver<PayoutUpdate>) -> PayoutUpdate {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a callback arrives")
        .expect("the receiver is running")
}
