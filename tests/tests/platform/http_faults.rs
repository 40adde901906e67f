//! The transport and `PlatformProvider` over real HTTP on 127.0.0.1,
//! against a scripted server that checks the signature and the
//! `merchantNo` header: every fault gives the right error, queries are
//! retried, and a create that may have left is never re-sent.

mod common;
#[path = "http_faults/server.rs"]
mod server;

use std::time::Duration;

use common::{accepted, seed_trade_no, DEMO};
use payout_core::{Error, Operation, PayoutProvider, PayoutState, RetryAdvice};
use payout_platform::PlatformProvider;
use payout_testkit::platform::{orders::valid_order, provider_at, region, settings, NOW_MS};
use payout_transport::{HttpTransport, RetryPolicy, TransportConfig};
use server::{Reply, Server};

/// Attempts per idempotent call: more than one, to show what is retried.
const ATTEMPTS: u32 = 3;
const CAP: usize = 4096;

/// Answers come at once: a generous timeout keeps a loaded machine from
/// turning them into timeouts. Only [`Reply::hang()`] runs into it.
fn config() -> TransportConfig {
    TransportConfig::default()
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(5))
        .max_response_bytes(CAP)
        .retry(
            RetryPolicy::default()
                .attempts(ATTEMPTS)
                .backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
}

/// A server scripted with `reply` and a demo provider of `region` on it.
async fn setup(region_id: &str, reply: Reply) -> (Server, PlatformProvider) {
    setup_with(region_id, reply, config()).await
}

/// As [`setup`], for a server that never answers: a short timeout.
async fn setup_hanging() -> (Server, PlatformProvider) {
    let config = config().timeout(Duration::from_millis(300));
    setup_with("body", Reply::hang(), config).await
}

async fn setup_with(
    region_id: &str,
    reply: Reply,
    config: TransportConfig,
) -> (Server, PlatformProvider) {
    let row = region(&DEMO, region_id).unwrap();
    let header = row.sign == payout_platform::SignPlacement::Header;
    let server = Server::start(reply, header);
    let base = server.base_url(row.segment.unwrap_or(row.id));
    let p = provider_at(&DEMO, region_id, &base, config).unwrap();
    (server, p)
}

fn query_answer() -> String {
    accepted(
        r#"{"tradeNo":"test_00000002","platFormTradeNo":"63mz9aepqczdw280","orderAmount":"300.00",
        "payAmount":"200.00","status":"0000","message":"success","successTime":"2024-10-12 12:59:32"}"#,
    )
}

fn order() -> payout_core::CreatePayout {
    valid_order(region(&DEMO, "body").unwrap()).unwrap()
}

/// The cause of an `OutcomeUnknown`, which must advise to query first.
fn unknown_cause(result: Result<payout_core::PayoutStatus, Error>) -> Error {
    match result {
        Err(e @ Error::OutcomeUnknown { .. }) => {
            assert_eq!(e.retry_advice(), RetryAdvice::QueryFirst);
            let Error::OutcomeUnknown { trade_no, cause } = e else {
                unreachable!()
            };
            assert_eq!(trade_no, order().trade_no);
            *cause
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

#[tokio::test]
async fn query_create_and_balance_reach_a_checking_server() {
    let (server, p) = setup("body", Reply::json(query_answer())).await;
    let status = p.query_payout(&seed_trade_no()).await.unwrap();
    assert_eq!(status.state, PayoutState::Succeeded);
    assert_eq!(status.paid_amount.unwrap().to_string(), "200.00");

    let (server2, p2) = setup(
        "body",
        Reply::json(accepted(
            r#"{"tradeNo":"PO20241011120000001","status":"0015"}"#,
        )),
    )
    .await;
    let created = p2.create_payout(&order()).await.unwrap();
    assert_eq!(created.state, PayoutState::Processing);

    let (server3, p3) = setup(
        "body",
        Reply::json(accepted(
            r#"{"availableAmount":"9998989.0000","freezeAmount":"0"}"#,
        )),
    )
    .await;
    assert_eq!(
        p3.balance().await.unwrap().available.to_string(),
        "9998989.0000"
    );

    // What went over the wire is exactly what the pure builders make at
    // the provider's (fixed) clock reading.
    let built = [
        p.build_query(&seed_trade_no(), NOW_MS).unwrap(),
        p2.build_create(&order(), NOW_MS).unwrap(),
        p3.build_balance(NOW_MS).unwrap(),
    ];
    for ((s, path), req) in [
        (&server, "/body-pay/v1/demo/queryPayOutResult"),
        (&server2, "/body-pay/v1/demo/payOut"),
        (&server3, "/body-pay/v1/demo/queryBalance"),
    ]
    .into_iter()
    .zip(built)
    {
        assert_eq!(s.problems(), Vec::<String>::new());
        assert_eq!(s.paths(), [path]);
        assert_eq!(s.bodies(), [req.body.to_vec()]);
    }
}

#[tokio::test]
async fn header_signature_reaches_a_checking_server() {
    let (server, p) = setup("header", Reply::json(query_answer())).await;
    p.query_payout(&seed_trade_no()).await.unwrap();
    assert_eq!(server.problems(), Vec::<String>::new());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn the_server_refuses_a_wrong_signature() {
    let server = Server::start(Reply::json(query_answer()), false);
    let mut wrong = settings("body", &server.base_url("body-pay"));
    wrong.credentials.api_secret = payout_core::Secret::new("not-the-secret");
    let transport = HttpTransport::new(config()).unwrap();
    let p = DEMO.provider(&wrong, transport).unwrap();
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { code, msg, .. } if code == "8000" && msg == "sign error"),
        "{e:?}"
    );
    assert_eq!(server.problems(), ["sign error"]);
}

#[tokio::test]
async fn refused_connection_is_not_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/body-pay", closed.local_addr().unwrap());
    drop(closed);
    let p = provider_at(&DEMO, "body", &base, config()).unwrap();

    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotSent {
                operation: Operation::QueryPayout,
                ..
            }
        ),
        "{e:?}"
    );
    // A create that provably never left is safe to retry (and the
    // transport does retry it; the attempts are not observable here).
    let e = p.create_payout(&order()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotSent {
                operation: Operation::CreatePayout,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.retry_advice(), RetryAdvice::Safe);
    assert!(matches!(p.balance().await, Err(Error::NotSent { .. })));
}

#[tokio::test]
async fn query_timeout_is_no_answer() {
    let (server, p) = setup_hanging().await;
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::NoAnswer {
                operation: Operation::QueryPayout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        server.hits_after_settling(2).await > 1,
        "a query timeout is retried"
    );
    assert_eq!(server.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn create_timeout_is_outcome_unknown_and_sent_exactly_once() {
    let (server, p) = setup_hanging().await;
    let cause = unknown_cause(p.create_payout(&order()).await);
    assert!(matches!(cause, Error::NoAnswer { .. }), "{cause:?}");
    assert_eq!(
        server.hits_after_settling(1).await,
        1,
        "a create must never be re-sent"
    );
    assert_eq!(server.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn create_connection_reset_is_outcome_unknown_and_sent_once() {
    let (server, p) = setup("body", Reply::close()).await;
    let cause = unknown_cause(p.create_payout(&order()).await);
    assert!(matches!(cause, Error::NoAnswer { .. }), "{cause:?}");
    assert_eq!(server.hits_after_settling(1).await, 1);
}

fn bad_gateway() -> Reply {
    let html = format!(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
        "upstream unavailable ".repeat(40)
    );
    Reply::status(502).body("text/html", html)
}

#[tokio::test]
async fn bad_gateway_html_is_http_status_with_a_short_excerpt_and_query_retries() {
    let (server, p) = setup("body", bad_gateway()).await;
    match p.query_payout(&seed_trade_no()).await {
        Err(Error::HttpStatus {
            status: 502,
            body_excerpt,
            ..
        }) => {
            assert!(body_excerpt.starts_with("<html>"), "{body_excerpt}");
            assert!(body_excerpt.contains("502 Bad Gateway"));
            assert!(body_excerpt.chars().count() <= 161, "{body_excerpt}");
            assert!(!body_excerpt.contains(['\r', '\n']));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.hits(),
        ATTEMPTS as usize,
        "5xx on a query is retried"
    );
}

#[tokio::test]
async fn create_on_5xx_is_outcome_unknown_and_not_retried() {
    let (server, p) = setup("body", bad_gateway()).await;
    let cause = unknown_cause(p.create_payout(&order()).await);
    assert!(
        matches!(cause, Error::HttpStatus { status: 502, .. }),
        "{cause:?}"
    );
    assert_eq!(server.hits(), 1, "5xx on a create is never retried");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (server, p) = setup(
        "body",
        Reply::status(404).body("text/plain", "no such path"),
    )
    .await;
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 404, .. }), "{e:?}");
    assert_eq!(e.retry_advice(), RetryAdvice::Never);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn truncated_json_is_invalid_response() {
    let cut = query_answer()[..40].to_owned();
    let (_server, p) = setup("body", Reply::json(cut.clone())).await;
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidResponse {
                operation: Operation::QueryPayout,
                ..
            }
        ),
        "{e:?}"
    );

    let (server, p) = setup("body", Reply::json(cut)).await;
    let cause = unknown_cause(p.create_payout(&order()).await);
    assert!(matches!(cause, Error::InvalidResponse { .. }), "{cause:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn body_cut_short_of_its_length_is_no_answer() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n{\"code\":\"0000\",\"data\":{".to_vec();
    let (_server, p) = setup("body", Reply::raw(raw.clone())).await;
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(matches!(e, Error::NoAnswer { .. }), "{e:?}");

    let (server, p) = setup("body", Reply::raw(raw)).await;
    let cause = unknown_cause(p.create_payout(&order()).await);
    assert!(matches!(cause, Error::NoAnswer { .. }), "{cause:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn oversized_bodies_are_invalid_response() {
    let big = accepted(&format!(r#"{{"pad":"{}"}}"#, "x".repeat(CAP)));
    let (_server, p) = setup("body", Reply::json(big)).await;
    match p.query_payout(&seed_trade_no()).await {
        Err(Error::InvalidResponse { message, .. }) => {
            assert!(message.contains(&format!("{CAP}-byte limit")), "{message}");
        }
        other => panic!("declared length over the cap: {other:?}"),
    }

    let mut chunked = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for _ in 0..8 {
        chunked.extend_from_slice(format!("400\r\n{}\r\n", "y".repeat(0x400)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (_server, p) = setup("body", Reply::raw(chunked)).await;
    match p.balance().await {
        Err(Error::InvalidResponse { message, .. }) => {
            assert!(message.contains("limit"), "{message}");
        }
        other => panic!("undeclared length over the cap: {other:?}"),
    }
}

#[tokio::test]
async fn outer_5000_is_unavailable_on_query_and_unknown_on_create() {
    let system = || Reply::json(r#"{"code":"5000","msg":"system exception","success":false}"#);
    let (_server, p) = setup("body", system()).await;
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::ProviderUnavailable {
                operation: Operation::QueryPayout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(matches!(
        p.balance().await,
        Err(Error::ProviderUnavailable { .. })
    ));

    let (server, p) = setup("body", system()).await;
    let cause = unknown_cause(p.create_payout(&order()).await);
    assert!(
        matches!(&cause, Error::ProviderUnavailable { code, msg, .. } if code == "5000" && msg == "system exception"),
        "{cause:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn outer_8000_is_rejected_on_query_and_create() {
    let failed = || Reply::json(r#"{"code":"8000","msg":"order error","success":"false"}"#);
    let (_server, p) = setup("body", failed()).await;
    let e = p.query_payout(&seed_trade_no()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { code, msg, .. } if code == "8000" && msg == "order error"),
        "{e:?}"
    );

    let (server, p) = setup("body", failed()).await;
    let e = p.create_payout(&order()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Rejected {
                operation: Operation::CreatePayout,
                ..
            }
        ),
        "a rejected create was not placed: {e:?}"
    );
    assert_eq!(e.retry_advice(), RetryAdvice::Never);
    // One create, then one query asking whether a payout exists under the
    // trade number (it does not: 8000 again), before answering "rejected".
    assert_eq!(server.hits(), 2);
    assert_eq!(server.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn a_garbled_outer_code_on_create_is_outcome_unknown_never_rejected() {
    for body in [
        r#"{"code":"8000 ","msg":"order error","success":"false"}"#,
        r#"{"code":"5000\n","msg":"system exception","success":false}"#,
        r#"{"code":"８０００","msg":"order error"}"#,
        r#"{"code":8000,"msg":"order error"}"#,
        r#"{"code":8e3,"msg":"order error"}"#,
        r#"{"code":"8000","msg":"order error","code":"0000"}"#,
    ] {
        let (server, p) = setup("body", Reply::json(body)).await;
        let cause = unknown_cause(p.create_payout(&order()).await);
        assert!(
            matches!(cause, Error::InvalidResponse { .. }),
            "{body}: {cause:?}"
        );
        assert_eq!(server.hits(), 1, "{body}: sent once, never re-sent");
    }
}
