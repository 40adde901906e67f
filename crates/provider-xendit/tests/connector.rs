//! `XenditProvider` (the protocol on the connector) over real HTTP on
//! 127.0.0.1 against a scripted server: the requests that arrive (auth,
//! key, bytes), retries of a keyed create with the same key and bytes,
//! duplicate detection by the lookup by reference, unknown outcomes, and
//! cancel by trade number.

mod common;

use std::time::Duration;

use common::*;
use payout_core::{Error, PayoutProvider, PayoutRef, PayoutState, RejectReason, RetryAdvice};
use payout_transport::fake_server::{FakeServer, Reply, Request};
use payout_transport::{HttpTransport, PayoutProtocol, RetryPolicy, TransportConfig};
use provider_xendit::XenditProvider;

fn ok(body: String) -> Reply {
    Reply::json(body)
}

fn status(code: u16, body: &str) -> Reply {
    Reply::status(code).body("application/json", body.to_owned())
}

/// The workspace's fake server, answering with a script of replies (a
/// request beyond it gets a 500).
struct Server(FakeServer);

impl Server {
    fn start(script: Vec<Reply>) -> Self {
        Self(FakeServer::script(script))
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
        let base = self.0.url("");
        provider_xendit::provider(
            &settings(region, Some(&base), for_user),
            HttpTransport::new(config).unwrap(),
        )
        .unwrap()
    }

    fn seen(&self) -> Vec<Request> {
        self.0.requests()
    }
}

fn header<'a>(seen: &'a Request, name: &str) -> Option<&'a str> {
    seen.header(name)
}

fn list_of(item: &str) -> String {
    format!(r#"{{"has_more":false,"data":[{item}]}}"#)
}

#[tokio::test]
async fn create_sends_auth_key_and_body() {
    let server = Server::start(vec![ok(payout_json(&[]))]);
    let p = server.provider("indonesia", true);
    let s = p.create_payout(&bank_order("indonesia")).await.unwrap();
    assert_eq!(s.state, PayoutState::Processing);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(
        (req.method.as_str(), req.target.as_str()),
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
        status(
            429,
            r#"{"error_code":"RATE_LIMIT_EXCEEDED","message":"slow down"}"#,
        )
        .header("retry-after", "0.01")
        .header("rate-limit-reset", "0.01"),
        ok(payout_json(&[("status", Some("\"SUCCEEDED\""))])),
    ]);
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
    let late = ok(payout_json(&[])).after(Duration::from_secs(5));
    let server = Server::start(vec![late.clone(), late.clone(), late]);
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
    ]);
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
    assert_eq!(
        seen[1].target,
        format!("/v2/payouts?reference_id={TRADE_NO}")
    );
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
    ]);
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
    ]);
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
    ]);
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
        .map(|r| format!("{} {}", r.method, r.target))
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
