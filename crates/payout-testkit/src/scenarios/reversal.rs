//! A payout reported succeeded, then reversed (the money came back).

use payout_core::{decide_update, ApplyDecision, PayoutState};

use super::check;
use super::support::{callbacks_until, place, query_until};
use crate::family::{Script, SimFamily};

/// A payout bound to be reversed is queried `reversed` in the end (with
/// the family's raw status); its callbacks, applied in the order they
/// came, record `succeeded` then a `Reversal`, the one move out of a final
/// state.
pub async fn reversed_after_succeeded(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let placed = place(f, region, &[Script::Reverse]).await?;
    let (p, t) = (placed.p.as_ref(), &placed.order.trade_no);
    let s = query_until(p, t, |s| s.state == PayoutState::Reversed).await?;
    let code = f.provider_status(Script::Reverse);
    check(
        s.state == PayoutState::Reversed && code.is_none_or(|c| s.provider_status == c),
        || {
            format!(
                "{t}: expected reversed ({}), got {} ({})",
                code.unwrap_or("any status"),
                s.state,
                s.provider_status
            )
        },
    )?;
    if !f.observes_callbacks(region) {
        return Ok(());
    }
    let reversed = |d: &crate::Received| {
        d.verdict
            .as_ref()
            .is_ok_and(|u| u.status.state == PayoutState::Reversed)
    };
    let got = callbacks_until(f, region, t, |r| r.iter().any(reversed)).await;
    let mut known = None;
    let mut decisions = Vec::new();
    for u in got.iter().filter_map(|d| d.verdict.as_ref().ok()) {
        let decision = decide_update(known, u.status.state);
        if matches!(decision, ApplyDecision::Apply | ApplyDecision::Reversal) {
            known = Some(u.status.state);
        }
        decisions.push((u.status.state, decision));
    }
    check(
        known == Some(PayoutState::Reversed)
            && decisions.contains(&(PayoutState::Succeeded, ApplyDecision::Apply))
            && decisions.contains(&(PayoutState::Reversed, ApplyDecision::Reversal)),
        || {
            format!(
                "{t}: callbacks should record succeeded then a reversal; decisions {decisions:?}"
            )
        },
    )
}
