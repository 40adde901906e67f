//! The one place where provider results become journal events.
//!
//! Everything the journal concludes from a create answer, a query answer, a
//! callback or an error is decided here, so that new typed outcomes of
//! `payout-core` need changes in this module only.

use payout_core::{Error, PayoutProvider, PayoutState, PayoutStatus, PayoutUpdate};

use crate::transition::{Event, Observation, Observed, Source};

/// The event for the result of a create request. `attempts` counts this
/// send (1 for the first).
///
/// - `Ok(status)`: accepted, in the state it reports.
/// - `Rejected`: nothing placed, on the first attempt. On a later attempt
///   the refusal may be the provider's duplicate check, which proves an
///   earlier attempt exists, so the outcome is unknown.
/// - `NotSent`, and errors that by their phase happen before anything is
///   sent (validation, configuration, unsupported): nothing left.
/// - anything else: the request may have been placed; unknown.
///
/// ```
/// use payout_core::{Error, error::Operation};
/// use payout_journal::outcome::create_event;
/// use payout_journal::transition::Event;
/// let rejected = Err(Error::Rejected { operation: Operation::CreatePayout, code: "8000".into(), msg: "x".into(), reason: payout_core::RejectReason::Other });
/// assert!(matches!(create_event(&rejected, 1), Event::CreateRejected { .. }));
/// assert_eq!(create_event(&rejected, 2), Event::OutcomeUnknown);
/// ```
pub fn create_event(result: &Result<PayoutStatus, Error>, attempts: u32) -> Event {
    match result {
        Ok(status) => Event::Observed(observation(status, Source::Create)),
        // A payout already exists under the trade number (placed by an
        // earlier attempt): adopt it, nothing new was placed.
        Err(Error::Duplicate { existing, .. }) => {
            Event::Observed(observation(existing, Source::Query))
        }
        Err(Error::Rejected { code, .. }) if attempts <= 1 => Event::CreateRejected {
            provider_status: Some(code.clone()),
        },
        Err(Error::NotSent { .. } | Error::Validation { .. } | Error::Config { .. })
        | Err(Error::Unsupported { .. }) => Event::NotSent,
        // `OutcomeUnknown`, and any other error once the request may have left.
        Err(_) => Event::OutcomeUnknown,
    }
}

/// What a status query's result tells the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryReading {
    /// An event to apply (the payout's status, or "not found").
    Event(Event),
    /// The query failed in a way that says nothing about the payout
    /// (timeout, provider down): record the error, query again later.
    NoAnswer,
}

/// Reads a status query's result.
///
/// [`Error::NotFound`] is a proof of absence (Xendit). The platforms answer
/// a query for a trade number they do not know with a refusal (outer code
/// `8000`, varying text; see the protocol spec §7b), which proves nothing;
/// it reads as "not found" only where [`may_resend_same_trade_no`] makes a
/// re-send harmless. "Not found" never makes a row failed.
///
/// ```
/// use payout_core::{Error, error::Operation};
/// use payout_journal::outcome::{query_reading, QueryReading};
/// use payout_journal::transition::Event;
/// let not_found = Err(Error::Rejected { operation: Operation::QueryPayout, code: "8000".into(), msg: "order not found".into(), reason: payout_core::RejectReason::NotFound });
/// assert_eq!(query_reading(&not_found, false), QueryReading::Event(Event::NotFound { may_resend: false }));
/// ```
pub fn query_reading(result: &Result<PayoutStatus, Error>, may_resend: bool) -> QueryReading {
    match result {
        Ok(status) => QueryReading::Event(Event::Observed(observation(status, Source::Query))),
        // The provider proves there is no payout under the trade number.
        Err(Error::NotFound { .. }) => QueryReading::Event(Event::NotFound { may_resend }),
        // Not a proof (the platform answers an unknown trade number and a
        // bad signature alike): the row's fate stays unknown, and it is
        // re-sent only where a re-send under the same trade number is
        // harmless (`may_resend`: it places the payout or is refused as a
        // duplicate / answered with the original payout).
        Err(Error::Rejected { .. }) => QueryReading::Event(Event::NotFound { may_resend }),
        Err(_) => QueryReading::NoAnswer,
    }
}

/// The event for a verified callback.
pub fn callback_event(update: &PayoutUpdate) -> Event {
    Event::Observed(observation(&update.status, Source::Callback))
}

/// Whether the provider's create is safe to repeat under the same trade
/// number, so that a row whose create may have left but that a query cannot
/// find may be sent again.
///
/// Read from the provider's [`payout_core::CreateDedup`]: Xendit
/// de-duplicates by idempotency key, and the PayPro/Vexora platforms refuse
/// a second create under an accepted trade number (protocol spec §7b), so
/// a re-send under the **same** trade number can never place a second
/// payout. A provider without either keeps such a row `unknown` forever
/// (never re-sent; a person decides).
pub fn may_resend_same_trade_no(provider: &dyn PayoutProvider) -> bool {
    provider.capabilities().create_dedup.resend_is_safe()
}

/// Whether an error from `validate_payout` means the order must not be
/// journaled at all (it breaks a rule; nothing will ever send it).
/// `Unsupported` (a provider without local validation) does not block.
pub fn blocks_journaling(error: &Error) -> bool {
    matches!(error, Error::Validation { .. } | Error::Config { .. })
}

/// The text stored as a row's last error: the error's phase and message,
/// at most 300 characters. Errors of `payout-core` carry no secrets.
pub fn error_text(error: &Error) -> String {
    let text = format!("{}: {error}", error.phase());
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn observation(status: &PayoutStatus, source: Source) -> Observation {
    Observation {
        state: observed(status.state, source),
        provider_status: Some(status.provider_status.to_string()),
        platform_trade_no: status.platform_trade_no.clone(),
        source,
    }
}

/// The journal's reading of a provider state. A status whose code no table
/// lists (`Unknown`) still proves the payout exists, so it reads as in
/// progress, never as failed; so does any state this crate does not know
/// yet.
fn observed(state: PayoutState, source: Source) -> Observed {
    match state {
        PayoutState::Succeeded => Observed::Succeeded,
        PayoutState::Failed => Observed::Failed,
        PayoutState::Cancelled => Observed::Cancelled,
        PayoutState::Reversed => Observed::Reversed,
        _ if source == Source::Create => Observed::Accepted,
        _ => Observed::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payout_core::error::Operation;
    use payout_core::{Currency, TradeNo};

    fn status(state: PayoutState) -> PayoutStatus {
        let mut s = PayoutStatus::new(
            "paypro",
            TradeNo::new("T1").unwrap(),
            state,
            "0015",
            Currency::from_static("IDR"),
        );
        s.platform_trade_no = Some("P1".into());
        s
    }

    #[test]
    fn create_answers() {
        let seen = |r| match create_event(&r, 1) {
            Event::Observed(o) => Some(o.state),
            _ => None,
        };
        assert_eq!(
            seen(Ok(status(PayoutState::Processing))),
            Some(Observed::Accepted)
        );
        assert_eq!(
            seen(Ok(status(PayoutState::Unknown))),
            Some(Observed::Accepted)
        );
        assert_eq!(
            seen(Ok(status(PayoutState::Failed))),
            Some(Observed::Failed)
        );
        let unknown = Error::OutcomeUnknown {
            trade_no: TradeNo::new("T1").unwrap(),
            cause: Box::new(Error::NoAnswer {
                operation: Operation::CreatePayout,
                message: "timeout".into(),
            }),
        };
        assert_eq!(create_event(&Err(unknown), 1), Event::OutcomeUnknown);
        let not_sent = Error::NotSent {
            operation: Operation::CreatePayout,
            message: "refused".into(),
        };
        assert_eq!(create_event(&Err(not_sent), 1), Event::NotSent);
        let http = Error::HttpStatus {
            operation: Operation::CreatePayout,
            status: 502,
            body_excerpt: String::new(),
        };
        assert_eq!(create_event(&Err(http), 1), Event::OutcomeUnknown);
    }

    #[test]
    fn query_answers() {
        match query_reading(&Ok(status(PayoutState::Unknown)), false) {
            QueryReading::Event(Event::Observed(o)) => {
                assert_eq!(o.state, Observed::Pending);
                assert_eq!(o.platform_trade_no.as_deref(), Some("P1"));
                assert_eq!(o.provider_status.as_deref(), Some("0015"));
            }
            other => panic!("{other:?}"),
        }
        let timeout = Error::NoAnswer {
            operation: Operation::QueryPayout,
            message: "timeout".into(),
        };
        assert_eq!(query_reading(&Err(timeout), true), QueryReading::NoAnswer);
    }

    #[test]
    fn error_text_is_bounded() {
        let e = Error::validation("x", "y".repeat(1000));
        let text = error_text(&e);
        assert!(text.starts_with("validation: invalid x"));
        assert_eq!(text.chars().count(), 301);
    }
}
