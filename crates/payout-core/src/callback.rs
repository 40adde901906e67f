//! Provider callbacks: the verified update, its errors, the reply bodies, and
//! the rule for applying an update over a known state.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::names::deserialize_from_str;
use crate::status::{PayoutState, PayoutStatus};

/// A verified status change pushed by the provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PayoutUpdate {
    /// The status the callback carries.
    pub status: PayoutStatus,
    /// The callback's `timestamp` (ms since the epoch), when sent.
    pub sent_at_ms: Option<u64>,
    /// The provider's event name, where it sends one (Xendit:
    /// `payout.succeeded`, ...).
    pub event: Option<String>,
    /// A key identifying this delivery, for de-duplication where the
    /// provider re-delivers (Xendit: the `webhook-id` header, else the
    /// payout id, event and update time).
    pub delivery_id: Option<String>,
}

impl PayoutUpdate {
    /// Wraps a verified status.
    pub fn new(status: PayoutStatus, sent_at_ms: Option<u64>) -> Self {
        Self {
            status,
            sent_at_ms,
            event: None,
            delivery_id: None,
        }
    }

    /// Sets the event name.
    pub fn with_event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// Sets the delivery id.
    pub fn with_delivery_id(mut self, id: impl Into<String>) -> Self {
        self.delivery_id = Some(id.into());
        self
    }
}

/// Why a callback was not accepted. Each is answered with the provider's
/// refusal ([`crate::PayoutProvider::callback_refusal`]) so that the
/// provider retries later, and must never be acted on — except
/// [`CallbackError::Ignored`], which is acknowledged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The signature does not match the body: forged or tampered.
    #[error("callback signature or token does not match; refuse it and do not act on it")]
    BadSignature,
    /// The callback carries no signature although the region signs callbacks.
    #[error("callback carries no signature or token although this provider authenticates callbacks; refuse it")]
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
    /// Authentic, but about something the SDK does not act on (an event it
    /// does not know). **Acknowledge it** and change nothing.
    #[error("callback verified and ignored: {0}")]
    Ignored(String),
}

impl CallbackError {
    /// A stable short name for logs and metrics: `bad_signature`,
    /// `missing_signature`, `unsigned`, `malformed`, `unsupported`,
    /// `ignored`.
    pub fn kind(&self) -> &'static str {
        match self {
            CallbackError::BadSignature => "bad_signature",
            CallbackError::MissingSignature => "missing_signature",
            CallbackError::Unsigned(_) => "unsigned",
            CallbackError::Malformed(_) => "malformed",
            CallbackError::Unsupported(_) => "unsupported",
            CallbackError::Ignored(_) => "ignored",
        }
    }

    /// True when the callback must be acknowledged although it carries no
    /// update ([`CallbackError::Ignored`]).
    pub fn is_ignored(&self) -> bool {
        matches!(self, CallbackError::Ignored(_))
    }
}

/// The HTTP reply to a callback. Each provider decides its own bodies
/// (the platform acknowledges with `OK`; Xendit with an empty `200`).
///
/// ```
/// use payout_core::CallbackReply;
/// let ok = CallbackReply::new(200, "OK");
/// assert_eq!(ok.status, 200);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackReply {
    /// HTTP status code.
    pub status: u16,
    /// Plain-text body.
    pub body: &'static str,
}

impl CallbackReply {
    /// A reply with `status` and `body`.
    pub const fn new(status: u16, body: &'static str) -> Self {
        Self { status, body }
    }

    /// The neutral acknowledgement: HTTP 200 with an empty body.
    pub const fn ok_empty() -> Self {
        Self::new(200, "")
    }

    /// The neutral refusal: HTTP 401 with an empty body, so the provider
    /// re-delivers later.
    pub const fn unauthorized() -> Self {
        Self::new(401, "")
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
    /// The recorded state is final and the update is a late non-final one
    /// (e.g. a late `processing` after `succeeded`): acknowledge, change
    /// nothing.
    KeepFinal,
    /// `succeeded → reversed`: the only legal move out of a final state.
    /// Record it, and treat it as its own event (the beneficiary is unpaid
    /// again and the money is back in the balance).
    Reversal,
    /// The update contradicts a recorded final state (e.g. `failed` then
    /// `succeeded`). Keep both observations, tell someone (it is logged at
    /// `error` by the SDK's receivers), and confirm by query; never pick one
    /// silently.
    Conflict {
        /// The final state recorded.
        known: PayoutState,
        /// The contradicting state reported.
        reported: PayoutState,
    },
}

impl ApplyDecision {
    /// A stable short name (`apply`, `duplicate`, `keep_final`,
    /// `reversal`, `conflict`); the `Display` form adds a conflict's
    /// states.
    pub fn as_str(&self) -> &'static str {
        match self {
            ApplyDecision::Apply => "apply",
            ApplyDecision::Duplicate => "duplicate",
            ApplyDecision::KeepFinal => "keep_final",
            ApplyDecision::Reversal => "reversal",
            ApplyDecision::Conflict { .. } => "conflict",
        }
    }
}

/// `apply`, `duplicate`, `keep_final`, `reversal`, or
/// `conflict:<known>-><reported>` (`conflict:failed->succeeded`): the
/// `FromStr` and serde form.
impl fmt::Display for ApplyDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyDecision::Conflict { known, reported } => {
                write!(f, "conflict:{known}->{reported}")
            }
            other => f.write_str(other.as_str()),
        }
    }
}

/// Reads the `Display` form back.
///
/// ```
/// use payout_core::{ApplyDecision, PayoutState};
/// let d: ApplyDecision = "conflict:failed->succeeded".parse()?;
/// assert_eq!(d, ApplyDecision::Conflict { known: PayoutState::Failed, reported: PayoutState::Succeeded });
/// assert_eq!("keep_final".parse::<ApplyDecision>()?, ApplyDecision::KeepFinal);
/// # Ok::<(), payout_core::Error>(())
/// ```
impl FromStr for ApplyDecision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "apply" => ApplyDecision::Apply,
            "duplicate" => ApplyDecision::Duplicate,
            "keep_final" => ApplyDecision::KeepFinal,
            "reversal" => ApplyDecision::Reversal,
            _ => {
                let (known, reported) = s
                    .strip_prefix("conflict:")
                    .and_then(|states| states.split_once("->"))
                    .ok_or_else(|| {
                        Error::validation(
                            "decision",
                            format!(
                                "must be apply, duplicate, keep_final, reversal or conflict:<known>-><reported> (got {:?})",
                                crate::error::excerpt(s.as_bytes(), 48)
                            ),
                        )
                    })?;
                ApplyDecision::Conflict {
                    known: known.parse()?,
                    reported: reported.parse()?,
                }
            }
        })
    }
}

/// Serialized as its `Display` form.
impl Serialize for ApplyDecision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ApplyDecision {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_from_str(d)
    }
}

/// Decides whether an update may be applied over a known state. A final
/// state is never overwritten, except `succeeded → reversed`; a final
/// update contradicting another final state is a conflict; duplicates are
/// recognised.
///
/// ```
/// use payout_core::{decide_update, ApplyDecision, PayoutState::*};
/// assert_eq!(decide_update(None, Processing), ApplyDecision::Apply);
/// assert_eq!(decide_update(Some(Processing), Succeeded), ApplyDecision::Apply);
/// assert_eq!(decide_update(Some(Succeeded), Succeeded), ApplyDecision::Duplicate);
/// assert_eq!(decide_update(Some(Succeeded), Processing), ApplyDecision::KeepFinal);
/// assert_eq!(decide_update(Some(Succeeded), Reversed), ApplyDecision::Reversal);
/// assert_eq!(
///     decide_update(Some(Failed), Succeeded),
///     ApplyDecision::Conflict { known: Failed, reported: Succeeded }
/// );
/// ```
pub fn decide_update(known: Option<PayoutState>, update: PayoutState) -> ApplyDecision {
    match known {
        None => ApplyDecision::Apply,
        Some(k) if k == update => ApplyDecision::Duplicate,
        Some(PayoutState::Succeeded) if update == PayoutState::Reversed => ApplyDecision::Reversal,
        Some(k) if k.is_final() && update.is_final() => ApplyDecision::Conflict {
            known: k,
            reported: update,
        },
        Some(k) if k.is_final() => ApplyDecision::KeepFinal,
        Some(_) => ApplyDecision::Apply,
    }
}

/// Logs a decision of [`decide_update`] as a receiver must: a
/// [`ApplyDecision::Conflict`] at `error` with both states (someone must
/// look: the provider contradicted a final state), a
/// [`ApplyDecision::Reversal`] at `warn` (a paid payout came back), the
/// others at `debug`. Call it wherever updates are applied (callback
/// receivers, reconciliation) after deciding. It logs the provider, the
/// trade number and the states only: nothing personal.
///
/// ```
/// use payout_core::{decide_update, log_decision, PayoutState, TradeNo};
/// let trade_no = TradeNo::new("PO-1")?;
/// let decision = decide_update(Some(PayoutState::Failed), PayoutState::Succeeded);
/// log_decision("paypro", &trade_no, Some(PayoutState::Failed), PayoutState::Succeeded, decision);
/// # Ok::<(), payout_core::Error>(())
/// ```
pub fn log_decision(
    provider: &str,
    trade_no: &crate::TradeNo,
    known: Option<PayoutState>,
    update: PayoutState,
    decision: ApplyDecision,
) {
    let known_text = known.map_or("none", |k| k.as_str());
    match decision {
        ApplyDecision::Conflict { known, reported } => tracing::error!(
            provider,
            %trade_no,
            known = %known,
            reported = %reported,
            decision = "conflict",
            "callback contradicts a final state: both kept, nothing applied; confirm with a status query and have someone look"
        ),
        ApplyDecision::Reversal => tracing::warn!(
            provider,
            %trade_no,
            known = known_text,
            reported = %update,
            decision = "reversal",
            "payout reversed after success: the beneficiary is unpaid and the money is back in the balance"
        ),
        other => tracing::debug!(
            provider,
            %trade_no,
            known = known_text,
            reported = %update,
            decision = other.as_str(),
            "callback decision"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a subscriber at TRACE wrote.
    #[derive(Clone, Default)]
    struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Logs {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn conflicts_are_logged_at_error_and_reversals_at_warn() {
        use PayoutState::*;
        let logs = Logs::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        let trade_no = crate::TradeNo::new("PO-7").unwrap();
        tracing::subscriber::with_default(subscriber, || {
            for (known, update) in [
                (Failed, Succeeded),
                (Succeeded, Reversed),
                (Processing, Succeeded),
            ] {
                log_decision(
                    "paypro",
                    &trade_no,
                    Some(known),
                    update,
                    decide_update(Some(known), update),
                );
            }
        });
        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for (line, level, parts) in [
            (
                lines[0],
                "ERROR",
                [
                    "known=failed",
                    "reported=succeeded",
                    "decision=\"conflict\"",
                ],
            ),
            (
                lines[1],
                "WARN",
                [
                    "known=\"succeeded\"",
                    "reported=reversed",
                    "decision=\"reversal\"",
                ],
            ),
            (
                lines[2],
                "DEBUG",
                [
                    "known=\"processing\"",
                    "reported=succeeded",
                    "decision=\"apply\"",
                ],
            ),
        ] {
            assert!(line.contains(level), "{line}");
            assert!(
                line.contains("provider=\"paypro\"") && line.contains("trade_no=PO-7"),
                "{line}"
            );
            for part in parts {
                assert!(line.contains(part), "{part} missing: {line}");
            }
        }
    }

    proptest! {
        /// A final state is only ever left for `succeeded → reversed`, and
        /// every contradiction between final states is a conflict.
        #[test]
        fn final_states_are_never_left_silently(
            known in prop::sample::select(PayoutState::ALL.to_vec()),
            update in prop::sample::select(PayoutState::ALL.to_vec()),
        ) {
            let d = decide_update(Some(known), update);
            if known.is_final() {
                let moves = matches!(d, ApplyDecision::Apply | ApplyDecision::Reversal);
                prop_assert_eq!(moves, known == PayoutState::Succeeded && update == PayoutState::Reversed);
                if update.is_final() && update != known && !moves {
                    prop_assert_eq!(d, ApplyDecision::Conflict { known, reported: update });
                }
            }
        }
    }
}
