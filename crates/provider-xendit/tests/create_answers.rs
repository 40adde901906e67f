//! Every row of the spec's error table (§7) read as a create answer: was a
//! payout created, refused (and why), or is the outcome unknown; and does
//! the transport repeat the request (same key, same bytes) by itself.

mod common;

use common::*;
use payout_core::retry::{may_retry, Idempotency};
use payout_core::{Error, PayoutState, RejectReason, RetryAdvice};
use payout_transport::{PayoutProtocol, WireResponse};

/// What a create answer means.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Placed (or replayed): the payout's state.
    Created(PayoutState),
    /// Refused, nothing placed by this request.
    NotCreated(RejectReason),
    /// May have been placed: the connector reports `OutcomeUnknown`.
    Unknown,
}

fn outcome(result: &Result<payout_core::PayoutStatus, Error>) -> Outcome {
    match result {
        Ok(s) => Outcome::Created(s.state),
        Err(Error::Rejected { reason, .. }) => Outcome::NotCreated(*reason),
        Err(_) => Outcome::Unknown,
    }
}

fn create(region: &str, response: &WireResponse) -> Result<payout_core::PayoutStatus, Error> {
    xendit(region).parse_create(&bank_order(region), response)
}

fn error_body(code: &str) -> String {
    format!(r#"{{"error_code":"{code}","message":"m for {code}"}}"#)
}

#[test]
fn the_error_table() {
    use Outcome::*;
    use RejectReason as R;
    // (HTTP status, body, outcome, retried by the transport with the same key)
    let rows: Vec<(u16, String, Outcome, bool)> = vec![
        (
            400,
            error_body("API_VALIDATION_ERROR"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("CHANNEL_CODE_NOT_SUPPORTED"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("MINIMUM_TRANSFER_LIMIT_ERROR"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("MAXIMUM_TRANSFER_LIMIT_ERROR"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("AMOUNT_INCREMENT_NOT_SUPPORTED"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("INVALID_JSON_FORMAT"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("RECIPIENT_ACCOUNT_NUMBER_ERROR"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("RECIPIENT_AMOUNT_ERROR"),
            NotCreated(R::InvalidRequest),
            false,
        ),
        (
            400,
            error_body("DUPLICATE_ERROR"),
            NotCreated(R::DuplicateTradeNo),
            false,
        ),
        (
            409,
            error_body("DUPLICATE_ERROR"),
            NotCreated(R::DuplicateTradeNo),
            false,
        ),
        (
            400,
            error_body("DUPLICATE_TRANSACTION_ERROR"),
            NotCreated(R::DuplicateTradeNo),
            false,
        ),
        (
            400,
            error_body("DUPLICATE_PAYOUT_ERROR"),
            NotCreated(R::DuplicateTradeNo),
            false,
        ),
        (
            409,
            error_body("IDEMPOTENCY_ERROR"),
            NotCreated(R::DuplicateTradeNo),
            false,
        ),
        (
            400,
            error_body("INSUFFICIENT_BALANCE"),
            NotCreated(R::InsufficientBalance),
            false,
        ),
        (
            401,
            error_body("INVALID_API_KEY"),
            NotCreated(R::Authentication),
            false,
        ),
        (
            403,
            error_body("REQUEST_FORBIDDEN_ERROR"),
            NotCreated(R::Authentication),
            false,
        ),
        (
            404,
            error_body("DATA_NOT_FOUND"),
            NotCreated(R::NotFound),
            false,
        ),
        (
            400,
            error_body("SOMETHING_NEW"),
            NotCreated(R::Other),
            false,
        ),
        (
            422,
            error_body("UNPROCESSABLE"),
            NotCreated(R::Other),
            false,
        ),
        (429, error_body("RATE_LIMIT_EXCEEDED"), Unknown, true),
        (408, String::new(), Unknown, true),
        (500, error_body("SERVER_ERROR"), Unknown, true),
        (502, "<html>bad gateway</html>".into(), Unknown, true),
        (503, String::new(), Unknown, true),
        (504, error_body("GATEWAY_TIMEOUT"), Unknown, true),
        // A 4xx without Xendit's error body may come from a proxy: not a
        // refusal Xendit made, so not proof that nothing was placed.
        (404, "<html>not found</html>".into(), Unknown, false),
        (400, String::new(), Unknown, false),
        (302, String::new(), Unknown, false),
    ];
    for (status, body, expected, retried) in rows {
        let result = create("indonesia", &answer(status, &body));
        assert_eq!(outcome(&result), expected, "{status} {body}");
        let e = result.unwrap_err();
        assert_eq!(
            may_retry(Idempotency::KeyedCreate, &e),
            retried,
            "{status} {body}: {e:?}"
        );
        if let Outcome::NotCreated(_) = expected {
            assert_eq!(e.retry_advice(), RetryAdvice::Never, "{status} {body}");
            let Error::Rejected { code, msg, .. } = &e else {
                unreachable!()
            };
            assert!(
                body.contains(code.as_str()) && msg.starts_with("m for"),
                "{e:?}"
            );
        } else {
            // What the connector reports for anything but a refusal.
            let reported = Error::OutcomeUnknown {
                trade_no: trade_no(TRADE_NO),
                cause: Box::new(e),
            };
            assert_eq!(reported.retry_advice(), RetryAdvice::QueryFirst);
        }
    }
}

#[test]
fn server_error_keeps_xendit_code() {
    let e = create("indonesia", &answer(500, &error_body("SERVER_ERROR"))).unwrap_err();
    assert!(
        matches!(&e, Error::ProviderUnavailable { code, .. } if code == "SERVER_ERROR"),
        "{e:?}"
    );
    let e = create("indonesia", &answer(503, "")).unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 503, .. }), "{e:?}");
}

#[test]
fn error_message_falls_back_to_error_message() {
    let body =
        r#"{"error_code":"API_VALIDATION_ERROR","error_message":"amount must be an integer"}"#;
    let e = create("indonesia", &answer(400, body)).unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { msg, .. } if msg == "amount must be an integer"),
        "{e:?}"
    );
}

#[test]
fn accepted_and_replayed_answers() {
    let accepted = create("indonesia", &answer(200, &payout_json(&[]))).unwrap();
    assert_eq!(accepted.state, PayoutState::Processing);
    assert_eq!(accepted.provider_status, "ACCEPTED");
    assert_eq!(accepted.platform_trade_no.as_deref(), Some(PAYOUT_ID));
    assert_eq!(accepted.amount.unwrap().to_string(), "10000");
    // A replay of the same key and body returns the payout's current status.
    for (s, state) in [
        ("SUCCEEDED", PayoutState::Succeeded),
        ("FAILED", PayoutState::Failed),
        ("SOMETHING_NEW", PayoutState::Unknown),
    ] {
        let body = payout_json(&[("status", Some(&format!("\"{s}\"")))]);
        let replay = create("indonesia", &answer(200, &body)).unwrap();
        assert_eq!(replay.state, state);
    }
    // 201 is a success too.
    assert!(create("indonesia", &answer(201, &payout_json(&[]))).is_ok());
}

#[test]
fn unreadable_2xx_is_unknown_never_failed() {
    let bodies = [
        String::new(),
        "not json".into(),
        "[]".into(),
        "{}".into(),
        payout_json(&[("id", None)]),
        payout_json(&[("status", None)]),
        payout_json(&[("amount", Some("-10000"))]),
        payout_json(&[("amount", Some("1e4"))]),
        payout_json(&[("currency", Some("\"idr\""))]),
        // An answer about another payout.
        payout_json(&[("reference_id", Some("\"someone-else\""))]),
    ];
    for body in bodies {
        let e = create("indonesia", &answer(200, &body)).unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{body}: {e:?}");
        assert!(!may_retry(Idempotency::KeyedCreate, &e), "{body}");
        assert_eq!(outcome(&Err(e)), Outcome::Unknown);
    }
}

#[test]
fn missing_amount_in_an_accepted_answer_is_the_order_amount() {
    let s = create(
        "philippines",
        &answer(
            200,
            &payout_json(&[("amount", None), ("currency", Some("\"PHP\""))]),
        ),
    )
    .unwrap();
    assert_eq!(s.amount.unwrap().to_string(), "1.11");
}
