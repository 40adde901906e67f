//! Where verified callbacks go: the [`CallbackSink`] a receiver hands every
//! authentic delivery to, with the [`ApplyDecision`] it took against the
//! state the sink knows.
//!
//! The trait is framework-free, so that any store can be a sink (the
//! payout journal is one) and any receiver can drive it; the SDK's own
//! receiver is the `payout` facade's `receiver::CallbackReceiver` (served
//! by axum with the facade's feature `axum`).

use std::fmt;

use async_trait::async_trait;

use crate::callback::{ApplyDecision, PayoutUpdate};
use crate::status::PayoutState;
use crate::trade_no::TradeNo;

/// One authentic delivery, as a receiver hands it to a [`CallbackSink`].
///
/// `Debug` shows the account, provider, trade number, state and decision
/// only: never the headers (they may carry the provider's token) nor the
/// body (it may carry personal data).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct VerifiedCallback<'a> {
    /// The receiver's name for the provider account it arrived for.
    pub account: &'a str,
    /// The verified update. For a callback confirmed by query
    /// (`confirmed_by_query`), the **queried** status, never the callback's
    /// own content.
    pub update: &'a PayoutUpdate,
    /// What to do with it, decided with [`crate::decide_update`] against
    /// [`CallbackSink::known_state`] (or [`ApplyDecision::Duplicate`] for a
    /// delivery id already recorded).
    pub decision: ApplyDecision,
    /// True when the delivery's id was recorded before (a re-delivery of
    /// the same event): the decision is then `Duplicate`.
    pub repeated_delivery: bool,
    /// True when the callback was unsigned (regions that do not sign, e.g.
    /// Kenya) and its status comes from a status query.
    pub confirmed_by_query: bool,
    /// For a callback confirmed by query: what the unsigned callback itself
    /// said. **Untrusted**: for audit only, never to act on.
    pub unsigned_content: Option<&'a PayoutUpdate>,
    /// The raw body as received, for audit.
    pub body: &'a [u8],
    /// The request headers as received, for audit. They may carry the
    /// provider's token: never log them.
    pub headers: &'a http::HeaderMap,
}

impl<'a> VerifiedCallback<'a> {
    /// A delivery for `account` with the decision `decision`; not repeated,
    /// not confirmed by query.
    pub fn new(
        account: &'a str,
        update: &'a PayoutUpdate,
        decision: ApplyDecision,
        body: &'a [u8],
        headers: &'a http::HeaderMap,
    ) -> Self {
        Self {
            account,
            update,
            decision,
            repeated_delivery: false,
            confirmed_by_query: false,
            unsigned_content: None,
            body,
            headers,
        }
    }

    /// Marks the delivery as a repeat of a recorded delivery id.
    pub fn repeated(mut self, repeated: bool) -> Self {
        self.repeated_delivery = repeated;
        self
    }

    /// Marks the status as confirmed by a query of an unsigned callback,
    /// which said `unsigned_content`.
    pub fn confirmed_by_query(mut self, unsigned_content: &'a PayoutUpdate) -> Self {
        self.confirmed_by_query = true;
        self.unsigned_content = Some(unsigned_content);
        self
    }

    /// Whether the sink must change what it holds: `Apply`, `Reversal`, or
    /// `Conflict` (keep both observations). `Duplicate` and `KeepFinal`
    /// change nothing.
    pub fn changes_state(&self) -> bool {
        matches!(
            self.decision,
            ApplyDecision::Apply | ApplyDecision::Reversal | ApplyDecision::Conflict { .. }
        )
    }
}

impl fmt::Debug for VerifiedCallback<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCallback")
            .field("account", &self.account)
            .field("provider", &self.update.status.provider)
            .field("trade_no", &self.update.status.trade_no)
            .field("state", &self.update.status.state)
            .field("decision", &self.decision)
            .field("repeated_delivery", &self.repeated_delivery)
            .field("confirmed_by_query", &self.confirmed_by_query)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Why a sink could not read or record a delivery. The receiver then
/// refuses the callback, so that the provider delivers it again later.
///
/// ```
/// use payout_core::SinkError;
/// let io = std::io::Error::other("disk full");
/// let e = SinkError::new("cannot store the update").with_source(io);
/// assert_eq!(e.to_string(), "cannot store the update");
/// assert!(std::error::Error::source(&e).is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SinkError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl SinkError {
    /// An error saying what failed. Never put personal data or secrets in it:
    /// receivers log it.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// The underlying error (a database's, ...).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Wraps an error, using its text as the message.
    pub fn from_error(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::new(source.to_string()).with_source(source)
    }
}

/// Where a receiver hands verified callbacks: your database, queue, or the
/// payout journal.
///
/// For each authentic delivery the receiver asks [`CallbackSink::known_state`]
/// for the state the sink holds, decides with [`crate::decide_update`], and
/// calls [`CallbackSink::record`] with the decision; deliveries of one
/// trade number are handed over one at a time. An `Err` from either makes
/// the receiver refuse the callback, so that the provider re-delivers it.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use payout_core::{async_trait, CallbackSink, PayoutState, SinkError, TradeNo, VerifiedCallback};
///
/// #[derive(Default)]
/// struct Memory(Mutex<HashMap<String, PayoutState>>);
///
/// #[async_trait]
/// impl CallbackSink for Memory {
///     async fn known_state(&self, account: &str, trade_no: &TradeNo) -> Result<Option<PayoutState>, SinkError> {
///         let map = self.0.lock().map_err(|_| SinkError::new("state lock poisoned"))?;
///         Ok(map.get(&format!("{account}/{trade_no}")).copied())
///     }
///     async fn record(&self, cb: &VerifiedCallback<'_>) -> Result<(), SinkError> {
///         if cb.changes_state() {
///             let key = format!("{}/{}", cb.account, cb.update.status.trade_no);
///             let mut map = self.0.lock().map_err(|_| SinkError::new("state lock poisoned"))?;
///             map.insert(key, cb.update.status.state);
///         }
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait CallbackSink: Send + Sync {
    /// The state recorded for the payout `trade_no` of `account`; `None`
    /// when the sink holds none.
    ///
    /// # Errors
    /// When the state cannot be read: the callback is refused.
    async fn known_state(
        &self,
        account: &str,
        trade_no: &TradeNo,
    ) -> Result<Option<PayoutState>, SinkError>;

    /// Records one verified delivery. Change state only as the decision
    /// says ([`VerifiedCallback::changes_state`]); keep both observations of
    /// a [`ApplyDecision::Conflict`]. Every authentic delivery arrives here,
    /// duplicates included (with their decision), so that it can be audited.
    ///
    /// # Errors
    /// When it could not be recorded: the callback is refused and the
    /// provider delivers it again.
    async fn record(&self, callback: &VerifiedCallback<'_>) -> Result<(), SinkError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::status::PayoutStatus;

    #[test]
    fn debug_shows_neither_headers_nor_body() {
        let status = PayoutStatus::new(
            "paypro",
            TradeNo::new("T1").expect("valid"),
            PayoutState::Succeeded,
            "0000",
            Currency::from_static("IDR"),
        );
        let update = PayoutUpdate::new(status, None);
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-callback-token",
            http::HeaderValue::from_static("tok-SECRET"),
        );
        let body = br#"{"accountNo":"5464438554636"}"#;
        let cb = VerifiedCallback::new("acct", &update, ApplyDecision::Apply, body, &headers);
        let text = format!("{cb:?}");
        assert!(text.contains("T1") && text.contains("Apply"), "{text}");
        assert!(
            !text.contains("SECRET") && !text.contains("5464438554636"),
            "{text}"
        );
        assert!(cb.changes_state());
    }
}
