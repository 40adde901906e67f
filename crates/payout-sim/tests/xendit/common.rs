//! Helpers: a simulator with fast Xendit timing, a client speaking
//! Xendit's HTTP (Basic auth, `Idempotency-key`, `for-user-id`), orders,
//! and a webhook receiver.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use bytes::Bytes;
use payout_sim::xendit::{XenditConfig, XenditLifecycle};
use payout_sim::{CallbackConfig, SimConfig, SimHandle, Simulator, XENDIT_TEST_SECRET_KEY};
use serde_json::Value;
use tokio::sync::mpsc;

/// `REQUESTED` after 20 ms, final 30 ms later, reversed 20 ms after that.
pub fn fast() -> XenditLifecycle {
    XenditLifecycle::default()
        .requested_after(Some(Duration::from_millis(20)))
        .final_after(Some(Duration::from_millis(30)))
        .reversed_after(Duration::from_millis(20))
}

/// Xendit's webhook schedule divided by 100,000 (9 ms, 27 ms, 72 ms, ...).
pub fn fast_webhooks() -> CallbackConfig {
    CallbackConfig::xendit().time_divisor(100_000)
}

/// The Xendit account with fast timing and no webhook URL.
pub fn xendit() -> XenditConfig {
    XenditConfig::default()
        .lifecycle(fast())
        .webhooks(fast_webhooks())
}

/// Platform callbacks off, `_SLOW` answered after 3 s, a 2 MiB `_HUGE`.
pub fn config(xendit: XenditConfig) -> SimConfig {
    SimConfig::default()
        .callbacks(CallbackConfig::default().enabled(false))
        .slow_delay(Duration::from_secs(3))
        .huge_body_bytes(2 * 1024 * 1024)
        .xendit(xendit)
}

pub async fn start(xendit: XenditConfig) -> SimHandle {
    Simulator::start(config(xendit))
        .await
        .expect("simulator starts")
}

/// Waits (guarded, not a timing assertion) until timers and webhooks settle.
pub async fn idle(sim: &SimHandle) {
    tokio::time::timeout(Duration::from_secs(20), sim.wait_idle())
        .await
        .expect("timers and webhooks settle");
}

/// `Authorization: Basic base64("<key>:")`.
pub fn basic(key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

/// An HTTP answer: status, headers and the body as JSON (`null` if not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["error_code"].as_str().unwrap_or_default()
    }
}

/// A client of the simulated Xendit API.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Option<String>,
    for_user: Option<String>,
}

impl Client {
    /// With the test key and a 5 s timeout.
    pub fn new(sim: &SimHandle) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("client"),
            base: sim.xendit_base_url(),
            auth: Some(basic(XENDIT_TEST_SECRET_KEY)),
            for_user: None,
        }
    }

    /// With another `Authorization` header value (`None`: none).
    pub fn auth(mut self, auth: Option<String>) -> Self {
        self.auth = auth;
        self
    }

    /// Acting for a sub-account.
    pub fn for_user(mut self, id: &str) -> Self {
        self.for_user = Some(id.to_owned());
        self
    }

    /// With a client timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.http = reqwest::Client::builder()
            .timeout(t)
            .build()
            .expect("client");
        self
    }

    /// Sends a request; `Err` when no answer came (timeout, dropped).
    pub async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<String>,
    ) -> Result<Answer, reqwest::Error> {
        let mut b = self.http.request(method, format!("{}{path}", self.base));
        if let Some(a) = &self.auth {
            b = b.header("authorization", a);
        }
        if let Some(u) = &self.for_user {
            b = b.header("for-user-id", u);
        }
        if let Some(k) = key {
            b = b.header("idempotency-key", k);
        }
        if let Some(body) = body {
            b = b.header("content-type", "application/json").body(body);
        }
        let resp = b.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await?;
        Ok(Answer {
            status,
            headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        })
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<String>,
    ) -> Answer {
        self.try_send(method, path, key, body)
            .await
            .expect("an answer")
    }

    /// `POST /v2/payouts` with `key` and the exact body text.
    pub async fn create(&self, key: &str, body: &str) -> Answer {
        self.send(
            reqwest::Method::POST,
            "/v2/payouts",
            Some(key),
            Some(body.to_owned()),
        )
        .await
    }

    pub async fn get(&self, id: &str) -> Answer {
        self.send(
            reqwest::Method::GET,
            &format!("/v2/payouts/{id}"),
            None,
            None,
        )
        .await
    }

    pub async fn list(&self, query: &str) -> Answer {
        self.send(
            reqwest::Method::GET,
            &format!("/v2/payouts?{query}"),
            None,
            None,
        )
        .await
    }

    pub async fn cancel(&self, id: &str) -> Answer {
        self.send(
            reqwest::Method::POST,
            &format!("/v2/payouts/{id}/cancel"),
            None,
            None,
        )
        .await
    }

    /// The `balance` of `currency`, as exact text.
    pub async fn balance(&self, currency: &str) -> String {
        let a = self
            .send(
                reqwest::Method::GET,
                &format!("/balance?account_type=CASH&currency={currency}"),
                None,
                None,
            )
            .await;
        assert_eq!(a.status, 200, "{a:?}");
        a.json["balance"].to_string()
    }
}

/// A create body: `amount` is JSON text written as given.
pub fn order(
    reference: &str,
    channel: &str,
    currency: &str,
    amount: &str,
    account: &str,
) -> String {
    format!(
        r#"{{"reference_id":"{reference}","channel_code":"{channel}","channel_properties":{{"account_number":"{account}","account_holder_name":"Michael Chen"}},"amount":{amount},"description":"July payout","currency":"{currency}"}}"#
    )
}

/// An IDR bank order of 10000 to a succeeding account.
pub fn idr(reference: &str) -> String {
    order(reference, "ID_BCA", "IDR", "10000", "000000000099")
}

/// One webhook as received.
#[derive(Debug)]
pub struct Hook {
    pub headers: HeaderMap,
    pub body: Value,
}

struct Inbox {
    tx: mpsc::UnboundedSender<Hook>,
    refuse: AtomicU32,
}

async fn receive(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = inbox.tx.send(Hook { headers, body });
    if inbox
        .refuse
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    StatusCode::OK
}

/// A webhook receiver refusing the first `refuse` deliveries with 503;
/// returns its URL and what it receives.
pub async fn receiver(refuse: u32) -> (String, mpsc::UnboundedReceiver<Hook>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let inbox = Arc::new(Inbox {
        tx,
        refuse: AtomicU32::new(refuse),
    });
    let app = axum::Router::new()
        .route("/xendit-webhook", axum::routing::post(receive))
        .with_state(inbox);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/xendit-webhook",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

/// The next webhook (a guard against hanging, not a timing assertion).
pub async fn next(rx: &mut mpsc::UnboundedReceiver<Hook>) -> Hook {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("a webhook arrives")
        .expect("receiver alive")
}
