//! Create → callback → final; outcome unknown resolved by a query; polling.

use std::time::Duration;

use payout_core::{Error, PayoutProviderExt, PayoutState, WaitOptions, WaitOutcome};
use payout_sim::Endpoint;

use super::check;
use super::query::settle;
use crate::harness::{Harness, PATIENCE};

/// A payout's final state arrives by a verified callback (or, in regions
/// that do not sign callbacks, an unsigned one confirmed by a query).
pub async fn callback_to_final(h: &Harness, region: &str) -> Result<(), String> {
    if !h.observes_callbacks(region) {
        return Ok(());
    }
    let p = h.provider(region)?;
    let order = h.order(region, "")?;
    let accepted = p.create_payout(&order).await.map_err(|e| e.to_string())?;
    check(
        matches!(
            accepted.state,
            PayoutState::Processing | PayoutState::Succeeded
        ),
        || format!("create answered {}", accepted.state),
    )?;
    let got = h
        .callbacks_until(&order.trade_no, |r| {
            r.iter()
                .any(|d| d.verdict.as_ref().is_ok_and(|u| u.status.state.is_final()))
        })
        .await;
    let last = got
        .iter()
        .rev()
        .find_map(|d| {
            d.verdict
                .as_ref()
                .ok()
                .filter(|u| u.status.state.is_final())
                .map(|u| (u, d.unsigned))
        })
        .ok_or_else(|| {
            format!(
                "no final callback for {} within {PATIENCE:?}; got {got:?}",
                order.trade_no
            )
        })?;
    let (update, unsigned) = last;
    check(update.status.state == PayoutState::Succeeded, || {
        format!("callback says {}", update.status.state)
    })?;
    check(
        update.status.amount.map(|a| a.normalize()) == Some(order.amount.normalize()),
        || {
            format!(
                "callback amount {:?} != {}",
                update.status.amount, order.amount
            )
        },
    )?;
    let declared_unsigned = p
        .capabilities()
        .region(region)
        .is_some_and(|r| r.callback_signing == payout_core::CallbackSigning::Unsigned);
    check(unsigned == declared_unsigned, || {
        format!("callback unsigned = {unsigned}, declared unsigned = {declared_unsigned}")
    })?;
    if unsigned {
        let confirmed = settle(p.as_ref(), &order.trade_no).await?;
        check(confirmed.state == PayoutState::Succeeded, || {
            format!("query after unsigned callback: {}", confirmed.state)
        })?;
    }
    Ok(())
}

/// A create that times out after the request left is `OutcomeUnknown`,
/// was sent exactly once, and a query then finds the payout.
pub async fn outcome_unknown_then_query(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    let order = h.order(region, "_SLOW")?;
    match p.create_payout(&order).await {
        Err(Error::OutcomeUnknown { ref trade_no, .. }) if *trade_no == order.trade_no => {}
        other => {
            return Err(format!(
                "expected OutcomeUnknown for a create that timed out, got {other:?}"
            ))
        }
    }
    let sent = h
        .sim
        .request_count(order.trade_no.as_str(), Endpoint::Create);
    check(sent == 1, || {
        format!("the create was sent {sent} times; it must never be retried once it may have left")
    })?;
    let s = settle(p.as_ref(), &order.trade_no).await?;
    check(s.state == PayoutState::Succeeded, || {
        format!("query after an unknown outcome: {}", s.state)
    })
}

/// `wait_until_final` returns the final state, and at its deadline returns
/// the last status of a payout that stays processing (never "failed").
pub async fn wait_until_final(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    let ok = h.order(region, "_FAIL")?;
    p.create_payout(&ok).await.map_err(|e| e.to_string())?;
    let opts =
        WaitOptions::new(PATIENCE).intervals(Duration::from_millis(20), Duration::from_millis(100));
    match p.wait_until_final(&ok.trade_no, opts).await {
        Ok(WaitOutcome::Final(s)) if s.state == PayoutState::Failed => {}
        other => return Err(format!("expected a final failed status, got {other:?}")),
    }
    let stuck = h.order(region, "_PROC")?;
    p.create_payout(&stuck).await.map_err(|e| e.to_string())?;
    let short = WaitOptions::new(Duration::from_millis(300))
        .intervals(Duration::from_millis(20), Duration::from_millis(50));
    match p.wait_until_final(&stuck.trade_no, short).await {
        Ok(WaitOutcome::DeadlineReached { last: Some(s), .. })
            if s.state == PayoutState::Processing =>
        {
            Ok(())
        }
        other => Err(format!(
            "expected the deadline with the last status processing, got {other:?}"
        )),
    }
}
