//! Provider callbacks: the verified update, its errors, the reply bodies, and
//! the rule for applying an update over a known state.

use serde::Serialize;

use crate::status::{PayoutState, PayoutStatus};

/// A verified status change pushed by the provider.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PayoutUpdate {
    /// The status the callback carries.
    pub status: PayoutStatus,
    /// The callback's `timestamp` (ms since the epoch), when sent.
    pub sent_at_ms: Option<u64>,
}

impl PayoutUpdate {
    /// Wraps a verified status.
    pub fn new(status: PayoutStatus, sent_at_ms: Option<u64>) -> Self {
        Self { status, sent_at_ms }
    }
}

/// Why a callback was not accepted. Each is answered with
/// [`CallbackReply::refuse`] so that the provider retries later, and must
/// never be acted on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The signature does not match the body: forged or tampered.
    #[error("callback signature does not match its body; refuse it and do not act on it")]
    BadSignature,
    /// The callback carries no signature although the region signs callbacks.
    #[error("callback has no `sign` field although this region signs callbacks; refuse it")]
    MissingSignature,
    /// The region does not sign callbacks (e.g. Kenya): the content is
    /// parsed but cannot be trusted. Confirm it with a status query.
    #[error("callback for {} is unsigned in this region; confirm it by querying the payout", .0.status.trade_no)]
    Unsigned(Box<PayoutUpdate>),
    /// The body is not a callback (not JSON, missing or invalid fields).
    #[error("malformed callback: {0}")]
    Malformed(String),
    /// The provider has no callbacks in this configuration.
    #[error("{0} does not support callbacks in this configuration")]
    Unsupported(String),
}

/// The HTTP reply a callback handler must send.
///
/// ```
/// use payout_core::CallbackReply;
/// assert_eq!(CallbackReply::ack().body, "OK");
/// assert_eq!(CallbackReply::ack().status, 200);
/// assert_ne!(CallbackReply::refuse().body, "OK");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackReply {
    /// HTTP status code.
    pub status: u16,
    /// Plain-text body.
    pub body: &'static str,
}

impl CallbackReply {
    /// The acknowledgement: HTTP 200, body `OK` (case-sensitive). The
    /// provider stops re-delivering.
    pub const fn ack() -> Self {
        Self {
            status: 200,
            body: "OK",
        }
    }

    /// A refusal: HTTP 400 with a body other than `OK`, so the provider
    /// re-delivers later.
    pub const fn refuse() -> Self {
        Self {
            status: 400,
            body: "FAIL",
        }
    }
}

/// What to do with an update, given the state already recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApplyDecision {
    /// Record the new state.
    Apply,
    /// Same state as recorded: acknowledge, change nothing.
    Duplicate,
    /// The recorded state is final and the update would move it: acknowledge,
    /// change nothing (e.g. a late `0015` after `0000`).
    KeepFinal,
}

/// Decides whether an update may be applied over a known state. A final
/// state is never overwritten; duplicates are recognised.
///
/// ```
/// use payout_core::{decide_update, ApplyDecision, PayoutState::*};
/// assert_eq!(decide_update(None, Processing), ApplyDecision::Apply);
/// assert_eq!(decide_update(Some(Processing), Succeeded), ApplyDecision::Apply);
/// assert_eq!(decide_update(Some(Succeeded), Succeeded), ApplyDecision::Duplicate);
/// assert_eq!(decide_update(Some(Succeeded), Processing), ApplyDecision::KeepFinal);
/// ```
pub fn decide_update(known: Option<PayoutState>, update: PayoutState) -> ApplyDecision {
    match known {
        None => ApplyDecision::Apply,
        Some(k) if k == update => ApplyDecision::Duplicate,
        Some(k) if k.is_final() => ApplyDecision::KeepFinal,
        Some(_) => ApplyDecision::Apply,
    }
}
