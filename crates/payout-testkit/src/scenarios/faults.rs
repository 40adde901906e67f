//! Every fault the simulator injects, on queries and on creates.

use payout_core::{Error, PayoutState};

use super::check;
use super::lifecycle::sent_once;
use super::support::settle;
use crate::family::{Call, FaultKind, Script, SimFamily};
use crate::harness::ATTEMPTS;

/// Query-side faults map to the right error phase, and idempotent queries
/// are retried within the policy.
pub async fn query_faults(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    type Expect = fn(&Error) -> bool;
    let cases: [(FaultKind, &str, Expect); 8] = [
        (FaultKind::BadGateway, "HttpStatus 502", |e| {
            matches!(e, Error::HttpStatus { status: 502, .. })
        }),
        (
            FaultKind::ServerError,
            "HttpStatus 500 or ProviderUnavailable",
            |e| {
                matches!(
                    e,
                    Error::HttpStatus { status: 500, .. } | Error::ProviderUnavailable { .. }
                )
            },
        ),
        (FaultKind::Truncated, "InvalidResponse", |e| {
            matches!(e, Error::InvalidResponse { .. })
        }),
        (FaultKind::Huge, "InvalidResponse (size cap)", |e| {
            matches!(e, Error::InvalidResponse { .. })
        }),
        (FaultKind::SystemError, "ProviderUnavailable", |e| {
            matches!(e, Error::ProviderUnavailable { .. })
        }),
        (FaultKind::Drop, "NoAnswer", |e| {
            matches!(e, Error::NoAnswer { .. })
        }),
        (FaultKind::Reset, "NoAnswer", |e| {
            matches!(e, Error::NoAnswer { .. })
        }),
        (FaultKind::Slow, "NoAnswer (timeout)", |e| {
            matches!(e, Error::NoAnswer { .. })
        }),
    ];
    for (kind, want, matches) in cases {
        if !f.can(Script::Fault(kind)) {
            continue;
        }
        let t = f.order(region, &[Script::Fault(kind)])?.trade_no;
        match p.query_payout(&t).await {
            Err(ref e) if matches(e) => {}
            other => return Err(format!("query {t}: expected {want}, got {other:?}")),
        }
        if kind == FaultKind::BadGateway {
            if let Some(n) = f.requests(region, t.as_str(), Call::Query) {
                check(n == ATTEMPTS, || {
                    format!("a query answered 502 is retried within the policy ({ATTEMPTS} attempts); sent {n} times")
                })?;
            }
        }
    }
    Ok(())
}

/// Create-side faults after the request left are `OutcomeUnknown`, sent
/// exactly once (repeated only under an idempotency key, within the
/// attempts), one payout placed, and a query then finds it (never
/// "failed").
pub async fn create_faults(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    let p = f.provider(region)?;
    let dedup = p.capabilities().create_dedup;
    let kinds = [
        FaultKind::BadGateway,
        FaultKind::ServerError,
        FaultKind::SystemError,
        FaultKind::Truncated,
        FaultKind::Drop,
        FaultKind::Reset,
    ];
    for kind in kinds.into_iter().filter(|k| f.can(Script::Fault(*k))) {
        let order = f.order(region, &[Script::Fault(kind)])?;
        match p.create_payout(&order).await {
            Err(Error::OutcomeUnknown { .. }) => {}
            other => {
                return Err(format!(
                    "create {} ({kind:?}): expected OutcomeUnknown, got {other:?}",
                    order.trade_no
                ))
            }
        }
        sent_once(f, region, &dedup, order.trade_no.as_str())?;
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
