//! What several scenarios share: checks, placing a payout, waiting for a
//! final state, for callbacks, for a quiet ledger.

use std::sync::Arc;
use std::time::Duration;

use payout_core::{CreatePayout, PayoutProvider, PayoutState, PayoutStatus, TradeNo};

use crate::family::{Ledger, Script, SimFamily};
use crate::harness::PATIENCE;
use crate::receiver::Received;

/// `Err(message)` unless `cond`.
pub(crate) fn check(cond: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(message())
    }
}

/// Queries until the state is not `processing` (bounded by [`PATIENCE`]).
pub(crate) async fn settle(p: &dyn PayoutProvider, t: &TradeNo) -> Result<PayoutStatus, String> {
    query_until(p, t, |s| s.state != PayoutState::Processing).await
}

/// Queries until `done` holds for the status (bounded by [`PATIENCE`]);
/// returns the last status either way.
pub(crate) async fn query_until(
    p: &dyn PayoutProvider,
    t: &TradeNo,
    done: impl Fn(&PayoutStatus) -> bool,
) -> Result<PayoutStatus, String> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let s = p
            .query_payout(t)
            .await
            .map_err(|e| format!("query {t}: {e}"))?;
        if done(&s) || tokio::time::Instant::now() >= deadline {
            return Ok(s);
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// A payout placed under `scripts`: the provider, the order and the
/// create's answer.
pub(crate) struct Placed {
    pub p: Arc<dyn PayoutProvider>,
    pub order: CreatePayout,
    pub accepted: PayoutStatus,
}

/// Creates a payout playing `scripts`.
pub(crate) async fn place(
    f: &dyn SimFamily,
    region: &str,
    scripts: &[Script],
) -> Result<Placed, String> {
    let p = f.provider(region)?;
    let order = f.order(region, scripts)?;
    let accepted = p
        .create_payout(&order)
        .await
        .map_err(|e| format!("create {}: {e}", order.trade_no))?;
    Ok(Placed { p, order, accepted })
}

/// Waits until `done` holds for the deliveries about `trade_no`, at most
/// [`PATIENCE`]; returns them either way.
pub(crate) async fn callbacks_until(
    f: &dyn SimFamily,
    region: &str,
    trade_no: &TradeNo,
    done: impl Fn(&[Received]) -> bool,
) -> Vec<Received> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let got = f.callbacks(region, trade_no.as_str());
        if done(&got) || tokio::time::Instant::now() >= deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether a delivery verified (signed, or unsigned but parsed) as a
/// final state.
pub(crate) fn is_final(d: &Received) -> bool {
    d.verdict.as_ref().is_ok_and(|u| u.status.state.is_final())
}

/// Waits until the region's ledger stops moving (time-based transitions
/// of earlier payouts done) and returns it.
pub(crate) async fn quiet_ledger(f: &dyn SimFamily, region: &str) -> Result<Ledger, String> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut last = f.ledger(region)?;
    loop {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let now = f.ledger(region)?;
        if now == last || tokio::time::Instant::now() >= deadline {
            return Ok(now);
        }
        last = now;
    }
}
