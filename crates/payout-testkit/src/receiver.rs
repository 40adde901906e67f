//! A callback receiver on 127.0.0.1 that verifies every delivery with the
//! provider under test and keeps the raw bodies for tampering scenarios.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use payout_core::{CallbackError, PayoutProvider, PayoutUpdate};
use tokio::net::TcpListener;

/// One delivery as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw body.
    pub body: Bytes,
    /// The provider's verdict: the update, or the error text.
    pub verdict: Result<PayoutUpdate, String>,
    /// Whether the verdict was "unsigned" (content parsed, not trusted).
    pub unsigned: bool,
}

#[derive(Default)]
struct Inner {
    providers: HashMap<String, Arc<dyn PayoutProvider>>,
    by_trade_no: HashMap<String, Vec<Received>>,
}

/// The running receiver.
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Mutex<Inner>>,
    addr: SocketAddr,
}

impl Receiver {
    /// Binds 127.0.0.1:0 and serves in the background.
    pub async fn start() -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("callback receiver cannot bind: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/cb/{region}", post(receive))
            .with_state(Arc::clone(&inner));
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "callback receiver stopped");
            }
        });
        Ok(Self { inner, addr })
    }

    /// The notify URL for a region.
    pub fn url(&self, region: &str) -> String {
        format!("http://{}/cb/{region}", self.addr)
    }

    /// Registers the provider that verifies a region's callbacks.
    pub fn register(&self, region: &str, provider: Arc<dyn PayoutProvider>) {
        lock(&self.inner)
            .providers
            .insert(region.to_owned(), provider);
    }

    /// Deliveries received for a trade number so far.
    pub fn received(&self, trade_no: &str) -> Vec<Received> {
        lock(&self.inner)
            .by_trade_no
            .get(trade_no)
            .cloned()
            .unwrap_or_default()
    }
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(region): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let provider = lock(&inner).providers.get(&region).cloned();
    let Some(provider) = provider else {
        return (StatusCode::NOT_FOUND, "FAIL");
    };
    let (verdict, unsigned) = match provider.verify_callback(&headers, &body) {
        Ok(update) => (Ok(update), false),
        Err(CallbackError::Unsigned(update)) => (Ok(*update), true),
        Err(e) => (Err(e.to_string()), false),
    };
    let reply = if verdict.is_ok() {
        provider.callback_ack()
    } else {
        provider.callback_refusal()
    };
    let trade_no = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("tradeNo").and_then(|t| t.as_str().map(str::to_owned)))
        .unwrap_or_default();
    lock(&inner)
        .by_trade_no
        .entry(trade_no)
        .or_default()
        .push(Received {
            headers,
            body,
            verdict,
            unsigned,
        });
    (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_REQUEST),
        reply.body,
    )
}
