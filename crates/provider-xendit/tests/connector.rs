//! `XenditProvider` (the protocol on the connector) over real HTTP on
//! 127.0.0.1 against a scripted server: the requests that arrive (auth,
//! key, bytes), retries of a keyed create with the same key and bytes,
//! duplicate detection by the lookup by reference, unknown outcomes, and
//! cancel by trade number.

mod common;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::Response;
use common::*;
use payout_core::{Error, PayoutProvider, PayoutRef, PayoutState, RejectReason, RetryAdvice};
use payout_transport::{HttpTransport, PayoutProtocol, RetryPolicy, TransportConfig};
use provider_xendit::XenditProvider;

/// What the server answers next.
#[derive(Clone)]
enum Reply {
    /// Status, extra headers, body.
    Answer(u16, Vec<(&'static str, &'static str)>, String),
    /// Wait this long before a 200 with the body (the client gives up first).
    Late(Duration, String),
}

fn ok(body: String) -> Reply {
    Reply::Answer(200, vec![], body)
}

fn status(code: u16, body: &str) -> Reply {
    Reply::Answer(code, vec![], body.to_owned())
}

/// One request as received.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    uri: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<Seen>>,
}

struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default().to_vec();
    shared.seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers: parts.headers,
        body,
    });
    let reply = shared.script.lock().unwrap().pop_front();
    let (code, headers, body) = match reply {
        Some(Reply::Answer(code, headers, body)) => (code, headers, body),
        Some(Reply::Late(pause, body)) => {
            tokio::time::sleep(pause).await;
            (200, vec![], body)
        }
        None => (
            500,
            vec![],
            r#"{"error_code":"SERVER_ERROR","message":"script exhausted"}"#.to_owned(),
        ),
    };
    let mut response = Response::builder()
        .status(code)
        .header("content-type", "application/json");
    for (k, v) in headers {
        response = response.header(k, v);
    }
    response.body(Body::from(body)).unwrap()
}

impl Server {
    async fn start(script: Vec<Reply>) -> Self {
        let shared = Arc::new(Shared::default());
        shared.script.lock().unwrap().extend(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared, task }
    }

    /// A provider on this server. Answers come at once: the generous
    /// timeout keeps a loaded machine from turning them into timeouts.
    fn provider(&self, region: &str, for_user: bool) -> XenditProvider {
        self.provider_with_timeout(region, for_user, Duration::from_secs(5))
    }

    fn provider_with_timeout(
        &self,
        region: &str,
        for_user: bool,
        timeout: Duration,
    ) -> XenditProvider {
        let config = TransportConfig::default()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .retry(
                RetryPolicy::default()
                    .attempts(3)
                    .backoff(Duration::from_millis(5), Duration::from_millis(20)),
            );
        let base = format!("http://{}", self.addr);
        provider_xendit::provider(
            &settings(region, Some(&base), for_user),
            HttpTransport::new(config).unwrap(),
        )
        .unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers.get(name).and_then(|v| v.to_str().ok())
}

fn list_of(item: &str) -> String {
    format!(r#"{{"has_more":false,"data":[{item}]}}"#)
}

#[tokio::test]
async fn create_sends_auth_key_and_body() {
    let server = Server::start(vec![ok(payout_json(&[]))]).await;
    let p = server.provider("indonesia", true);
    let s = p.create_payout(&bank_order("indonesia")).await.unwrap();
    assert_eq!(s.state, PayoutState::Processing);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(
        (req.method.as_str(), req.uri.as_str()),
        ("POST", "/v2/payouts")
    );
    assert_eq!(
        header(req, "authorization"),
        Some(format!("Basic {KEY_BASIC}").as_str())
    );
    assert_eq!(header(req, "idempotency-key"), Some(TRADE_NO));
    assert_eq!(header(req, "for-user-id"), Some(FOR_USER));
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "accept"), Some("application/json"));
    assert!(
        header(req, "api-version").is_none(),
        "v2 sends no api-version"
    );
    let built = p
        .protocol()
        .build_create(&bank_order("indonesia"), 0)
        .unwrap();
    assert_eq!(req.body, built.body);
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_with_the_same_key_and_bytes() {
    let server = Server::start(vec![
        status(500, r#"{"error_code":"SERVER_ERROR","message":"x"}"#),
        Reply::Answer(
            429,
            vec![("retry-after", "0.01"), ("rate-limit-reset", "0.01")],
            r#"{"error_code":"RATE_LIMIT_EXCEEDED","message":"slow down"}"#.into(),
        ),
        ok(payout_json(&[("status", Some("\"SUCCEEDED\""))])),
    ])
    .await;
    let p = server.provider("indonesia", false);
    let s = p.create_payout(&bank_order("indonesia")).await.unwrap();
    assert_eq!(s.state, PayoutState::Succeeded);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for req in &seen[1..] {
        assert_eq!(req.body, seen[0].body, "byte-identical retry");
        assert_eq!(header(req, "idempotency-key"), Some(TRADE_NO));
    }
}

#[tokio::test]
async fn a_timeout_is_retried_with_the_same_key_then_reported_unknown() {
    let late = Reply::Late(Duration::from_secs(5), payout_json(&[]));
    let server = Server::start(vec![late.clone(), late.clone(), late]).await;
    let p = server.provider_with_timeout("indonesia", false, Duration::from_millis(300));
    let e = p.create_payout(&bank_order("indonesia")).await.unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    assert_eq!(e.retry_advice(), RetryAdvice::QueryFirst);
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "a keyed create is repeated after a timeout");
    assert!(seen.iter().all(|r| r.body == seen[0].body));
}

#[tokio::test]
async fn a_duplicate_key_is_looked_up_and_reported_with_the_existing_payout() {
    let existing = payout_json(&[("status", Some("\"SUCCEEDED\"")), ("amount", Some("10001"))]);
    let server = Server::start(vec![
        status(
            409,
            r#"{"error_code":"DUPLICATE_ERROR","message":"A payout with this idempotency key already exists."}"#,
        ),
        ok(list_of(&existing)),
    ])
    .await;
    let p = server.provider("indonesia", false);
    let e = p.create_payout(&bank_order("indonesia")).await.unwrap_err();
    match &e {
        Error::Duplicate { trade_no, existing } => {
            assert_eq!(trade_no.as_str(), TRADE_NO);
            assert_eq!(existing.state, PayoutState::Succeeded);
            assert_eq!(existing.platform_trade_no.as_deref(), Some(PAYOUT_ID));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.retry_advice(), RetryAdvice::Never);
    let seen = server.seen();
    assert_eq!(seen[1].method, "GET");
    assert_eq!(seen[1].uri, format!("/v2/payouts?reference_id={TRADE_NO}"));
    // The protocol can tell the lead's connector whether it is the order's
    // payout (D2): this one differs in amount.
    let answer = answer(200, &list_of(&existing));
    let found = p.parse_existing(&bank_order("indonesia"), &answer).unwrap();
    assert!(!found.matches);
    let same = answer_for_same_order();
    assert!(
        p.parse_existing(&bank_order("indonesia"), &same)
            .unwrap()
            .matches
    );
}

fn answer_for_same_order() -> payout_transport::WireResponse {
    answer(
        200,
        &list_of(&payout_json(&[("description", Some("\"other text\""))])),
    )
}

#[tokio::test]
async fn a_duplicate_key_without_a_payout_is_the_refusal() {
    let server = Server::start(vec![
        status(409, r#"{"error_code":"DUPLICATE_ERROR","message":"used"}"#),
        ok(r#"{"has_more":false,"data":[]}"#.into()),
    ])
    .await;
    let p = server.provider("indonesia", false);
    let e = p.create_payout(&bank_order("indonesia")).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                reason: RejectReason::DuplicateTradeNo,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_validation_refusal_is_reported_after_the_lookup_finds_nothing() {
    let server = Server::start(vec![
        status(
            400,
            r#"{"error_code":"CHANNEL_CODE_NOT_SUPPORTED","message":"no"}"#,
        ),
        ok("[]".into()),
    ])
    .await;
    let p = server.provider("philippines", false);
    let e = p
        .create_payout(&bank_order("philippines"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                reason: RejectReason::InvalidRequest,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn query_cancel_and_balance() {
    let server = Server::start(vec![
        ok(r#"{"has_more":false,"data":[]}"#.into()),
        ok(list_of(&payout_json(&[]))),
        ok(payout_json(&[("status", Some("\"CANCELLED\""))])),
        ok(r#"{"balance": 1241231}"#.into()),
    ])
    .await;
    let p = server.provider("indonesia", false);
    let e = p.query_payout(&trade_no(TRADE_NO)).await.unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    let s = p
        .cancel_payout(&PayoutRef::TradeNo(trade_no(TRADE_NO)))
        .await
        .unwrap();
    assert_eq!(s.state, PayoutState::Cancelled);
    let b = p.balance().await.unwrap();
    assert_eq!(b.available.to_string(), "1241231");
    let seen = server.seen();
    let lines: Vec<String> = seen
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect();
    assert_eq!(
        lines,
        [
            format!("GET /v2/payouts?reference_id={TRADE_NO}"),
            format!("GET /v2/payouts?reference_id={TRADE_NO}"),
            format!("POST /v2/payouts/{PAYOUT_ID}/cancel"),
            "GET /balance?account_type=CASH&currency=IDR".to_owned(),
        ]
    );
    assert!(seen[2].body.is_empty());
    assert!(
        header(&seen[2], "content-type").is_none(),
        "no body, no content type"
    );
}
