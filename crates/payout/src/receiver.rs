//! The SDK's callback receiver ([`CallbackReceiver`]): several provider
//! accounts, each a registered provider and a [`CallbackSink`], behind one
//! entry point. Framework-free: [`CallbackReceiver::receive`] takes the
//! account name, headers and body and returns the exact reply; with the
//! feature `axum`, `payout::axum_handler::callback_router` serves it as
//! `POST {prefix}/{account}`.
//!
//! For each delivery:
//!
//! 1. **Verify** with the account's provider
//!    ([`PayoutProvider::verify_callback`]). A forged, unsigned-where-signed
//!    or malformed callback is refused with the provider's own
//!    [`PayoutProvider::callback_refusal`] and never reaches the sink.
//!    [`CallbackError::Ignored`] (authentic, but an event the SDK does not
//!    act on) is acknowledged and nothing is recorded.
//! 2. **Unsigned callbacks** (regions that do not sign, e.g. Kenya) are
//!    never trusted: the payout is queried and the **queried** status goes
//!    to the sink. The callback is acknowledged when the query confirms it
//!    (the same state, or a final one); otherwise, or when the query fails,
//!    it is refused so that the provider delivers it again later.
//! 3. **Decide** with [`decide_update`] against the sink's
//!    [`CallbackSink::known_state`]; a delivery whose id
//!    ([`PayoutUpdate::delivery_id`], e.g. Xendit's `webhook-id`) was
//!    recorded before is a `Duplicate` without asking. Deliveries of one
//!    trade number are handled one at a time.
//! 4. **Log**: a conflict at `error` (provider, account, trade number, both
//!    states), a reversal at `warn`, the rest at `debug`. Never a header or
//!    the body.
//! 5. **Record** ([`CallbackSink::record`]) and acknowledge with the
//!    provider's own [`PayoutProvider::callback_ack`]; a sink error refuses
//!    the callback so that the provider re-delivers it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use payout_core::{
    decide_update, ApplyDecision, CallbackError, CallbackReply, CallbackSink, Error,
    PayoutProvider, PayoutState, PayoutUpdate, VerifiedCallback,
};

/// How many delivery ids the receiver remembers (the oldest are forgotten
/// first; a forgotten re-delivery is still recognised by its state).
pub const REMEMBERED_DELIVERIES: usize = 65_536;

/// Deliveries of trade numbers hashing to one stripe wait for each other.
const STRIPES: usize = 64;

/// Longest account name.
const MAX_ACCOUNT_LEN: usize = 64;

/// What the receiver did with one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Verified and handed to the sink with this decision.
    Recorded {
        /// The decision the sink got.
        decision: ApplyDecision,
        /// The delivery id had been recorded before.
        repeated_delivery: bool,
        /// The callback was unsigned; the sink got the queried status.
        confirmed_by_query: bool,
    },
    /// An unsigned callback whose query did not confirm it (the query
    /// reports another state, not final yet). The queried status was
    /// recorded; the callback is refused so that it comes again.
    Unconfirmed {
        /// The state the untrusted callback claimed.
        claimed: PayoutState,
        /// The state the query reported (recorded).
        queried: PayoutState,
    },
    /// Authentic, about an event the SDK does not act on: acknowledged,
    /// nothing recorded.
    Ignored,
    /// Not verified (forged, missing signature, malformed, no callbacks
    /// configured) or an unsigned callback whose query failed: refused,
    /// nothing recorded.
    Refused {
        /// Why, in words (no secret, no body).
        reason: String,
    },
    /// No account of that name is registered (answered 404).
    UnknownAccount,
    /// The sink failed to read or record: refused, so that the provider
    /// re-delivers.
    SinkFailed {
        /// The sink's error, in words.
        reason: String,
    },
}

/// The reply to send and what was done.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Receipt {
    /// The HTTP reply, exactly as the provider expects it.
    pub reply: CallbackReply,
    /// What the receiver did.
    pub verdict: Verdict,
}

impl Receipt {
    fn new(reply: CallbackReply, verdict: Verdict) -> Self {
        Self { reply, verdict }
    }

    /// Whether the delivery was acknowledged.
    pub fn acknowledged(&self) -> bool {
        matches!(self.verdict, Verdict::Recorded { .. } | Verdict::Ignored)
    }
}

#[derive(Clone)]
struct Account {
    provider: Arc<dyn PayoutProvider>,
    sink: Arc<dyn CallbackSink>,
}

/// Delivery ids recorded, oldest first, bounded.
#[derive(Default)]
struct Seen {
    ids: HashSet<(String, String)>,
    order: VecDeque<(String, String)>,
}

impl Seen {
    fn contains(&self, account: &str, id: &str) -> bool {
        self.ids.contains(&(account.to_owned(), id.to_owned()))
    }

    fn insert(&mut self, account: &str, id: &str) {
        let key = (account.to_owned(), id.to_owned());
        if self.ids.insert(key.clone()) {
            self.order.push_back(key);
            while self.order.len() > REMEMBERED_DELIVERIES {
                if let Some(old) = self.order.pop_front() {
                    self.ids.remove(&old);
                }
            }
        }
    }
}

/// The SDK's callback receiver: provider accounts by name, each with the
/// provider that verifies its callbacks and the sink that records them.
///
/// ```
/// use std::sync::Arc;
/// use payout::receiver::CallbackReceiver;
/// use payout::{async_trait, CallbackSink, PayoutState, SinkError, TradeNo, VerifiedCallback};
///
/// struct Log;
/// #[async_trait]
/// impl CallbackSink for Log {
///     async fn known_state(&self, _: &str, _: &TradeNo) -> Result<Option<PayoutState>, SinkError> {
///         Ok(None)
///     }
///     async fn record(&self, cb: &VerifiedCallback<'_>) -> Result<(), SinkError> {
///         tracing::info!(trade_no = %cb.update.status.trade_no, decision = cb.decision.as_str(), "callback");
///         Ok(())
///     }
/// }
///
/// # fn make(paypro: Arc<dyn payout::PayoutProvider>, xendit: Arc<dyn payout::PayoutProvider>) -> Result<(), payout::Error> {
/// let receiver = CallbackReceiver::new();
/// receiver.register("paypro-id", paypro, Arc::new(Log))?;
/// receiver.register("xendit", xendit, Arc::new(Log))?;
/// assert_eq!(receiver.accounts(), ["paypro-id", "xendit"]);
/// # Ok(()) }
/// ```
pub struct CallbackReceiver {
    accounts: RwLock<HashMap<String, Account>>,
    seen: Mutex<Seen>,
    stripes: Box<[tokio::sync::Mutex<()>]>,
}

impl Default for CallbackReceiver {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for CallbackReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackReceiver")
            .field("accounts", &self.accounts())
            .finish_non_exhaustive()
    }
}

impl CallbackReceiver {
    /// A receiver without accounts.
    pub fn new() -> Self {
        Self {
            accounts: RwLock::new(HashMap::new()),
            seen: Mutex::new(Seen::default()),
            stripes: (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    /// Registers (or replaces) the account `name`: `provider` verifies its
    /// callbacks, `sink` records them. The name is the URL path segment:
    /// 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
    ///
    /// # Errors
    /// [`Error::Config`] for a name that cannot be a path segment.
    pub fn register(
        &self,
        name: &str,
        provider: Arc<dyn PayoutProvider>,
        sink: Arc<dyn CallbackSink>,
    ) -> Result<(), Error> {
        let valid = !name.is_empty()
            && name.len() <= MAX_ACCOUNT_LEN
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && name != "."
            && name != "..";
        if !valid {
            return Err(Error::config(format!(
                "callback account name {:?} cannot be a URL path segment; use 1 to {MAX_ACCOUNT_LEN} ASCII letters, digits, '-', '_' or '.'",
                payout_core::error::excerpt(name.as_bytes(), 80)
            )));
        }
        tracing::debug!(
            account = name,
            provider = provider.id(),
            region = provider.region(),
            "callback account registered"
        );
        self.accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), Account { provider, sink });
        Ok(())
    }

    /// The registered account names, sorted.
    pub fn accounts(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        names.sort_unstable();
        names
    }

    fn account(&self, name: &str) -> Option<Account> {
        self.accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    fn stripe(&self, account: &str, trade_no: &str) -> &tokio::sync::Mutex<()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (account, trade_no).hash(&mut h);
        let n = self.stripes.len().max(1);
        let i = usize::try_from(h.finish() % n as u64).unwrap_or(0);
        &self.stripes[i]
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Handles one delivery for `account` (see the module documentation)
    /// and returns the reply to send.
    pub async fn receive(&self, account: &str, headers: &http::HeaderMap, body: &[u8]) -> Receipt {
        let Some(Account { provider, sink }) = self.account(account) else {
            tracing::warn!(
                account = %payout_core::error::excerpt(account.as_bytes(), 80),
                "callback for an account that is not registered"
            );
            return Receipt::new(CallbackReply::new(404, ""), Verdict::UnknownAccount);
        };
        let p = &*provider;
        let refuse =
            |reason: String| Receipt::new(p.callback_refusal(), Verdict::Refused { reason });
        let (update, untrusted) = match p.verify_callback(headers, body) {
            Ok(update) => (update, None),
            Err(e) if e.is_ignored() => {
                tracing::debug!(provider = p.id(), account, reason = %e, "callback acknowledged and ignored");
                return Receipt::new(p.callback_ack(), Verdict::Ignored);
            }
            Err(CallbackError::Unsigned(untrusted)) => {
                let trade_no = &untrusted.status.trade_no;
                match p.query_payout(trade_no).await {
                    Ok(status) => (
                        PayoutUpdate::new(status, untrusted.sent_at_ms),
                        Some(untrusted),
                    ),
                    Err(e) => {
                        tracing::warn!(provider = p.id(), account, trade_no = %trade_no, error = %e, "cannot confirm an unsigned callback by query; refusing it");
                        return refuse(format!("unsigned callback not confirmed: {e}"));
                    }
                }
            }
            Err(e) => {
                tracing::warn!(provider = p.id(), account, error = %e, "callback refused");
                return refuse(e.to_string());
            }
        };
        let status = &update.status;
        let trade_no = status.trade_no.as_str();
        let _turn = self.stripe(account, trade_no).lock().await;
        let repeated = update
            .delivery_id
            .as_deref()
            .is_some_and(|id| self.seen().contains(account, id));
        let decision = if repeated {
            ApplyDecision::Duplicate
        } else {
            match sink.known_state(account, &status.trade_no).await {
                Ok(known) => decide_update(known, status.state),
                Err(e) => return sink_failed(p, account, trade_no, &e),
            }
        };
        log_decision(p, account, &update, decision, repeated);
        let mut callback =
            VerifiedCallback::new(account, &update, decision, body, headers).repeated(repeated);
        if let Some(untrusted) = &untrusted {
            callback = callback.confirmed_by_query(untrusted);
        }
        if let Err(e) = sink.record(&callback).await {
            return sink_failed(p, account, trade_no, &e);
        }
        if let (Some(id), false) = (update.delivery_id.as_deref(), repeated) {
            self.seen().insert(account, id);
        }
        let claimed = untrusted.map(|u| u.status.state);
        match claimed {
            Some(claimed) if claimed != status.state && !status.state.is_final() => {
                tracing::info!(provider = p.id(), account, trade_no, claimed = %claimed, queried = %status.state, "unsigned callback not confirmed by its query; refused so that it comes again");
                Receipt::new(
                    p.callback_refusal(),
                    Verdict::Unconfirmed {
                        claimed,
                        queried: status.state,
                    },
                )
            }
            _ => Receipt::new(
                p.callback_ack(),
                Verdict::Recorded {
                    decision,
                    repeated_delivery: repeated,
                    confirmed_by_query: claimed.is_some(),
                },
            ),
        }
    }
}

fn sink_failed(
    provider: &dyn PayoutProvider,
    account: &str,
    trade_no: &str,
    error: &payout_core::SinkError,
) -> Receipt {
    tracing::warn!(provider = provider.id(), account, trade_no, error = %error, "callback sink failed; refusing the callback so that it is delivered again");
    Receipt::new(
        provider.callback_refusal(),
        Verdict::SinkFailed {
            reason: error.to_string(),
        },
    )
}

fn log_decision(
    provider: &dyn PayoutProvider,
    account: &str,
    update: &PayoutUpdate,
    decision: ApplyDecision,
    repeated: bool,
) {
    let s = &update.status;
    let provider = provider.id();
    match decision {
        ApplyDecision::Conflict { known, reported } => tracing::error!(
            provider,
            account,
            trade_no = %s.trade_no,
            known = %known,
            reported = %reported,
            "callback contradicts the recorded final state: both observations kept; confirm by query"
        ),
        ApplyDecision::Reversal => tracing::warn!(
            provider,
            account,
            trade_no = %s.trade_no,
            "payout reversed after it succeeded: the beneficiary is unpaid and the money is back"
        ),
        other => tracing::debug!(
            provider,
            account,
            trade_no = %s.trade_no,
            state = %s.state,
            decision = other.as_str(),
            repeated,
            "callback verified"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_delivery_ids_are_bounded() {
        let mut seen = Seen::default();
        for i in 0..(REMEMBERED_DELIVERIES + 10) {
            seen.insert("a", &i.to_string());
        }
        assert_eq!(seen.ids.len(), REMEMBERED_DELIVERIES);
        assert!(!seen.contains("a", "0"), "the oldest is forgotten");
        assert!(seen.contains("a", &(REMEMBERED_DELIVERIES + 9).to_string()));
        assert!(!seen.contains("b", "20"), "ids are per account");
    }
}
