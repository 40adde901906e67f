//! Callback tampering, missing signatures, duplicates and late callbacks.

use payout_core::{decide_update, ApplyDecision, CallbackError, CallbackSigning, PayoutState};
use serde_json::Value;

use super::check;
use crate::harness::Harness;
use crate::receiver::Received;

async fn final_delivery(
    h: &Harness,
    region: &str,
    suffix: &str,
) -> Result<(payout_core::TradeNo, Vec<Received>), String> {
    let p = h.provider(region)?;
    let order = h.order(region, suffix)?;
    p.create_payout(&order).await.map_err(|e| e.to_string())?;
    let want_late = suffix.contains("_LATE");
    let want_dup = suffix.contains("_DUP");
    let got = h
        .callbacks_until(&order.trade_no, |r| {
            let finals = r
                .iter()
                .filter(|d| d.verdict.as_ref().is_ok_and(|u| u.status.state.is_final()))
                .count();
            let late = r
                .iter()
                .skip_while(|d| !d.verdict.as_ref().is_ok_and(|u| u.status.state.is_final()))
                .any(|d| {
                    d.verdict
                        .as_ref()
                        .is_ok_and(|u| u.status.state == PayoutState::Processing)
                });
            finals > usize::from(want_dup) && (!want_late || late)
        })
        .await;
    Ok((order.trade_no, got))
}

/// A changed amount never verifies; a callback without its signature is
/// refused; neither is acted on.
pub async fn tampering(h: &Harness, region: &str) -> Result<(), String> {
    if !h.observes_callbacks(region) {
        return Ok(());
    }
    let p = h.provider(region)?;
    let signed = p
        .capabilities()
        .region(region)
        .is_some_and(|r| r.callback_signing == CallbackSigning::Signed);
    let (t, got) = final_delivery(h, region, "").await?;
    let good = got
        .iter()
        .find(|d| d.verdict.as_ref().is_ok_and(|u| u.status.state.is_final()))
        .ok_or_else(|| format!("no final callback for {t}"))?;
    let body: Value = serde_json::from_slice(&good.body).map_err(|e| e.to_string())?;
    let mut obj = body
        .as_object()
        .cloned()
        .ok_or("callback is not an object")?;
    let amount = obj.get("amount").cloned().ok_or("callback has no amount")?;
    let bumped = match &amount {
        Value::String(s) => Value::String(format!("{s}1")),
        other => Value::String(format!("{other}1")),
    };
    obj.insert("amount".into(), bumped);
    let tampered = serde_json::to_vec(&obj).map_err(|e| e.to_string())?;
    match p.verify_callback(&good.headers, &tampered) {
        Err(CallbackError::BadSignature) if signed => {}
        Err(CallbackError::Unsigned(_)) if !signed => {}
        other => return Err(format!("a tampered amount must not verify; got {other:?}")),
    }
    if signed {
        obj.remove("sign");
        let mut headers = good.headers.clone();
        headers.remove(h.brand.scheme.header());
        headers.remove("sign");
        let unsigned = serde_json::to_vec(&obj).map_err(|e| e.to_string())?;
        match p.verify_callback(&headers, &unsigned) {
            Err(CallbackError::MissingSignature) => {}
            other => {
                return Err(format!(
                    "a callback without its signature must be refused; got {other:?}"
                ))
            }
        }
    }
    match p.verify_callback(&good.headers, b"{not json") {
        Err(CallbackError::Malformed(_)) => Ok(()),
        other => Err(format!("a malformed body must be Malformed; got {other:?}")),
    }
}

/// A duplicated final callback is recognised and a late `0015` after the
/// final one never moves the state.
pub async fn duplicate_and_late(h: &Harness, region: &str) -> Result<(), String> {
    if !h.observes_callbacks(region) {
        return Ok(());
    }
    let (t, got) = final_delivery(h, region, "_DUP_LATE").await?;
    let mut known: Option<PayoutState> = None;
    let mut decisions = Vec::new();
    for d in &got {
        if let Ok(u) = &d.verdict {
            let decision = decide_update(known, u.status.state);
            if decision == ApplyDecision::Apply {
                known = Some(u.status.state);
            }
            decisions.push((u.status.state, decision));
        }
    }
    check(known == Some(PayoutState::Succeeded), || {
        format!("{t}: state after all callbacks {known:?}; decisions {decisions:?}")
    })?;
    check(
        decisions
            .iter()
            .any(|(_, d)| *d == ApplyDecision::Duplicate),
        || format!("{t}: the duplicate final callback was not recognised: {decisions:?}"),
    )?;
    check(
        decisions
            .iter()
            .any(|(s, d)| *s == PayoutState::Processing && *d == ApplyDecision::KeepFinal),
        || format!("{t}: the late 0015 was not kept out: {decisions:?}"),
    )
}
