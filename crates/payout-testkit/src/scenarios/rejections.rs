//! What the provider refuses: a wrong secret, a refused create, an unknown
//! trade number, a second create under a placed trade number.

use payout_core::{CreateDedup, Decimal, Error, PayoutState};

use super::check;
use super::support::place;
use crate::family::{Call, Script, SimFamily};

/// A wrong secret is `Rejected` with the family's code; a create the
/// provider refuses is `Rejected` and placed nothing; a query of a trade
/// number nobody used is a proof of absence (`NotFound`) where the
/// protocol gives one, else `Rejected` — never a status.
pub async fn rejected(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let placed = place(f, region, &[Script::Succeed]).await?;
    let (p, t) = (placed.p.as_ref(), &placed.order.trade_no);
    check(placed.accepted.state != PayoutState::Failed, || {
        "a fresh payout was reported failed".into()
    })?;

    let wrong = f.provider_with_wrong_secret(region)?;
    let code = f.auth_refusal_code();
    match wrong.query_payout(t).await {
        Err(Error::Rejected { code: c, .. }) if c == code => {}
        other => {
            return Err(format!(
                "a wrong secret must be Rejected {code}, got {other:?}"
            ))
        }
    }

    if f.can(Script::Refused) {
        let refused = f.order(region, &[Script::Refused])?;
        let r = refused.trade_no.as_str();
        match p.create_payout(&refused).await {
            Err(Error::Rejected { .. }) => {}
            other => {
                return Err(format!(
                    "a create the provider refuses must be Rejected, got {other:?}"
                ))
            }
        }
        let held = f.payouts_held(region, r);
        check(held == 0, || {
            format!("a rejected create placed {held} payouts")
        })?;
        let sent = f.requests(region, r, Call::Create);
        check(sent.is_none_or(|n| n == 1), || {
            format!("a rejected create was sent {sent:?} times")
        })?;
    }

    let unknown = f.order(region, &[])?.trade_no;
    match p.query_payout(&unknown).await {
        Err(Error::NotFound { ref trade_no, .. }) if f.proves_absence() && *trade_no == unknown => {
            Ok(())
        }
        Err(Error::Rejected { .. }) if !f.proves_absence() => Ok(()),
        other => Err(format!(
            "querying an unknown trade number must be {}, got {other:?}",
            if f.proves_absence() {
                "NotFound naming it"
            } else {
                "Rejected"
            }
        )),
    }
}

/// The same order again is the original payout where an idempotency key
/// de-duplicates it, else a `Duplicate` carrying it; another order under
/// the same trade number is a `Duplicate` carrying the existing payout
/// (never "not placed"); either way one payout is held.
pub async fn duplicate_create(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let placed = place(f, region, &[Script::Succeed]).await?;
    let (p, order) = (placed.p.as_ref(), &placed.order);
    let first = &placed.accepted;
    let same_payout = |s: &payout_core::PayoutStatus| {
        s.trade_no == order.trade_no && s.platform_trade_no == first.platform_trade_no
    };
    let keyed = p.capabilities().create_dedup == CreateDedup::IdempotencyKey;
    match p.create_payout(order).await {
        Ok(s) if keyed && same_payout(&s) => {}
        Err(Error::Duplicate { existing, .. }) if !keyed && same_payout(&existing) => {}
        other => {
            return Err(format!(
                "the same order again must be {}, got {other:?}",
                if keyed {
                    "the original payout (idempotency key)"
                } else {
                    "a Duplicate carrying the existing payout"
                }
            ))
        }
    }
    let mut other = order.clone();
    other.amount += Decimal::new(1, f.amount_scale(region)?);
    match p.create_payout(&other).await {
        Err(Error::Duplicate { existing, .. }) if same_payout(&existing) => {}
        other => {
            return Err(format!(
                "another order under a placed trade number must be a Duplicate carrying the existing payout, got {other:?}"
            ))
        }
    }
    let held = f.payouts_held(region, order.trade_no.as_str());
    check(held == 1, || {
        format!("{held} payouts are held under {}", order.trade_no)
    })
}
