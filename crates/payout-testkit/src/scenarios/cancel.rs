//! Cancelling a payout: allowed while the provider has not handed it on,
//! refused once it is final.

use payout_core::{Error, PayoutRef, PayoutState, RejectReason};

use super::check;
use super::support::{place, settle};
use crate::family::{Script, SimFamily};

/// A cancellable payout is cancelled by its trade number and another by
/// the provider's id (`cancelled`, and a query agrees); a succeeded payout
/// cannot be cancelled (`Rejected` with `NotAllowed`, and it stays
/// succeeded); cancelling a trade number nobody used is an error, never a
/// status.
pub async fn cancel(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let by_trade_no = place(f, region, &[Script::Cancellable]).await?;
    let (p, t) = (by_trade_no.p.as_ref(), &by_trade_no.order.trade_no);
    check(
        by_trade_no.accepted.state == PayoutState::Processing,
        || {
            format!(
                "a cancellable payout was created {}",
                by_trade_no.accepted.state
            )
        },
    )?;
    let s = p
        .cancel_payout(&PayoutRef::TradeNo(t.clone()))
        .await
        .map_err(|e| format!("cancel {t} by trade number: {e}"))?;
    check(
        s.state == PayoutState::Cancelled
            && s.platform_trade_no == by_trade_no.accepted.platform_trade_no,
        || {
            format!(
                "cancel {t}: expected payout {:?} cancelled, got {:?} {}",
                by_trade_no.accepted.platform_trade_no, s.platform_trade_no, s.state
            )
        },
    )?;
    let q = p.query_payout(t).await.map_err(|e| e.to_string())?;
    check(q.state == PayoutState::Cancelled, || {
        format!("query after cancelling {t}: {}", q.state)
    })?;

    let by_id = place(f, region, &[Script::Cancellable]).await?;
    let id = by_id
        .accepted
        .platform_trade_no
        .clone()
        .ok_or("the create answer carries no payout id")?;
    let s = p
        .cancel_payout(&PayoutRef::ProviderId(id.clone()))
        .await
        .map_err(|e| format!("cancel {id} by the provider's id: {e}"))?;
    check(s.state == PayoutState::Cancelled, || {
        format!("cancel {id}: {}", s.state)
    })?;

    let paid = place(f, region, &[Script::Succeed]).await?;
    let t = &paid.order.trade_no;
    let s = settle(p, t).await?;
    check(s.state == PayoutState::Succeeded, || {
        format!("{t}: expected succeeded, got {}", s.state)
    })?;
    let id = s.platform_trade_no.clone().ok_or("no payout id")?;
    match p.cancel_payout(&PayoutRef::ProviderId(id)).await {
        Err(Error::Rejected {
            reason: RejectReason::NotAllowed,
            ..
        }) => {}
        other => {
            return Err(format!(
                "cancelling a succeeded payout must be Rejected (not_allowed), got {other:?}"
            ))
        }
    }
    let q = p.query_payout(t).await.map_err(|e| e.to_string())?;
    check(q.state == PayoutState::Succeeded, || {
        format!("{t} after a refused cancel: {}", q.state)
    })?;

    let nobody = f.order(region, &[])?.trade_no;
    match p.cancel_payout(&PayoutRef::TradeNo(nobody.clone())).await {
        Err(Error::NotFound { .. } | Error::Rejected { .. }) => Ok(()),
        other => Err(format!(
            "cancelling {nobody}, which nobody used, must be NotFound or Rejected, got {other:?}"
        )),
    }
}
