//! With tracing at TRACE, nothing logged on any path (success, retries,
//! failures, callbacks, validation) holds the secret.

mod common;
#[path = "http_faults/server.rs"]
mod server;

use std::io;
use std::sync::{Arc, Mutex};

use common::{accepted, seed_trade_no, DEMO};
use http::HeaderMap;
use payout_core::PayoutProvider;
use payout_testkit::platform::{
    callbacks::NOTIFY_VECTOR, ensure_secret_free, orders::valid_order, provider_at, region,
};
use payout_transport::{RetryPolicy, TransportConfig};
use server::{Reply, Server};

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

async fn provider_on(reply: Reply) -> (Server, payout_platform::PlatformProvider) {
    let server = Server::start(reply, false);
    let config = TransportConfig::default()
        .timeout(std::time::Duration::from_secs(5))
        .retry(RetryPolicy::default().attempts(2).backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        ));
    let p = provider_at(&DEMO, "body", &server.base_url("body-pay"), config).unwrap();
    (server, p)
}

#[tokio::test]
async fn no_log_line_holds_the_secret() {
    let logs = Logs::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let order = valid_order(region(&DEMO, "body").unwrap()).unwrap();
    let ok = accepted(r#"{"tradeNo":"PO20241011120000001","status":"0015","availableAmount":"1"}"#);
    let (_s, p) = provider_on(Reply::json(ok)).await;
    p.create_payout(&order).await.unwrap();
    p.balance().await.unwrap();
    let (_s, p) = provider_on(Reply::status(502).body("text/html", "<html>bad</html>")).await;
    let _ = p.query_payout(&seed_trade_no()).await.unwrap_err();
    let _ = p.create_payout(&order).await.unwrap_err();
    let mut bad = order.clone();
    bad.amount = -bad.amount;
    let _ = p.validate_payout(&bad).unwrap_err();
    for body in [NOTIFY_VECTOR, &NOTIFY_VECTOR.replace("30000", "1"), "{}"] {
        let _ = p.verify_callback(&HeaderMap::new(), body.as_bytes());
    }

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    for expected in ["payout.create", "retrying", "answered"] {
        assert!(
            text.contains(expected),
            "logs not captured ({expected}): {text}"
        );
    }
    ensure_secret_free("the logs", &text).unwrap();
}
