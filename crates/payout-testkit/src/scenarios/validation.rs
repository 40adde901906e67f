//! Orders that break a rule are refused before anything is sent.

use payout_core::{Decimal, Error};

use super::check;
use crate::family::{Call, SimFamily};

/// Too many decimals, a zero and a negative amount, and the family's own
/// broken orders (a bad notify URL, an unknown channel, an extra
/// overriding a protocol field, ...) are each `Validation` naming the
/// field, from `validate_payout` and from `create_payout` alike, and none
/// reaches the simulator.
pub async fn rules_checked_before_sending(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    let scale = f.amount_scale(region)?;
    let mut cases = Vec::new();

    let mut o = f.order(region, &[])?;
    o.amount += Decimal::new(1, scale + 1);
    cases.push(("amount", o));

    let mut o = f.order(region, &[])?;
    o.amount = Decimal::ZERO;
    cases.push(("amount", o));

    let mut o = f.order(region, &[])?;
    o.amount = -o.amount;
    cases.push(("amount", o));

    cases.extend(f.invalid_orders(region)?);

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
        let t = order.trade_no.as_str();
        let sent = f.requests(region, t, Call::Create).unwrap_or(0);
        let held = f.payouts_held(region, t);
        check(sent == 0 && held == 0, || {
            format!(
                "an invalid order ({field}) reached the provider {sent} times and placed {held}"
            )
        })?;
    }
    let good = f.order(region, &[])?;
    p.validate_payout(&good)
        .map_err(|e| format!("a valid order was refused: {e}"))
}
