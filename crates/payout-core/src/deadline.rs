//! Per-call deadlines ([`PayoutDeadlineExt`]), with the one rule that
//! matters for money: a create cut short by its deadline after the request
//! may have left is [`Error::OutcomeUnknown`], never "failed" and never
//! silently dropped.

use std::time::Duration;

use async_trait::async_trait;

use crate::error::{Error, Operation};
use crate::provider::PayoutProvider;
use crate::request::CreatePayout;
use crate::status::PayoutStatus;
use crate::trade_no::TradeNo;

fn elapsed(operation: Operation, deadline: Duration) -> Error {
    Error::NoAnswer {
        operation,
        message: format!("no answer within the call's deadline of {deadline:?}"),
    }
}

/// Calls with a hard deadline, for every [`PayoutProvider`].
///
/// Prefer these to wrapping a call in `tokio::time::timeout` yourself: a
/// bare timeout around `create_payout` returns `Elapsed` while the payout
/// may well be placed; [`PayoutDeadlineExt::create_payout_within`] says so
/// ([`Error::OutcomeUnknown`]), and the trade number's fate is then learnt
/// with [`crate::resolve::PayoutResolveExt::resolve_unknown`].
///
/// ```no_run
/// use std::time::Duration;
/// use payout_core::{CreatePayout, Error, PayoutProvider};
/// use payout_core::deadline::PayoutDeadlineExt;
///
/// async fn place(p: &dyn PayoutProvider, order: &CreatePayout) -> Result<(), Error> {
///     match p.create_payout_within(order, Duration::from_secs(5)).await {
///         Err(e) if e.is_outcome_unknown() => { /* resolve_unknown(order, ..) */ }
///         other => { other?; }
///     }
///     Ok(())
/// }
/// ```
#[async_trait]
pub trait PayoutDeadlineExt: PayoutProvider {
    /// [`PayoutProvider::create_payout`] within `deadline`. Past the deadline
    /// the call is abandoned and answers [`Error::OutcomeUnknown`] (the
    /// request may have left).
    ///
    /// # Errors
    /// As `create_payout`.
    async fn create_payout_within(
        &self,
        order: &CreatePayout,
        deadline: Duration,
    ) -> Result<PayoutStatus, Error> {
        match tokio::time::timeout(deadline, self.create_payout(order)).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(trade_no = %order.trade_no, ?deadline, "create cut short by its deadline: outcome unknown, query before any retry");
                Err(Error::OutcomeUnknown {
                    trade_no: order.trade_no.clone(),
                    cause: Box::new(elapsed(Operation::CreatePayout, deadline)),
                })
            }
        }
    }

    /// [`PayoutProvider::query_payout`] within `deadline` (a query is
    /// idempotent: abandoning it is harmless).
    ///
    /// # Errors
    /// As `query_payout`, or [`Error::NoAnswer`] past the deadline.
    async fn query_payout_within(
        &self,
        trade_no: &TradeNo,
        deadline: Duration,
    ) -> Result<PayoutStatus, Error> {
        tokio::time::timeout(deadline, self.query_payout(trade_no))
            .await
            .unwrap_or_else(|_| Err(elapsed(Operation::QueryPayout, deadline)))
    }
}

impl<P: PayoutProvider + ?Sized> PayoutDeadlineExt for P {}
