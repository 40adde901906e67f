//! Every fault the simulator injects, on queries and on creates.

use payout_core::{Error, PayoutState};
use payout_sim::Endpoint;

use super::check;
use super::query::settle;
use crate::harness::Harness;

/// Query-side faults map to the right error phase, and idempotent queries
/// are retried.
pub async fn query_faults(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    type Expect = fn(&Error) -> bool;
    let cases: [(&str, &str, Expect); 7] = [
        ("_502", "HttpStatus 502", |e| {
            matches!(e, Error::HttpStatus { status: 502, .. })
        }),
        ("_TRUNC", "InvalidResponse", |e| {
            matches!(e, Error::InvalidResponse { .. })
        }),
        ("_HUGE", "InvalidResponse (size cap)", |e| {
            matches!(e, Error::InvalidResponse { .. })
        }),
        ("_5000", "ProviderUnavailable", |e| {
            matches!(e, Error::ProviderUnavailable { .. })
        }),
        ("_DROP", "NoAnswer", |e| matches!(e, Error::NoAnswer { .. })),
        ("_RESET", "NoAnswer", |e| {
            matches!(e, Error::NoAnswer { .. })
        }),
        ("_SLOW", "NoAnswer (timeout)", |e| {
            matches!(e, Error::NoAnswer { .. })
        }),
    ];
    for (suffix, want, matches) in cases {
        let t = h.trade_no(suffix)?;
        match p.query_payout(&t).await {
            Err(ref e) if matches(e) => {}
            other => return Err(format!("query {t}: expected {want}, got {other:?}")),
        }
        if suffix == "_502" {
            let n = h.sim.request_count(t.as_str(), Endpoint::Query);
            check(n == 2, || {
                format!("a query answered 502 is retried within the policy (2 attempts); sent {n} times")
            })?;
        }
    }
    Ok(())
}

/// Create-side faults after the request left are `OutcomeUnknown`, sent
/// exactly once, and a query then finds the payout (never "failed").
pub async fn create_faults(h: &Harness, region: &str) -> Result<(), String> {
    let p = h.provider(region)?;
    for suffix in ["_502", "_5000", "_TRUNC", "_DROP", "_RESET"] {
        let order = h.order(region, suffix)?;
        match p.create_payout(&order).await {
            Err(Error::OutcomeUnknown { .. }) => {}
            other => {
                return Err(format!(
                    "create {}: expected OutcomeUnknown, got {other:?}",
                    order.trade_no
                ))
            }
        }
        let n = h
            .sim
            .request_count(order.trade_no.as_str(), Endpoint::Create);
        check(n == 1, || {
            format!(
                "create {} was sent {n} times; never retry once it may have left",
                order.trade_no
            )
        })?;
        let s = settle(p.as_ref(), &order.trade_no).await?;
        check(s.state == PayoutState::Succeeded, || {
            format!(
                "query after a faulted create {}: {}",
                order.trade_no, s.state
            )
        })?;
    }
    Ok(())
}
