//! Unknown create outcomes taken to certain ones: a keyed create retried
//! under its key, and `resolve_unknown` after a dropped connection.

use payout_core::resolve::{PayoutResolveExt, Resolution, ResolveOptions};
use payout_core::{CreatePayout, Error, PayoutProvider, PayoutState};

use super::check;
use super::lifecycle::sent_once;
use crate::family::{Call, FaultKind, Script, SimFamily};
use crate::harness::{ATTEMPTS, PATIENCE};

/// Creates `order` and expects `OutcomeUnknown`.
async fn unknown(p: &dyn PayoutProvider, order: &CreatePayout) -> Result<(), String> {
    match p.create_payout(order).await {
        Err(Error::OutcomeUnknown { ref trade_no, .. }) if *trade_no == order.trade_no => Ok(()),
        other => Err(format!(
            "create {}: expected OutcomeUnknown, got {other:?}",
            order.trade_no
        )),
    }
}

/// `resolve_unknown` finds the payout under the order's trade number.
async fn found(p: &dyn PayoutProvider, order: &CreatePayout) -> Result<(), String> {
    match p
        .resolve_unknown(order, ResolveOptions::new(PATIENCE))
        .await
    {
        Ok(Resolution::Found(s))
            if s.trade_no == order.trade_no && s.state != PayoutState::Failed =>
        {
            Ok(())
        }
        other => Err(format!(
            "resolve_unknown of {} must find the payout, got {other:?}",
            order.trade_no
        )),
    }
}

/// A create under an idempotency key answered 500 is repeated by the
/// transport under the same key (every attempt of the policy), reported
/// `OutcomeUnknown`, and still exactly one payout exists, which
/// `resolve_unknown` finds.
pub async fn keyed_create_retried(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    let order = f.order(region, &[Script::Fault(FaultKind::ServerError)])?;
    let t = order.trade_no.as_str();
    unknown(p.as_ref(), &order).await?;
    if let Some(n) = f.requests(region, t, Call::Create) {
        check(n == ATTEMPTS, || {
            format!("a keyed create answered 500 is repeated under its key ({ATTEMPTS} attempts); sent {n} times")
        })?;
    }
    let held = f.payouts_held(region, t);
    check(held == 1, || {
        format!("{held} payouts under {t} after the repeats; exactly one must be")
    })?;
    found(p.as_ref(), &order).await?;
    let held = f.payouts_held(region, t);
    check(held == 1, || {
        format!("{held} payouts under {t} after resolve_unknown")
    })
}

/// A create whose connection was dropped is `OutcomeUnknown`;
/// `resolve_unknown` then finds the payout by query, without placing or
/// even sending it again.
pub async fn after_dropped_connection(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    let order = f.order(region, &[Script::Fault(FaultKind::Drop)])?;
    let t = order.trade_no.as_str();
    unknown(p.as_ref(), &order).await?;
    sent_once(f, region, &p.capabilities().create_dedup, t)?;
    let before = f.requests(region, t, Call::Create);
    found(p.as_ref(), &order).await?;
    let after = f.requests(region, t, Call::Create);
    check(before == after, || {
        format!("resolve_unknown re-sent the create of {t} although a query finds it ({before:?} then {after:?} creates)")
    })?;
    let held = f.payouts_held(region, t);
    check(held == 1, || {
        format!("{held} payouts under {t} after resolve_unknown; exactly one must be")
    })
}
