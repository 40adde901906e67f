//! Create → callback → final; outcome unknown resolved by a query; polling.

use std::time::Duration;

use payout_core::{
    CallbackSigning, Error, PayoutProviderExt, PayoutState, WaitOptions, WaitOutcome,
};

use super::check;
use super::support::{callbacks_until, is_final, place, settle};
use crate::family::{Call, FaultKind, Script, SimFamily};
use crate::harness::{ATTEMPTS, PATIENCE};

/// A payout's final state arrives by a verified callback (or, in regions
/// that do not sign callbacks, an unsigned one confirmed by a query).
pub async fn callback_to_final(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    if !f.observes_callbacks(region) {
        return Ok(());
    }
    let placed = place(f, region, &[Script::Succeed]).await?;
    let (p, order) = (placed.p.as_ref(), &placed.order);
    check(
        matches!(
            placed.accepted.state,
            PayoutState::Processing | PayoutState::Succeeded
        ),
        || format!("create answered {}", placed.accepted.state),
    )?;
    let got = callbacks_until(f, region, &order.trade_no, |r| r.iter().any(is_final)).await;
    let (update, unsigned) = got
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
    check(update.status.state == PayoutState::Succeeded, || {
        format!("callback says {}", update.status.state)
    })?;
    let amount = update.status.amount.or(update.status.requested_amount);
    check(
        amount.map(|a| a.normalize()) == Some(order.amount.normalize()),
        || format!("callback amount {amount:?} != {}", order.amount),
    )?;
    let declared_unsigned = p
        .capabilities()
        .region(region)
        .is_some_and(|r| r.callback_signing == CallbackSigning::Unsigned);
    check(unsigned == declared_unsigned, || {
        format!("callback unsigned = {unsigned}, declared unsigned = {declared_unsigned}")
    })?;
    if unsigned {
        let confirmed = settle(p, &order.trade_no).await?;
        check(confirmed.state == PayoutState::Succeeded, || {
            format!("query after unsigned callback: {}", confirmed.state)
        })?;
    }
    Ok(())
}

/// A create that times out after the request left is `OutcomeUnknown`,
/// was sent once (or, under an idempotency key, at most once per attempt,
/// placing one payout), and a query then finds the payout.
pub async fn outcome_unknown_then_query(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    let order = f.order(region, &[Script::Fault(FaultKind::Slow)])?;
    match p.create_payout(&order).await {
        Err(Error::OutcomeUnknown { ref trade_no, .. }) if *trade_no == order.trade_no => {}
        other => {
            return Err(format!(
                "expected OutcomeUnknown for a create that timed out, got {other:?}"
            ))
        }
    }
    sent_once(
        f,
        region,
        &p.capabilities().create_dedup,
        order.trade_no.as_str(),
    )?;
    let s = settle(p.as_ref(), &order.trade_no).await?;
    check(s.state == PayoutState::Succeeded, || {
        format!("query after an unknown outcome: {}", s.state)
    })
}

/// A create that may have left was sent exactly once — or, where the
/// provider de-duplicates by an idempotency key, repeated only within the
/// transport's attempts — and placed exactly one payout.
pub(crate) fn sent_once(
    f: &dyn SimFamily,
    region: &str,
    dedup: &payout_core::CreateDedup,
    t: &str,
) -> Result<(), String> {
    let held = f.payouts_held(region, t);
    check(held == 1, || {
        format!("{held} payouts are held under {t}; exactly one must be")
    })?;
    let sent = f.requests(region, t, Call::Create);
    let keyed = *dedup == payout_core::CreateDedup::IdempotencyKey;
    match sent {
        Some(n) if keyed => check((1..=ATTEMPTS).contains(&n), || {
            format!("the keyed create {t} was sent {n} times; at most {ATTEMPTS} attempts")
        }),
        Some(n) => check(n == 1, || {
            format!("the create {t} was sent {n} times; never retry once it may have left")
        }),
        None => Ok(()),
    }
}

/// `wait_until_final` returns the final state, and at its deadline returns
/// the last status of a payout that stays processing (never "failed").
pub async fn wait_until_final(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let failing = place(f, region, &[Script::Fail]).await?;
    let opts =
        WaitOptions::new(PATIENCE).intervals(Duration::from_millis(20), Duration::from_millis(100));
    match failing
        .p
        .wait_until_final(&failing.order.trade_no, opts)
        .await
    {
        Ok(WaitOutcome::Final(s)) if s.state == PayoutState::Failed => {}
        other => return Err(format!("expected a final failed status, got {other:?}")),
    }
    let stuck = place(f, region, &[Script::StayProcessing]).await?;
    let short = WaitOptions::new(Duration::from_millis(300))
        .intervals(Duration::from_millis(20), Duration::from_millis(50));
    match stuck.p.wait_until_final(&stuck.order.trade_no, short).await {
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
