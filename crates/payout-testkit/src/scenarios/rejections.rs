//! Requests the provider refuses: duplicate trade number, wrong secret,
//! outer `8000` on create.

use payout_core::{Error, PayoutState};
use payout_sim::Endpoint;

use super::check;
use crate::harness::Harness;

/// A second create under a placed trade number is a `Duplicate` carrying
/// the existing payout; every other refusal is `Rejected` with the
/// provider's code and message, and a refused create placed nothing.
pub async fn rejected(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    let order = h.order(region, "")?;
    let first = p.create_payout(&order).await.map_err(|e| e.to_string())?;
    check(first.state != PayoutState::Failed, || {
        "a fresh payout was reported failed".into()
    })?;
    match p.create_payout(&order).await {
        Err(Error::Duplicate { existing, .. })
            if existing.trade_no == order.trade_no
                && existing.platform_trade_no == first.platform_trade_no => {}
        other => {
            return Err(format!(
                "a second create under a placed trade number must be reported as a Duplicate with the existing payout (never \"not placed\"), got {other:?}"
            ))
        }
    }

    let wrong = h.provider_with_secret(region, "not-the-merchant-secret")?;
    match wrong.query_payout(&order.trade_no).await {
        Err(Error::Rejected { code, .. }) if code == "8000" => {}
        other => {
            return Err(format!(
                "a wrong signature must be Rejected 8000, got {other:?}"
            ))
        }
    }

    let refused = h.order(region, "_8000")?;
    match p.create_payout(&refused).await {
        Err(Error::Rejected { code, .. }) if code == "8000" => {}
        other => {
            return Err(format!(
                "an outer 8000 on create must be Rejected, got {other:?}"
            ))
        }
    }
    check(h.sim.payout(refused.trade_no.as_str()).is_none(), || {
        "a rejected create placed a payout".into()
    })?;
    let sent = h
        .sim
        .request_count(refused.trade_no.as_str(), Endpoint::Create);
    check(sent == 1, || {
        format!("a rejected create was sent {sent} times")
    })?;

    match p.query_payout(&h.trade_no("")?).await {
        Err(Error::Rejected { code, .. }) if code == "8000" => Ok(()),
        other => Err(format!(
            "querying an unknown trade number must be Rejected 8000, got {other:?}"
        )),
    }
}
