//! The callback receiver of the suite: a thin wrapper over the SDK's own
//! receiver (`payout::receiver::CallbackReceiver` served by
//! `payout::axum_handler::callback_router` at `/cb/{region}` on 127.0.0.1),
//! with a sink that keeps every verified delivery, by the trade number of
//! its verified update, for the scenarios (raw bodies and headers included,
//! for the tampering scenarios).
//!
//! Refused deliveries (forged, malformed) never reach the sink: the SDK's
//! receiver answers them with the provider's refusal.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use payout::receiver::CallbackReceiver;
use payout_core::{
    async_trait, ApplyDecision, CallbackSink, PayoutProvider, PayoutState, PayoutUpdate, SinkError,
    TradeNo, VerifiedCallback,
};
use tokio::net::TcpListener;

/// The path prefix of the notify URLs.
const PREFIX: &str = "/cb";

/// One delivery as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw body.
    pub body: Bytes,
    /// The provider's verdict: the verified update (only verified
    /// deliveries are recorded; for an unsigned one, what it said).
    pub verdict: Result<PayoutUpdate, String>,
    /// Whether the verdict was "unsigned" (content parsed, not trusted; the
    /// SDK's receiver confirmed it by a query).
    pub unsigned: bool,
    /// The receiver's decision for it.
    pub decision: ApplyDecision,
}

/// Keeps every verified delivery and the state they lead to.
#[derive(Default)]
struct Recorder {
    by_trade_no: Mutex<HashMap<String, Vec<Received>>>,
    known: Mutex<HashMap<(String, String), PayoutState>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl CallbackSink for Recorder {
    async fn known_state(
        &self,
        account: &str,
        trade_no: &TradeNo,
    ) -> Result<Option<PayoutState>, SinkError> {
        Ok(lock(&self.known)
            .get(&(account.to_owned(), trade_no.as_str().to_owned()))
            .copied())
    }

    async fn record(&self, cb: &VerifiedCallback<'_>) -> Result<(), SinkError> {
        let status = &cb.update.status;
        if matches!(cb.decision, ApplyDecision::Apply | ApplyDecision::Reversal) {
            lock(&self.known).insert(
                (cb.account.to_owned(), status.trade_no.as_str().to_owned()),
                status.state,
            );
        }
        let said = cb.unsigned_content.unwrap_or(cb.update);
        lock(&self.by_trade_no)
            .entry(status.trade_no.as_str().to_owned())
            .or_default()
            .push(Received {
                headers: cb.headers.clone(),
                body: Bytes::copy_from_slice(cb.body),
                verdict: Ok(said.clone()),
                unsigned: cb.confirmed_by_query,
                decision: cb.decision,
            });
        Ok(())
    }
}

/// The running receiver.
#[derive(Clone)]
pub struct Receiver {
    receiver: Arc<CallbackReceiver>,
    recorder: Arc<Recorder>,
    addr: SocketAddr,
}

impl Receiver {
    /// Binds 127.0.0.1:0 and serves in the background.
    pub async fn start() -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("callback receiver cannot bind: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let receiver = Arc::new(CallbackReceiver::new());
        let app = payout::axum_handler::callback_router(PREFIX, Arc::clone(&receiver));
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "callback receiver stopped");
            }
        });
        Ok(Self {
            receiver,
            recorder: Arc::new(Recorder::default()),
            addr,
        })
    }

    /// The notify URL for a region.
    pub fn url(&self, region: &str) -> String {
        format!("http://{}{PREFIX}/{region}", self.addr)
    }

    /// Registers the provider that verifies a region's callbacks.
    pub fn register(&self, region: &str, provider: Arc<dyn PayoutProvider>) {
        let sink: Arc<dyn CallbackSink> = self.recorder.clone();
        if let Err(e) = self.receiver.register(region, provider, sink) {
            tracing::warn!(region, error = %e, "region cannot be a callback account");
        }
    }

    /// Deliveries received for a trade number so far.
    pub fn received(&self, trade_no: &str) -> Vec<Received> {
        lock(&self.recorder.by_trade_no)
            .get(trade_no)
            .cloned()
            .unwrap_or_default()
    }
}
