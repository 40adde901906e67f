//! Querying payouts in every state, and the region's response variant.

use payout_core::{PayoutProvider, PayoutState, PayoutStatus, TradeNo};
use payout_platform::QueryVariant;

use super::check;
use crate::harness::{Harness, PATIENCE};

/// Queries until the state is not `processing` (bounded by [`PATIENCE`]).
pub(crate) async fn settle(p: &dyn PayoutProvider, t: &TradeNo) -> Result<PayoutStatus, String> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let s = p
            .query_payout(t)
            .await
            .map_err(|e| format!("query {t}: {e}"))?;
        if s.state != PayoutState::Processing || tokio::time::Instant::now() >= deadline {
            return Ok(s);
        }
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
}

/// Creates a payout with `suffix` and returns its trade number.
pub(crate) async fn placed(
    h: &Harness,
    region: &str,
    suffix: &str,
) -> Result<(std::sync::Arc<dyn PayoutProvider>, TradeNo), String> {
    let p = h.provider(region)?;
    let order = h.order(region, suffix)?;
    p.create_payout(&order)
        .await
        .map_err(|e| format!("create {}: {e}", order.trade_no))?;
    Ok((p, order.trade_no))
}

/// Succeeded, failed, processing, unknown (undocumented status) and a
/// documented limit code, each read right.
pub async fn each_state(h: &Harness, region: &str) -> Result<(), String> {
    let cases = [
        ("", PayoutState::Succeeded, "0000"),
        ("_FAIL", PayoutState::Failed, "00029"),
        ("_LIMIT", PayoutState::Failed, payout_sim::LIMIT_STATUS),
        (
            "_UNDOC",
            PayoutState::Unknown,
            payout_sim::UNDOCUMENTED_STATUS,
        ),
    ];
    for (suffix, want, code) in cases {
        let (p, t) = placed(h, region, suffix).await?;
        let s = settle(p.as_ref(), &t).await?;
        check(s.state == want && s.provider_status == code, || {
            format!(
                "{t}: expected {want} ({code}), got {} ({})",
                s.state, s.provider_status
            )
        })?;
        check(s.trade_no == t, || {
            format!("{t}: answer names {}", s.trade_no)
        })?;
    }
    let (p, t) = placed(h, region, "_PROC").await?;
    for _ in 0..3 {
        let s = p.query_payout(&t).await.map_err(|e| e.to_string())?;
        check(
            s.state == PayoutState::Processing && s.provider_status == "0015",
            || {
                format!(
                    "{t}: expected processing (0015), got {} ({})",
                    s.state, s.provider_status
                )
            },
        )?;
    }
    Ok(())
}

/// The amounts and success time of the region's response variant are read
/// exactly.
pub async fn response_variant(h: &Harness, region: &str) -> Result<(), String> {
    let row = h.brand.region(region).ok_or("no such region")?;
    let p = h.provider(region)?;
    let order = h.order(region, "")?;
    p.create_payout(&order).await.map_err(|e| e.to_string())?;
    let s = settle(p.as_ref(), &order.trade_no).await?;
    check(s.state == PayoutState::Succeeded, || {
        format!("expected succeeded, got {}", s.state)
    })?;
    check(s.success_time.is_some(), || {
        "a succeeded payout reports successTime".into()
    })?;
    check(s.currency == row.currency, || {
        format!("currency {} != {}", s.currency, row.currency)
    })?;
    match row.query_variant {
        QueryVariant::A => {
            check(
                s.requested_amount.map(|a| a.normalize()) == Some(order.amount.normalize()),
                || {
                    format!(
                        "variant A: orderAmount {:?} != {}",
                        s.requested_amount, order.amount
                    )
                },
            )?;
            check(s.paid_amount.is_some(), || {
                "variant A: payAmount missing".into()
            })
        }
        QueryVariant::B | QueryVariant::C => {
            let got = s.amount.ok_or("variant B/C: amount missing")?;
            check(got.normalize() == order.amount.normalize(), || {
                format!("amount {got} != {}", order.amount)
            })?;
            if row.query_variant == QueryVariant::C {
                check(got.scale() == 4, || {
                    format!("variant C: amount {got} should keep its 4 decimals")
                })?;
            }
            Ok(())
        }
    }
}
