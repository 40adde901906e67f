//! Orders that break a region rule are refused before anything is sent.

use payout_core::{Decimal, Error};
use payout_sim::Endpoint;

use super::check;
use crate::harness::Harness;

/// Too many decimals, a non-positive amount, a bad notify URL and an extra
/// overriding a protocol field are each `Validation` naming the field, and
/// none reaches the simulator.
pub async fn rules_checked_before_sending(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    let row = h.brand.region(region).ok_or("no such region")?;
    let mut cases = Vec::new();

    let mut o = h.order(region, "")?;
    o.amount += Decimal::new(1, row.amount.scale + 1);
    cases.push(("amount", o));

    let mut o = h.order(region, "")?;
    o.amount = Decimal::ZERO;
    cases.push(("amount", o));

    let mut o = h.order(region, "")?;
    o.notify_url = Some("ftp://merchant.example/notify".into());
    cases.push(("notify_url", o));

    let mut o = h.order(region, "")?;
    o.extra.insert("tradeNo".into(), "SOMEONE_ELSE".into());
    cases.push(("tradeNo", o));

    for (field, order) in cases {
        let validated = p.validate_payout(&order);
        let created = p.create_payout(&order).await;
        for (what, r) in [
            ("validate", validated.map(|_| ())),
            ("create", created.map(|_| ())),
        ] {
            match r {
                Err(Error::Validation { field: f, rule }) if f == field && !rule.is_empty() => {}
                other => {
                    return Err(format!(
                    "{what} of a bad {field}: expected Validation naming {field}, got {other:?}"
                ))
                }
            }
        }
        let sent = h
            .sim
            .request_count(order.trade_no.as_str(), Endpoint::Create);
        check(sent == 0, || {
            format!("an invalid order ({field}) reached the provider {sent} times")
        })?;
    }
    let good = h.order(region, "")?;
    p.validate_payout(&good)
        .map_err(|e| format!("a valid order was refused: {e}"))
}
