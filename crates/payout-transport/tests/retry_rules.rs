//! Which failures the transport may retry: everything transient for
//! idempotent calls, only provably-unsent requests for calls that move
//! money. (Retries over real HTTP are tested in payout-platform's
//! `http_faults`.)

use std::time::Duration;

use payout_core::retry::may_retry;
use payout_core::{Error, Operation, TradeNo};
use payout_transport::{Idempotency, RetryPolicy};

fn op() -> Operation {
    Operation::CreatePayout
}

fn http(status: u16) -> Error {
    Error::HttpStatus {
        operation: op(),
        status,
        body_excerpt: String::new(),
    }
}

/// Every kind of failure the transport or a parser can produce, with
/// whether an idempotent call may retry it.
fn cases() -> Vec<(Error, bool)> {
    let msg = || "m".to_owned();
    vec![
        (Error::not_sent(op(), msg()), true),
        (Error::no_answer(op(), msg()), true),
        (http(500), true),
        (http(502), true),
        (http(503), true),
        (http(408), true),
        (http(429), true),
        (http(400), false),
        (http(404), false),
        (http(301), false),
        (
            Error::InvalidResponse {
                operation: op(),
                message: msg(),
            },
            false,
        ),
        (
            Error::ProviderUnavailable {
                operation: op(),
                code: "5000".into(),
                msg: msg(),
            },
            true,
        ),
        (
            Error::Rejected {
                operation: op(),
                code: "8000".into(),
                msg: msg(),
                reason: payout_core::RejectReason::Other,
            },
            false,
        ),
        (Error::config("x"), false),
        (Error::validation("amount", "x"), false),
        (
            Error::OutcomeUnknown {
                trade_no: TradeNo::new("T1").unwrap(),
                cause: Box::new(http(502)),
            },
            false,
        ),
    ]
}

#[test]
fn idempotent_calls_retry_transient_failures_only() {
    for (e, retry) in cases() {
        assert_eq!(may_retry(Idempotency::Idempotent, &e), retry, "{e:?}");
    }
}

#[test]
fn keyed_creates_retry_like_reads() {
    for (e, retry) in cases() {
        assert_eq!(may_retry(Idempotency::KeyedCreate, &e), retry, "{e:?}");
    }
}

#[test]
fn calls_that_move_money_retry_only_what_never_left() {
    for (e, _) in cases() {
        let never_left = matches!(e, Error::NotSent { .. });
        assert_eq!(may_retry(Idempotency::MovesMoney, &e), never_left, "{e:?}");
    }
}

#[test]
fn policy_builders_keep_sane_bounds() {
    assert_eq!(RetryPolicy::default().attempts(0).max_attempts, 1);
    assert_eq!(RetryPolicy::none().max_attempts, 1);
    let p = RetryPolicy::default().backoff(Duration::from_millis(50), Duration::from_millis(10));
    assert!(p.max_backoff >= p.initial_backoff);
}
