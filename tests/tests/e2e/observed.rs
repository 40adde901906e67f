//! A world for observing the SDK: the simulator and a callback receiver
//! on a runtime and thread of their own (so that only the SDK's logs reach
//! a test's subscriber), providers of a platform brand and of Xendit built
//! through the facade, orders full of personal data, and one run of every
//! operation. Shared by `e2e/observability.rs` (metrics) and `logs.rs`
//! (nothing secret or personal at TRACE).

use std::sync::Arc;
use std::time::Duration;

use payout::{
    Beneficiary, Config, Contact, CreatePayout, PayoutProvider, PayoutRef, PayoutUpdate, Secret,
};
use payout_sim::{
    CallbackConfig, Lifecycle, SimConfig, Simulator, XenditConfig, TEST_MERCHANT_NO, TEST_SECRET,
    XENDIT_TEST_CALLBACK_TOKEN, XENDIT_TEST_SECRET_KEY,
};
use tokio::sync::mpsc;

use crate::common::order;

/// A sub-account id, to check that the account is logged masked.
pub const FOR_USER: &str = "5f9a3fbd571a1c4068aa40ce";

/// A callback as it arrived: headers and body.
pub type Arrived = (http::HeaderMap, Vec<u8>);

/// The simulator and a callback receiver, on a runtime of their own in
/// their own thread, so that only the SDK's logs reach the test's
/// subscriber. Returns the simulator's address for the platform brand and
/// Xendit, the receiver's URL, the callbacks and a stop switch.
pub struct World {
    pub platform_base: String,
    pub xendit_base: String,
    pub notify_url: String,
    pub callbacks: mpsc::UnboundedReceiver<Arrived>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn world() -> World {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (cb_tx, cb_rx) = mpsc::unbounded_channel::<Arrived>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let receiver = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let notify_url = format!("http://{}/notify", receiver.local_addr().expect("addr"));
            let app = axum::Router::new().fallback(
                move |headers: http::HeaderMap, body: axum::body::Bytes| {
                    let tx = cb_tx.clone();
                    async move {
                        let _ = tx.send((headers, body.to_vec()));
                        "OK"
                    }
                },
            );
            tokio::spawn(async move {
                let _ = axum::serve(receiver, app).await;
            });
            let quick = vec![Duration::from_millis(10)];
            let sim = Simulator::start(
                SimConfig::default()
                    .lifecycle(Lifecycle::on_query(1))
                    .callbacks(
                        CallbackConfig::default()
                            .schedule(quick.clone())
                            .on_accept(true),
                    )
                    .xendit(
                        XenditConfig::default()
                            .webhook_url(notify_url.clone())
                            .webhooks(CallbackConfig::xendit().schedule(quick)),
                    ),
            )
            .await
            .expect("the simulator starts");
            ready_tx
                .send((
                    sim.base_url("paypro", "indonesia"),
                    sim.xendit_base_url(),
                    notify_url,
                ))
                .expect("the test waits");
            let _ = stop_rx.await;
            sim.shutdown().await;
        });
    });
    let (platform_base, xendit_base, notify_url) = ready_rx.recv().expect("the world starts");
    World {
        platform_base,
        xendit_base,
        notify_url,
        callbacks: cb_rx,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}

pub fn platform(base: &str) -> Arc<dyn PayoutProvider> {
    let mut c = Config::new("paypro");
    c.region = "indonesia".into();
    c.base_url = base.into();
    c.merchant_no = TEST_MERCHANT_NO.into();
    c.secret = Some(Secret::new(TEST_SECRET));
    c.timeout_ms = Some(5000);
    c.headers
        .insert("X-Egress-Route".into(), Secret::new("route-eu-1"));
    payout::build(&c).expect("the provider builds")
}

pub fn xendit(base: &str) -> Arc<dyn PayoutProvider> {
    let mut c = Config::new("xendit");
    c.region = "indonesia".into();
    c.base_url = base.into();
    c.secret = Some(Secret::new(XENDIT_TEST_SECRET_KEY));
    c.callback_token = Some(Secret::new(XENDIT_TEST_CALLBACK_TOKEN));
    c.for_user_id = Some(FOR_USER.into());
    c.timeout_ms = Some(5000);
    payout::build(&c).expect("the provider builds")
}

/// The platform order: the region's valid order, with a remark naming
/// the beneficiary and an e-mail added where it has none.
pub fn platform_order(notify_url: &str) -> CreatePayout {
    let mut o = order("paypro", "indonesia", "OBS-PLATFORM-1", Some(notify_url));
    // Free text that names the beneficiary, as merchants write it.
    o.remark = Some("salary for Aurelia Quintero".into());
    o.contact
        .email
        .get_or_insert_with(|| "aurelia.quintero@example.com".into());
    o
}

pub fn xendit_order() -> CreatePayout {
    CreatePayout::new(
        payout::TradeNo::new("OBS-XENDIT-1").expect("trade number"),
        payout::parse_amount("15000").expect("amount"),
        Beneficiary::bank("ID_BCA", "8812345678901"),
    )
    .remark("payout for Aurelia")
    .contact(Contact {
        name: Some("Aurelia Quintero".into()),
        email: Some("aurelia.quintero@example.com".into()),
        mobile: Some("+6281234567890".into()),
        ..Contact::default()
    })
}

async fn next_callback(rx: &mut mpsc::UnboundedReceiver<Arrived>) -> Arrived {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a callback arrives")
        .expect("the receiver runs")
}

/// Waits for a callback about `trade_no` and verifies it.
async fn callback_for(
    rx: &mut mpsc::UnboundedReceiver<Arrived>,
    provider: &dyn PayoutProvider,
    trade_no: &str,
) -> PayoutUpdate {
    loop {
        let (headers, body) = next_callback(rx).await;
        if !String::from_utf8_lossy(&body).contains(trade_no) {
            continue;
        }
        return provider
            .verify_callback(&headers, &body)
            .expect("an authentic callback");
    }
}

/// Runs every operation of `provider` once (and a forged callback).
pub async fn exercise(
    provider: &dyn PayoutProvider,
    order: &CreatePayout,
    callbacks: &mut mpsc::UnboundedReceiver<Arrived>,
) {
    provider.create_payout(order).await.expect("created");
    let _ = callback_for(callbacks, provider, order.trade_no.as_str()).await;
    let _ = provider
        .query_payout(&order.trade_no)
        .await
        .expect("queried");
    let _ = provider.balance().await.expect("balance");
    // Cancel: offered by Xendit, not by the platform; either way it runs
    // in its span.
    let _ = provider
        .cancel_payout(&PayoutRef::TradeNo(order.trade_no.clone()))
        .await;
    let forged = http::HeaderMap::new();
    let _ = provider
        .verify_callback(
            &forged,
            br#"{"tradeNo":"OBS-FORGED","status":"0000","sign":"00"}"#,
        )
        .unwrap_err();
}
