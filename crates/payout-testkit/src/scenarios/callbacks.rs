//! Callback tampering, missing signatures, foreign secrets, duplicates and
//! late callbacks.

use payout_core::{decide_update, ApplyDecision, CallbackError, CallbackSigning, PayoutState};
use serde_json::Value;

use super::check;
use super::support::{callbacks_until, is_final, place};
use crate::family::{Script, SimFamily};
use crate::receiver::Received;

/// Places a payout playing `scripts` and waits for its deliveries until
/// `done` holds.
async fn deliveries(
    f: &dyn SimFamily,
    region: &str,
    scripts: &[Script],
    done: impl Fn(&[Received]) -> bool,
) -> Result<(payout_core::TradeNo, Vec<Received>), String> {
    let placed = place(f, region, scripts).await?;
    let t = placed.order.trade_no;
    let got = callbacks_until(f, region, &t, done).await;
    Ok((t, got))
}

/// `body` with its `amount` (top level, else in `data`) changed.
fn bump_amount(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let has_amount = |v: &Value| v.get("amount").is_some();
    let holder = if has_amount(&value) {
        &mut value
    } else {
        value
            .get_mut("data")
            .filter(|d| has_amount(d))
            .ok_or("the callback has no amount")?
    };
    let obj = holder
        .as_object_mut()
        .ok_or("the callback is not an object")?;
    let bumped = match obj.get("amount") {
        Some(Value::String(s)) => Value::String(format!("{s}1")),
        Some(other) => serde_json::from_str(&format!("{other}1")).map_err(|e| e.to_string())?,
        None => return Err("the callback has no amount".into()),
    };
    obj.insert("amount".into(), bumped);
    serde_json::to_vec(&value).map_err(|e| e.to_string())
}

/// By the region's declared signing: a changed amount never verifies where
/// callbacks are signed (and stays untrusted where they are not); a
/// provider holding another secret or token refuses a genuine callback; a
/// callback without its signature or token is refused; a body that is not
/// a callback is `Malformed`. None is acted on.
pub async fn tampering(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    if !f.observes_callbacks(region) {
        return Ok(());
    }
    let p = f.provider(region)?;
    let signing = p
        .capabilities()
        .region(region)
        .map(|r| r.callback_signing)
        .ok_or("the region is not declared")?;
    let (t, got) = deliveries(f, region, &[Script::Succeed], |r| r.iter().any(is_final)).await?;
    let good = got
        .iter()
        .find(|d| is_final(d))
        .ok_or_else(|| format!("no final callback for {t}"))?;

    let tampered = bump_amount(&good.body)?;
    match (signing, p.verify_callback(&good.headers, &tampered)) {
        (CallbackSigning::Signed, Err(CallbackError::BadSignature)) => {}
        (CallbackSigning::Unsigned, Err(CallbackError::Unsigned(_))) => {}
        // A token proves the sender, not the body: nothing to check here.
        (CallbackSigning::Token, _) => {}
        (_, other) => return Err(format!("a tampered amount must not verify; got {other:?}")),
    }

    let foreign = f.provider_with_wrong_secret(region)?;
    match (signing, foreign.verify_callback(&good.headers, &good.body)) {
        (CallbackSigning::Signed | CallbackSigning::Token, Err(CallbackError::BadSignature)) => {}
        (CallbackSigning::Unsigned, Err(CallbackError::Unsigned(_))) => {}
        (_, other) => {
            return Err(format!(
                "a callback checked with another secret must be refused; got {other:?}"
            ))
        }
    }

    if matches!(signing, CallbackSigning::Signed | CallbackSigning::Token) {
        let (headers, body) = f.without_signature(good);
        match p.verify_callback(&headers, &body) {
            Err(CallbackError::MissingSignature) => {}
            other => {
                return Err(format!(
                    "a callback without its signature or token must be refused; got {other:?}"
                ))
            }
        }
    }
    match p.verify_callback(&good.headers, b"{not json") {
        Err(CallbackError::Malformed(_)) => Ok(()),
        other => Err(format!("a malformed body must be Malformed; got {other:?}")),
    }
}

/// A duplicated final callback is recognised (carrying the same delivery
/// id, where the provider sends one), and, where the simulator can send
/// one, a late processing callback after the final one never moves the
/// state.
pub async fn duplicate_and_late(f: &dyn SimFamily, region: &str) -> Result<(), String> {
    if !f.observes_callbacks(region) {
        return Ok(());
    }
    let want_late = f.can(Script::LateCallback);
    let scripts: &[Script] = if want_late {
        &[Script::DuplicateCallback, Script::LateCallback]
    } else {
        &[Script::DuplicateCallback]
    };
    let (t, got) = deliveries(f, region, scripts, |r| {
        let finals = r.iter().filter(|d| is_final(d)).count();
        let late = r.iter().skip_while(|d| !is_final(d)).any(|d| {
            d.verdict
                .as_ref()
                .is_ok_and(|u| u.status.state == PayoutState::Processing)
        });
        finals > 1 && (!want_late || late)
    })
    .await?;
    let mut known: Option<PayoutState> = None;
    let mut decisions = Vec::new();
    let mut final_ids = Vec::new();
    for u in got.iter().filter_map(|d| d.verdict.as_ref().ok()) {
        let decision = decide_update(known, u.status.state);
        if decision == ApplyDecision::Apply {
            known = Some(u.status.state);
        }
        if u.status.state.is_final() {
            final_ids.push(u.delivery_id.clone());
        }
        decisions.push((u.status.state, decision));
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
        final_ids.iter().all(Option::is_none) || final_ids.windows(2).all(|w| w[0] == w[1]),
        || format!("{t}: a re-delivered callback must carry its delivery id again: {final_ids:?}"),
    )?;
    if want_late {
        check(
            decisions
                .iter()
                .any(|(s, d)| *s == PayoutState::Processing && *d == ApplyDecision::KeepFinal),
            || format!("{t}: the late processing callback was not kept out: {decisions:?}"),
        )?;
    }
    Ok(())
}
