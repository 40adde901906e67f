//! The journal as a callback sink: `impl CallbackSink for Journaled`, so
//! that the SDK's receiver (`payout::receiver::CallbackReceiver`, served by
//! `payout::axum_handler::callback_router` with the facade's feature
//! `axum`) folds verified callbacks straight into the journal. No web
//! framework here: the trait is `payout-core`'s.
//!
//! Register one [`Journaled`] per receiver account (its provider account):
//!
//! ```no_run
//! # async fn f(provider: std::sync::Arc<dyn payout_core::PayoutProvider>) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use payout_journal::{Journal, Journaled};
//!
//! let journal = Journal::open("sqlite:payouts.db").await?;
//! let payouts = Journaled::new(provider, journal, "8729248847");
//! let sink: Arc<dyn payout_core::CallbackSink> = Arc::new(payouts.clone());
//! // receiver.register("paypro-id", Arc::clone(payouts.provider()), sink)?;
//! # let _ = sink;
//! # Ok(()) }
//! ```

use payout_core::{
    async_trait, ApplyDecision, CallbackSink, PayoutState, SinkError, TradeNo, VerifiedCallback,
};

use crate::error::JournalError;
use crate::journaled::{CallbackOutcome, Journaled};
use crate::state::JournalState;
use crate::transition::Effect;

impl From<JournalError> for SinkError {
    fn from(e: JournalError) -> Self {
        SinkError::from_error(e)
    }
}

/// The payout state a journal row stands for, as far as a callback
/// decision goes: `None` while the create's outcome is open (`intent`,
/// `sending`, `unknown`) or the row is a conflict (the journal's own
/// state machine then decides); `rejected` counts as `failed` (nothing
/// was paid, so a later `succeeded` is a conflict).
pub fn payout_state(state: JournalState) -> Option<PayoutState> {
    match state {
        JournalState::Accepted | JournalState::Pending => Some(PayoutState::Processing),
        JournalState::Succeeded => Some(PayoutState::Succeeded),
        JournalState::Failed | JournalState::Rejected => Some(PayoutState::Failed),
        JournalState::Cancelled => Some(PayoutState::Cancelled),
        JournalState::Reversed => Some(PayoutState::Reversed),
        JournalState::Intent
        | JournalState::Sending
        | JournalState::Unknown
        | JournalState::Conflict => None,
    }
}

/// Folds verified callbacks into the journal. The receiver's decision is
/// advisory here: every delivery goes through the journal's own state
/// machine ([`Journaled::apply_callback`]; duplicates and late updates
/// change nothing, contradictions become `conflict`), which is also logged
/// at `error` when the receiver did not already see a conflict. A payout
/// that is not in the journal is acknowledged and not recorded; a database
/// error refuses the callback, so that the provider delivers it again.
#[async_trait]
impl CallbackSink for Journaled {
    async fn known_state(
        &self,
        _account: &str,
        trade_no: &TradeNo,
    ) -> Result<Option<PayoutState>, SinkError> {
        let key = crate::record::PayoutKey::new(
            &self.scope().provider,
            &self.scope().account,
            trade_no.as_str(),
        );
        let row = self.journal().get(&key).await?;
        Ok(row.and_then(|r| payout_state(r.state)))
    }

    async fn record(&self, callback: &VerifiedCallback<'_>) -> Result<(), SinkError> {
        if callback.repeated_delivery {
            return Ok(()); // recorded when it first came
        }
        match self.apply_callback(callback.update).await? {
            CallbackOutcome::Recorded(applied) => {
                let seen_by_receiver = matches!(callback.decision, ApplyDecision::Conflict { .. });
                if applied.effect == Effect::Conflict && !seen_by_receiver {
                    tracing::error!(
                        provider = %self.scope().provider,
                        trade_no = %callback.update.status.trade_no,
                        reported = %callback.update.status.state,
                        "callback contradicts the journal: the row is a conflict, both observations kept"
                    );
                }
                Ok(())
            }
            CallbackOutcome::NotJournaled => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_rows_and_conflicts_have_no_payout_state() {
        for s in JournalState::ALL {
            let mapped = payout_state(s);
            match s {
                JournalState::Intent
                | JournalState::Sending
                | JournalState::Unknown
                | JournalState::Conflict => assert_eq!(mapped, None, "{s}"),
                _ => assert_eq!(
                    mapped.is_some_and(|p| p.is_final()),
                    s.is_final(),
                    "{s}: final rows map to final states"
                ),
            }
        }
    }
}
