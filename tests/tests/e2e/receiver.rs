//! The SDK's one callback receiver (`payout::receiver::CallbackReceiver`
//! served by `payout::axum_handler::callback_router`) with two accounts,
//! PayPro Indonesia and Xendit Indonesia, taking the simulator's real
//! signed callbacks and token-authenticated webhooks: forged deliveries
//! refused, duplicates acknowledged and applied once, a conflict logged at
//! error and handed to the sink as such, a reversal, an ignored event
//! acknowledged, a failing sink refused (and re-delivered), and the payout
//! journal as the sink.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use payout::axum_handler::{callback_router, DEFAULT_PREFIX};
use payout::http::HeaderMap;
use payout::receiver::CallbackReceiver;
use payout::{
    async_trait, ApplyDecision, Beneficiary, CallbackSink, Config, Contact, CreatePayout,
    PayoutProvider, PayoutState, Secret, SinkError, TradeNo, VerifiedCallback,
};
use payout_sim::{CallbackConfig, SimHandle, XenditConfig};
use payout_sim::{XENDIT_TEST_CALLBACK_TOKEN, XENDIT_TEST_SECRET_KEY};

use crate::common::*;

/// One delivery as the sink saw it.
#[derive(Clone, Debug)]
struct Seen {
    account: String,
    state: PayoutState,
    decision: ApplyDecision,
    repeated: bool,
    body: Vec<u8>,
    headers: HeaderMap,
}

/// A sink holding the last applied state per trade number and every
/// delivery; it can be told to fail its next records or to start from a
/// known state.
#[derive(Default)]
struct Book {
    known: Mutex<HashMap<String, PayoutState>>,
    seen: Mutex<HashMap<String, Vec<Seen>>>,
    fail_next: AtomicU32,
}

impl Book {
    fn seen(&self, trade_no: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .expect("lock")
            .get(trade_no)
            .cloned()
            .unwrap_or_default()
    }

    fn known(&self, trade_no: &str) -> Option<PayoutState> {
        self.known.lock().expect("lock").get(trade_no).copied()
    }

    /// Waits until at least `n` deliveries of `trade_no` were recorded (a
    /// guard against hanging, not a timing assertion).
    async fn until(&self, trade_no: &str, n: usize) -> Vec<Seen> {
        let guard = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let seen = self.seen(trade_no);
            if seen.len() >= n {
                return seen;
            }
            assert!(
                tokio::time::Instant::now() < guard,
                "{trade_no}: {n} deliveries expected, got {seen:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[async_trait]
impl CallbackSink for Book {
    async fn known_state(
        &self,
        _account: &str,
        trade_no: &TradeNo,
    ) -> Result<Option<PayoutState>, SinkError> {
        Ok(self.known(trade_no.as_str()))
    }

    async fn record(&self, cb: &VerifiedCallback<'_>) -> Result<(), SinkError> {
        let failing = self
            .fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(SinkError::new("the database is unavailable"));
        }
        let s = &cb.update.status;
        if matches!(cb.decision, ApplyDecision::Apply | ApplyDecision::Reversal) {
            self.known
                .lock()
                .expect("lock")
                .insert(s.trade_no.to_string(), s.state);
        }
        self.seen
            .lock()
            .expect("lock")
            .entry(s.trade_no.to_string())
            .or_default()
            .push(Seen {
                account: cb.account.to_owned(),
                state: s.state,
                decision: cb.decision,
                repeated: cb.repeated_delivery,
                body: cb.body.to_vec(),
                headers: cb.headers.clone(),
            });
        Ok(())
    }
}

/// Log lines written at `warn` and above while a test runs.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

/// The simulator, the two accounts' providers, the receiver and its URL.
struct Setup {
    sim: SimHandle,
    paypro: Arc<dyn PayoutProvider>,
    xendit: Arc<dyn PayoutProvider>,
    receiver: Arc<CallbackReceiver>,
    base: String,
}

const PAYPRO: &str = "paypro-id";
const XENDIT: &str = "xendit";

fn xendit_provider(sim: &SimHandle) -> Arc<dyn PayoutProvider> {
    let mut config = Config::new("xendit");
    config.region = "indonesia".into();
    config.base_url = sim.xendit_base_url();
    config.secret = Some(Secret::new(XENDIT_TEST_SECRET_KEY));
    config.callback_token = Some(Secret::new(XENDIT_TEST_CALLBACK_TOKEN));
    config.timeout_ms = Some(2_000);
    payout::build(&config).expect("the Xendit provider builds")
}

/// Both accounts registered with `sink`, served at `/callbacks/{account}`;
/// the simulator's Xendit webhooks point at the Xendit account.
async fn setup(sink: Arc<dyn CallbackSink>) -> Setup {
    let config = config()
        .lifecycle(
            payout_sim::Lifecycle::default()
                .after(Some(Duration::from_millis(20)))
                .after_queries(None),
        )
        .callbacks(CallbackConfig::default().time_divisor(1000))
        .xendit(XenditConfig::default().webhooks(CallbackConfig::xendit().time_divisor(100_000)));
    let sim = start(config).await;
    let paypro = provider(&sim, "paypro", "indonesia");
    let xendit = xendit_provider(&sim);
    let receiver = Arc::new(CallbackReceiver::new());
    receiver
        .register(PAYPRO, Arc::clone(&paypro), Arc::clone(&sink))
        .expect("registers");
    receiver
        .register(XENDIT, Arc::clone(&xendit), sink)
        .expect("registers");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!(
        "http://{}{DEFAULT_PREFIX}",
        listener.local_addr().expect("addr")
    );
    let app = callback_router(DEFAULT_PREFIX, Arc::clone(&receiver));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    sim.set_xendit_webhook_url(Some(format!("{base}/{XENDIT}")))
        .expect("a valid webhook URL");
    Setup {
        sim,
        paypro,
        xendit,
        receiver,
        base,
    }
}

impl Setup {
    async fn paypro_payout(&self, t: &str) {
        let url = format!("{}/{PAYPRO}", self.base);
        let o = order("paypro", "indonesia", t, Some(&url));
        self.paypro.create_payout(&o).await.expect("accepted");
    }

    async fn xendit_payout(&self, t: &str) {
        let o = CreatePayout::new(
            trade_no(t),
            payout::parse_amount("15000").expect("amount"),
            Beneficiary::bank("ID_BCA", "1234567890"),
        )
        .contact(Contact {
            name: Some("Budi Santoso".into()),
            ..Contact::default()
        });
        self.xendit.create_payout(&o).await.expect("accepted");
    }

    async fn post(&self, account: &str, headers: &HeaderMap, body: Vec<u8>) -> (u16, String) {
        let mut req = reqwest::Client::new()
            .post(format!("{}/{account}", self.base))
            .body(body);
        for (name, value) in headers {
            req = req.header(name.as_str(), value.as_bytes());
        }
        let resp = req.send().await.expect("the receiver answers");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("a body"))
    }

    async fn idle(&self) {
        tokio::time::timeout(Duration::from_secs(20), self.sim.wait_idle())
            .await
            .expect("deliveries end");
    }
}

#[tokio::test]
async fn two_accounts_take_real_callbacks_and_webhooks_and_refuse_forgeries() {
    let book = Arc::new(Book::default());
    let s = setup(book.clone()).await;
    assert_eq!(s.receiver.accounts(), [PAYPRO, XENDIT]);
    s.paypro_payout("RCV-PP-1").await;
    s.xendit_payout("RCV-XD-1").await;
    let pp = book.until("RCV-PP-1", 1).await;
    let xd = book.until("RCV-XD-1", 1).await;
    assert_eq!(
        (pp[0].account.as_str(), pp[0].state, pp[0].decision),
        (PAYPRO, PayoutState::Succeeded, ApplyDecision::Apply)
    );
    assert_eq!(
        (xd[0].account.as_str(), xd[0].state, xd[0].decision),
        (XENDIT, PayoutState::Succeeded, ApplyDecision::Apply)
    );
    s.idle().await;
    for t in ["RCV-PP-1", "RCV-XD-1"] {
        let d = s.sim.deliveries_for(t);
        assert!(
            d.len() == 1 && d[0].acked && d[0].attempts == 1,
            "{t}: {d:?}"
        );
    }

    // A real callback with its amount changed: the platform's refusal.
    let mut body: serde_json::Value = serde_json::from_slice(&pp[0].body).expect("JSON");
    body["amount"] = serde_json::Value::String("99999999".into());
    let forged = serde_json::to_vec(&body).expect("JSON");
    assert_eq!(
        s.post(PAYPRO, &pp[0].headers, forged).await,
        (400, "FAIL".to_owned())
    );
    // A real webhook with the wrong token: Xendit's refusal.
    let mut headers = xd[0].headers.clone();
    headers.insert(
        "x-callback-token",
        payout::http::HeaderValue::from_static("not-the-token"),
    );
    assert_eq!(
        s.post(XENDIT, &headers, xd[0].body.clone()).await,
        (401, String::new())
    );
    // A platform callback sent to the Xendit account is not Xendit's.
    assert_eq!(
        s.post(XENDIT, &pp[0].headers, pp[0].body.clone()).await.0,
        401
    );
    assert_eq!(
        s.post("nobody", &HeaderMap::new(), b"{}".to_vec()).await.0,
        404
    );
    assert_eq!(book.seen("RCV-PP-1").len(), 1, "a forgery reached the sink");
    assert_eq!(book.seen("RCV-XD-1").len(), 1, "a forgery reached the sink");

    // The genuine ones again: acknowledged, recorded as duplicates.
    assert_eq!(
        s.post(PAYPRO, &pp[0].headers, pp[0].body.clone()).await,
        (200, "OK".to_owned())
    );
    assert_eq!(
        s.post(XENDIT, &xd[0].headers, xd[0].body.clone()).await,
        (200, String::new())
    );
    let again = book.seen("RCV-XD-1");
    assert_eq!(
        (again[1].decision, again[1].repeated),
        (ApplyDecision::Duplicate, true),
        "the same webhook-id"
    );
    assert_eq!(book.seen("RCV-PP-1")[1].decision, ApplyDecision::Duplicate);
    s.sim.shutdown().await;
}

#[tokio::test]
async fn duplicates_are_acknowledged_and_applied_once() {
    let book = Arc::new(Book::default());
    let s = setup(book.clone()).await;
    s.paypro_payout("RCV-PP-2_DUP").await;
    s.xendit_payout("RCV-XD-2_DUP").await;
    for t in ["RCV-PP-2_DUP", "RCV-XD-2_DUP"] {
        let seen = book.until(t, 2).await;
        let decisions: Vec<_> = seen.iter().map(|d| d.decision).collect();
        assert_eq!(
            decisions,
            [ApplyDecision::Apply, ApplyDecision::Duplicate],
            "{t}"
        );
        assert_eq!(book.known(t), Some(PayoutState::Succeeded), "{t}");
    }
    // Xendit re-sends the same webhook-id: recognised by its id.
    assert!(book.seen("RCV-XD-2_DUP")[1].repeated);
    s.idle().await;
    for t in ["RCV-PP-2_DUP", "RCV-XD-2_DUP"] {
        let d = s.sim.deliveries_for(t);
        assert_eq!(d.len(), 2, "{t}: {d:?}");
        assert!(d.iter().all(|d| d.acked && d.attempts == 1), "{t}: {d:?}");
    }
    s.sim.shutdown().await;
}

#[tokio::test]
async fn a_conflict_is_logged_at_error_and_handed_over_as_a_conflict() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let book = Arc::new(Book::default());
    // The sink believes it failed; the platform will say it succeeded.
    book.known
        .lock()
        .expect("lock")
        .insert("RCV-PP-3".into(), PayoutState::Failed);
    let s = setup(book.clone()).await;
    s.paypro_payout("RCV-PP-3").await;
    let seen = book.until("RCV-PP-3", 1).await;
    assert_eq!(
        seen[0].decision,
        ApplyDecision::Conflict {
            known: PayoutState::Failed,
            reported: PayoutState::Succeeded
        }
    );
    assert_eq!(book.known("RCV-PP-3"), Some(PayoutState::Failed), "kept");
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("ERROR") && l.contains("RCV-PP-3"))
        .unwrap_or_else(|| panic!("no error line:\n{text}"));
    for part in ["paypro", "known=failed", "reported=succeeded"] {
        assert!(line.contains(part), "{part}: {line}");
    }

    // A reversal: Xendit reverses a succeeded payout; logged at warn.
    s.xendit_payout("RCV-XD-3_REVERSE").await;
    let seen = book.until("RCV-XD-3_REVERSE", 2).await;
    let got: Vec<_> = seen.iter().map(|d| (d.state, d.decision)).collect();
    assert_eq!(
        got,
        [
            (PayoutState::Succeeded, ApplyDecision::Apply),
            (PayoutState::Reversed, ApplyDecision::Reversal)
        ]
    );
    let text = logs.text();
    assert!(
        text.lines().any(|l| l.contains("WARN")
            && l.contains("RCV-XD-3_REVERSE")
            && l.contains("reversed")),
        "{text}"
    );
    assert!(
        !text.contains(XENDIT_TEST_CALLBACK_TOKEN),
        "the token never reaches the logs"
    );
    s.sim.shutdown().await;
}

#[tokio::test]
async fn an_ignored_event_is_acknowledged_and_recorded_nowhere() {
    let book = Arc::new(Book::default());
    let s = setup(book.clone()).await;
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-callback-token",
        payout::http::HeaderValue::from_static(XENDIT_TEST_CALLBACK_TOKEN),
    );
    headers.insert(
        "content-type",
        payout::http::HeaderValue::from_static("application/json"),
    );
    let body = serde_json::json!({
        "event": "payout.awaiting_review",
        "business_id": "65f1d2c3b4a5968778695a4b",
        "created": "2026-01-02T03:04:05.000Z",
        "data": {"id": "disb-1", "reference_id": "RCV-XD-IGNORED", "status": "ACCEPTED",
                 "amount": 15000, "currency": "IDR", "channel_code": "ID_BCA"}
    });
    let answer = s
        .post(XENDIT, &headers, serde_json::to_vec(&body).expect("JSON"))
        .await;
    assert_eq!(answer, (200, String::new()));
    assert!(book.seen("RCV-XD-IGNORED").is_empty());
    s.sim.shutdown().await;
}

#[tokio::test]
async fn a_failing_sink_refuses_and_the_provider_delivers_again() {
    let book = Arc::new(Book::default());
    let s = setup(book.clone()).await;
    book.fail_next.store(2, Ordering::SeqCst);
    s.paypro_payout("RCV-PP-4").await;
    let seen = book.until("RCV-PP-4", 1).await;
    assert_eq!(seen[0].decision, ApplyDecision::Apply);
    s.idle().await;
    let d = s.sim.deliveries_for("RCV-PP-4");
    assert!(d[0].acked && d[0].attempts == 3, "{d:?}");

    book.fail_next.store(1, Ordering::SeqCst);
    s.xendit_payout("RCV-XD-4").await;
    let seen = book.until("RCV-XD-4", 1).await;
    assert_eq!(
        (seen[0].decision, seen[0].repeated),
        (ApplyDecision::Apply, false)
    );
    s.idle().await;
    let d = s.sim.deliveries_for("RCV-XD-4");
    assert!(d[0].acked && d[0].attempts == 2, "{d:?}");
    assert_eq!(book.seen("RCV-XD-4").len(), 1, "recorded once");
    s.sim.shutdown().await;
}

#[tokio::test]
async fn the_payout_journal_is_a_sink() {
    use payout_journal::{Journal, JournalState, Journaled, PayoutKey};

    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("journal.db").display());
    let journal = Journal::open(&url).await.expect("the journal opens");
    let book = Arc::new(Book::default());
    let s = setup(book).await;
    let payouts = Journaled::new(Arc::clone(&s.paypro), journal.clone(), TEST_MERCHANT_NO);
    s.receiver
        .register(PAYPRO, Arc::clone(&s.paypro), Arc::new(payouts.clone()))
        .expect("registers");
    let t = "RCV-PP-5_DUP";
    let o = order(
        "paypro",
        "indonesia",
        t,
        Some(&format!("{}/{PAYPRO}", s.base)),
    );
    let submitted = payouts.submit(&o).await.expect("journaled and sent");
    assert!(!submitted.record.state.is_final());
    let key = PayoutKey::new("paypro", TEST_MERCHANT_NO, t);
    let guard = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let row = journal.get(&key).await.expect("read").expect("the row");
        if row.state == JournalState::Succeeded {
            break;
        }
        assert!(tokio::time::Instant::now() < guard, "{row:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    s.idle().await;
    let d = s.sim.deliveries_for(t);
    assert!(d.len() == 2 && d.iter().all(|d| d.acked), "{d:?}");
    assert_eq!(
        s.sim.request_count(t, payout_sim::Endpoint::Query),
        0,
        "final by callback alone"
    );
    s.sim.shutdown().await;
}
