//! Querying payouts in every state, and a succeeded payout read exactly.

use payout_core::PayoutState;

use super::check;
use super::support::{place, settle};
use crate::family::{Script, SimFamily};

/// Succeeded, failed (two reasons), unknown (an undocumented status) and
/// processing, each read right, with the raw status the family pins.
pub async fn each_state(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let cases = [
        (Script::Succeed, PayoutState::Succeeded),
        (Script::Fail, PayoutState::Failed),
        (Script::FailOther, PayoutState::Failed),
        (Script::Undocumented, PayoutState::Unknown),
    ];
    for (script, want) in cases.into_iter().filter(|(s, _)| f.can(*s)) {
        let placed = place(f, region, &[script]).await?;
        let t = &placed.order.trade_no;
        let s = settle(placed.p.as_ref(), t).await?;
        let code = f.provider_status(script);
        check(
            s.state == want && code.is_none_or(|c| s.provider_status == c),
            || {
                format!(
                    "{t} ({script:?}): expected {want} ({}), got {} ({})",
                    code.unwrap_or("any status"),
                    s.state,
                    s.provider_status
                )
            },
        )?;
        check(s.trade_no == *t, || {
            format!("{t}: answer names {}", s.trade_no)
        })?;
    }
    if f.can(Script::StayProcessing) {
        let placed = place(f, region, &[Script::StayProcessing]).await?;
        let t = &placed.order.trade_no;
        let code = f.provider_status(Script::StayProcessing);
        for _ in 0..3 {
            let s = placed.p.query_payout(t).await.map_err(|e| e.to_string())?;
            check(
                s.state == PayoutState::Processing && code.is_none_or(|c| s.provider_status == c),
                || {
                    format!(
                        "{t}: expected processing ({}), got {} ({})",
                        code.unwrap_or("any status"),
                        s.state,
                        s.provider_status
                    )
                },
            )?;
        }
    }
    Ok(())
}

/// A succeeded payout reports its currency, its amount exactly and the
/// provider's id for it, then what the family checks of its answers.
pub async fn read_exactly(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let placed = place(f, region, &[Script::Succeed]).await?;
    let (p, order) = (placed.p.as_ref(), &placed.order);
    let s = settle(p, &order.trade_no).await?;
    check(s.state == PayoutState::Succeeded, || {
        format!("expected succeeded, got {}", s.state)
    })?;
    let currency = p
        .capabilities()
        .region(region)
        .map(|r| r.currency)
        .ok_or("the region is not declared")?;
    check(s.currency == currency, || {
        format!("currency {} != the declared {currency}", s.currency)
    })?;
    let amount = s.amount.or(s.requested_amount);
    check(
        amount.map(|a| a.normalize()) == Some(order.amount.normalize()),
        || format!("amount {amount:?} != the order's {}", order.amount),
    )?;
    check(
        s.platform_trade_no.is_some() && s.platform_trade_no == placed.accepted.platform_trade_no,
        || {
            format!(
                "the query names payout {:?}, the create answered {:?}",
                s.platform_trade_no, placed.accepted.platform_trade_no
            )
        },
    )?;
    f.check_succeeded(region, order, &s)
}
